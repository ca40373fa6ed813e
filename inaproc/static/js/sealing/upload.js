// Resumable upload of a sealed file with the vendored tus-js-client (tus 1.0; the server
// side is the project's own). An upload survives a dropped connection or a server restart
// (retries, then a HEAD to learn the offset) and, because the upload URL is remembered
// under the sealed file's SHA-256 (tus-js-client's urlStorage, in localStorage), a reload
// of the page resumes the same sealed bytes when the page still has them:
// rememberSealed/recallSealed keep the sealed Blob in IndexedDB for that.
import "../../vendor/tus-js-client/tus.min.js"; // a UMD bundle: it defines window.tus
import { SealError } from "./util.js";

const tus = globalThis.tus;
export const DEFAULT_CHUNK_SIZE = 5 * 1024 * 1024;
export const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000];

// uploadSealed(blob, {endpoint, metadata, sha256, chunkSize = 5 MiB, onProgress, csrfToken,
//   retryDelays, headers, capability}) -> Promise<uploadUrl>
// capability: an async function giving the bid page's upload capability, asked before
// every request (it may fetch a fresh one) and sent as the Upload-Capability header.
// metadata: strings sent as Upload-Metadata (e.g. {tender, slot, sha256, filename}).
// sha256: hex of the sealed bytes (sealFile's result), also the resume fingerprint.
// onProgress(sentBytes, totalBytes). Rejects with SealError("upload_failed") carrying the
// HTTP status (`status`) and the server's answer (`body`) when the server refuses it.
export function uploadSealed(blob, options = {}) {
  const { endpoint, metadata = {}, sha256, chunkSize = DEFAULT_CHUNK_SIZE } = options;
  if (!tus || !tus.isSupported) {
    return Promise.reject(new SealError("upload_failed", "resumable uploads not supported"));
  }
  if (typeof endpoint !== "string" || !endpoint || !/^[0-9a-f]{64}$/.test(sha256 || "")) {
    return Promise.reject(new SealError("bad_argument", "endpoint and sha256 are required"));
  }
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(blob, {
      endpoint,
      chunkSize,
      // The creation request carries the first piece (all of a small file): one request
      // fewer per file, which counts on deadline day.
      uploadDataDuringCreation: true,
      retryDelays: options.retryDelays || RETRY_DELAYS,
      metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, String(v)])),
      headers: Object.assign(
        {}, options.headers || {}, options.csrfToken ? { "X-CSRFToken": options.csrfToken } : {},
      ),
      onBeforeRequest: async (request) => {
        if (typeof options.capability === "function") {
          request.setHeader("Upload-Capability", await options.capability());
        }
      },
      fingerprint: () => Promise.resolve(`inaproc-seal-${sha256}-${endpoint}`),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => {
        if (typeof options.onProgress === "function") options.onProgress(sent, total);
      },
      onSuccess: () => resolve(upload.url),
      onError: (error) => reject(uploadError(error)),
    });
    upload.findPreviousUploads().then((previous) => {
      if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    }, (error) => reject(uploadError(error)));
  });
}

function uploadError(error) {
  const response = error && error.originalResponse;
  const failure = new SealError("upload_failed", (error && error.message) || "upload failed");
  failure.status = response ? response.getStatus() : 0;
  failure.body = response ? response.getBody() : "";
  return failure;
}

// --- keeping a sealed Blob across a reload (IndexedDB), keyed by the page's choice ---

const DB_NAME = "inaproc-sealed";
const STORE = "sealed";

function database() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, action) {
  const db = await database();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = action(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

// rememberSealed(key, {blob, sha256, name, size, ...}): keeps sealFile's result (no keys
// are in it: a sealed file is safe to keep). recallSealed(key) -> that object or undefined.
export function rememberSealed(key, sealed) {
  return withStore("readwrite", (store) => store.put(sealed, key));
}

export function recallSealed(key) {
  return withStore("readonly", (store) => store.get(key));
}

export function forgetSealed(key) {
  return withStore("readwrite", (store) => store.delete(key));
}
