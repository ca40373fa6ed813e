// A Pokja member's opening key (docs/sealed-bids.md, "Member opening key file"): an ECDH
// P-256 key pair made in the browser, its private half kept only in a key file encrypted
// under the member's passphrase (PBKDF2-SHA256, 600 000 iterations, then AES-256-GCM with
// the fingerprint as associated data).
import {
  SealError,
  b64u,
  b64uDecode,
  equalBytes,
  exportPublicRaw,
  fingerprint,
  generateEcdh,
  importPublic,
  utf8,
} from "./util.js";

const subtle = globalThis.crypto.subtle;
export const FORMAT = "inaproc-opening-key-1";
export const MIN_ITERATIONS = 600000;
// Far above any sensible setting: a key file cannot make the page work for hours.
const MAX_ITERATIONS = 10000000;

async function passphraseKey(passphrase, salt, iterations, usages) {
  if (typeof passphrase !== "string" || passphrase.length === 0) {
    throw new SealError("bad_argument", "the passphrase is empty");
  }
  const material = await subtle.importKey(
    "raw", utf8(passphrase.normalize("NFC")), "PBKDF2", false, ["deriveKey"],
  );
  return subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    usages,
  );
}

// createOpeningKey(passphrase, {portal, username}) -> {publicRaw, fingerprint, keyFile}
// keyFile: the .inpkey object (JSON.stringify it for the download). The private key is
// generated extractable only to be wrapped; it is not returned.
export async function createOpeningKey(passphrase, options = {}) {
  const { portal, username, iterations = MIN_ITERATIONS } = options;
  if (typeof portal !== "string" || !portal || typeof username !== "string" || !username) {
    throw new SealError("bad_argument", "portal and username are required");
  }
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS) {
    throw new SealError("weak_kdf", "at least 600000 PBKDF2 iterations");
  }
  const pair = await generateEcdh(true);
  const publicRaw = await exportPublicRaw(pair.publicKey);
  const print = await fingerprint(publicRaw);
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const kek = await passphraseKey(passphrase, salt, iterations, ["wrapKey"]);
  const wrapped = await subtle.wrapKey("pkcs8", pair.privateKey, kek, {
    name: "AES-GCM", iv, additionalData: utf8(print),
  });
  const keyFile = {
    format: FORMAT,
    portal,
    username,
    public_key: b64u(publicRaw),
    fingerprint: print,
    created: new Date().toISOString(),
    kdf: { name: "PBKDF2-SHA256", iterations, salt: b64u(salt) },
    iv: b64u(iv),
    private_key: b64u(new Uint8Array(wrapped)),
  };
  return { publicRaw, fingerprint: print, keyFile };
}

function parseKeyFile(keyFile) {
  let data = keyFile;
  if (typeof keyFile === "string") {
    try {
      data = JSON.parse(keyFile);
    } catch (error) {
      throw new SealError("bad_key_file", "not an opening key file (not JSON)");
    }
  }
  const kdf = data && data.kdf;
  const ok = data && typeof data === "object" && data.format === FORMAT
    && typeof data.public_key === "string" && typeof data.fingerprint === "string"
    && typeof data.iv === "string" && typeof data.private_key === "string"
    && kdf && typeof kdf === "object" && typeof kdf.salt === "string"
    && Number.isInteger(kdf.iterations);
  if (!ok) throw new SealError("bad_key_file", "not an opening key file");
  if (kdf.name !== "PBKDF2-SHA256") throw new SealError("bad_key_file", "unknown key derivation");
  if (kdf.iterations < MIN_ITERATIONS) {
    throw new SealError("weak_kdf", "fewer than 600000 PBKDF2 iterations");
  }
  if (kdf.iterations > MAX_ITERATIONS) throw new SealError("bad_key_file", "too many iterations");
  try {
    return {
      data,
      publicRaw: b64uDecode(data.public_key),
      salt: b64uDecode(kdf.salt),
      iv: b64uDecode(data.iv),
      wrapped: b64uDecode(data.private_key),
    };
  } catch (error) {
    throw new SealError("bad_key_file", "a field of the key file is not base64url");
  }
}

// True when privateKey is the private half of publicKey: ECDH with a fresh pair agrees both
// ways only then (a non-extractable key cannot be exported to compare).
async function samePair(privateKey, publicKey) {
  const probe = await generateEcdh(false);
  const one = await subtle.deriveBits({ name: "ECDH", public: publicKey }, probe.privateKey, 256);
  const two = await subtle.deriveBits({ name: "ECDH", public: probe.publicKey }, privateKey, 256);
  return equalBytes(new Uint8Array(one), new Uint8Array(two));
}

// loadOpeningKey(keyFileObjectOrText, passphrase)
//   -> {privateKey, publicRaw, fingerprint, portal, username}
// privateKey: a non-extractable ECDH CryptoKey (deriveBits); pass the whole result to
// unwrap/decryptShare. Throws SealError: "bad_key_file" (not a key file), "weak_kdf",
// "bad_passphrase", "key_mismatch" (the private key is not the file's public key).
export async function loadOpeningKey(keyFile, passphrase) {
  const { data, publicRaw, salt, iv, wrapped } = parseKeyFile(keyFile);
  let publicKey;
  try {
    publicKey = await importPublic(publicRaw);
  } catch (error) {
    throw new SealError("bad_key_file", "the public key is not a P-256 point");
  }
  const print = await fingerprint(publicRaw);
  if (data.fingerprint !== print) throw new SealError("bad_key_file", "the fingerprint differs");
  if (salt.length !== 16 || iv.length !== 12) throw new SealError("bad_key_file", "salt or iv");
  const kek = await passphraseKey(passphrase, salt, data.kdf.iterations, ["unwrapKey"]);
  let privateKey;
  try {
    privateKey = await subtle.unwrapKey(
      "pkcs8", wrapped, kek, { name: "AES-GCM", iv, additionalData: utf8(print) },
      { name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"],
    );
  } catch (error) {
    throw new SealError("bad_passphrase", "the passphrase does not open this key file");
  }
  if (!(await samePair(privateKey, publicKey))) {
    throw new SealError("key_mismatch", "the private key is not the file's public key");
  }
  const { portal, username } = data;
  return { privateKey, publicRaw, fingerprint: print, portal, username };
}
