// The sealed file (.inpseal) of docs/sealed-bids.md, in the browser: sealFile seals a Blob
// record by record, checks that what it produced opens to the original (the self-check)
// and hashes the sealed bytes; openSealed opens one with the tender private key.
import { sha256 as sha256Hasher } from "../../vendor/noble-hashes/sha2.js";
import { recipientOf, unwrap, wrap } from "./ecies.js";
import {
  SealError,
  b64u,
  b64uDecode,
  concat,
  equalBytes,
  fingerprint,
  hex,
  importPublic,
  sha256,
  strictJsonObject,
  utf8,
} from "./util.js";

export { SealError, b64u, b64uDecode, fingerprint };

const subtle = globalThis.crypto.subtle;
const MAGIC = utf8("INPSEAL1");
const TAG = 16;
const MIN_RECORD = 1024;
const MAX_RECORD = 16777216;
const MAX_HEADER = 65536;
const META_NONCE = concat(new Uint8Array([1]), new Uint8Array(11));
// Blob parts are gathered into one Blob every so many records, so that a large file is
// not held as a growing list of arrays.
const RECORDS_PER_BLOB = 16;

const TENDER_CODE = /^[0-9]{1,32}$/;
const SLOT_CODE = /^[a-z0-9_]{1,32}$/;

// nonce_i = 0x00 0x00 0x00 ‖ i (8 bytes, big-endian) ‖ 0x01 for the last record, else 0x00.
function recordNonce(index, last) {
  const nonce = new Uint8Array(12);
  const view = new DataView(nonce.buffer);
  view.setUint32(3, Math.floor(index / 0x100000000));
  view.setUint32(7, index >>> 0);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

async function gcm(mode, key, iv, data, additionalData) {
  const params = { name: "AES-GCM", iv, additionalData };
  const out = mode === "encrypt"
    ? await subtle.encrypt(params, key, data)
    : await subtle.decrypt(params, key, data);
  return new Uint8Array(out);
}

async function readBytes(blob, start, end) {
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

function sealContext(tender, slot) {
  return `inaproc-seal-v1|${tender}|${slot}`;
}

function metaContext(tender, slot) {
  return utf8(`inaproc-meta-v1|${tender}|${slot}`);
}

function recordCount(size, recordSize) {
  return Math.max(1, Math.ceil(size / recordSize));
}

function checkSealArguments(file, { tender, slot, tenderPublicRaw, recordSize }) {
  if (!(file instanceof Blob)) throw new SealError("bad_argument", "sealFile seals a Blob or File");
  if (typeof tender !== "string" || !TENDER_CODE.test(tender)) {
    throw new SealError("bad_argument", "the tender code is a string of digits");
  }
  if (typeof slot !== "string" || !SLOT_CODE.test(slot)) {
    throw new SealError("bad_argument", "the slot code is lowercase letters, digits and _");
  }
  if (!(tenderPublicRaw instanceof Uint8Array)) {
    throw new SealError("bad_argument", "tenderPublicRaw is the 65-byte raw public key");
  }
  if (!Number.isInteger(recordSize) || recordSize < MIN_RECORD || recordSize > MAX_RECORD) {
    throw new SealError("bad_argument", "the record size is 1024 … 16777216 bytes");
  }
}

// JSON as Python's json.dumps(ensure_ascii=True, separators=(",", ":")) writes it: every
// character above 0x7f as \uXXXX (UTF-16 code units, lowercase hex).
function asciiJson(value) {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}

// magic ‖ hlen (4 bytes, big-endian) ‖ header (JSON, ASCII, keys sorted, no whitespace).
function buildPreamble(fields) {
  const ordered = {};
  for (const name of Object.keys(fields).sort()) ordered[name] = fields[name];
  const header = utf8(asciiJson(ordered));
  if (header.length > MAX_HEADER) {
    throw new SealError("bad_argument", "the file name or type is too long for the header");
  }
  const hlen = new Uint8Array(4);
  new DataView(hlen.buffer).setUint32(0, header.length);
  return concat(MAGIC, hlen, header);
}

// Reads and checks magic, hlen and header; returns {header, preamble, aad}.
async function readPreamble(blob) {
  if (blob.size < 12) throw new SealError("truncated", "shorter than a sealed file's start");
  const start = await readBytes(blob, 0, 12);
  if (!equalBytes(start.subarray(0, 8), MAGIC)) {
    throw new SealError("bad_magic", "not a sealed file (INPSEAL1)");
  }
  const hlen = new DataView(start.buffer).getUint32(8);
  if (hlen < 1 || hlen > MAX_HEADER) throw new SealError("bad_header", "header length");
  if (blob.size < 12 + hlen) throw new SealError("truncated", "the header is cut");
  const headerBytes = await readBytes(blob, 12, 12 + hlen);
  const header = await parseHeader(headerBytes);
  const preamble = concat(start, headerBytes);
  return { header, preamble, aad: await sha256(preamble) };
}

const HEADER_FIELDS = ["v", "tender", "slot", "key", "epk", "wk", "rs", "meta"];

// The header, as strictly as inaproc/seal/header.py reads it (docs: "Readers are strict").
async function parseHeader(bytes) {
  if (bytes.some((byte) => byte > 0x7f)) throw new SealError("bad_header", "not ASCII");
  const text = new TextDecoder().decode(bytes);
  const header = strictJsonObject(text, "bad_header", HEADER_FIELDS, ["v", "rs"]);
  const ok = header.v === 1
    && typeof header.tender === "string" && TENDER_CODE.test(header.tender)
    && typeof header.slot === "string" && SLOT_CODE.test(header.slot)
    && typeof header.key === "string" && /^[0-9a-f]{64}$/.test(header.key)
    && header.rs >= MIN_RECORD && header.rs <= MAX_RECORD;
  if (!ok) throw new SealError("bad_header", "the header's fields are not as the format says");
  let epk, wk, meta;
  try {
    [epk, wk, meta] = [header.epk, header.wk, header.meta].map(b64uDecode);
    await importPublic(epk);
  } catch (error) {
    throw new SealError("bad_header", "epk, wk or meta is not as the format says");
  }
  if (wk.length !== 32 + TAG || meta.length < TAG) {
    throw new SealError("bad_header", "the wrapped key or meta block has a wrong length");
  }
  return header;
}

// The records of a sealed file of `total` bytes as a reader cuts them, records of rs + 16
// bytes, the one after which the file ends the last: [{offset, length, last}]. Whether each
// is possible is checked as it is read (checkRecordLength), in the order of the Python
// reader, so that both sides refuse a damaged file with the same code.
function recordLayout(total, preambleLength, recordSize) {
  const body = total - preambleLength;
  const stored = recordSize + TAG;
  const count = Math.max(1, Math.ceil(body / stored));
  const lastLength = body - (count - 1) * stored;
  return Array.from({ length: count }, (_, i) => ({
    index: i,
    offset: preambleLength + i * stored,
    length: i === count - 1 ? lastLength : stored,
    last: i === count - 1,
  }));
}

// A record holds at least its tag; a tag-only record is only ever the single record of an
// empty file.
function checkRecordLength(record) {
  if (record.length < TAG || (record.last && record.index > 0 && record.length === TAG)) {
    throw new SealError("truncated", `record ${record.index} is too short`);
  }
}

function appendParts(state, part) {
  state.parts.push(part);
  if (state.parts.length >= RECORDS_PER_BLOB) {
    state.blob = new Blob([state.blob, ...state.parts]);
    state.parts = [];
  }
}

function finishBlob(state, type) {
  return new Blob([state.blob, ...state.parts], { type });
}

function report(onProgress, phase, done, total) {
  if (typeof onProgress === "function") onProgress({ phase, done, total });
}

// Decrypts every record of the sealed blob with the data key and compares it with the
// original file; hashes the sealed bytes as read back. Returns the sealed hash (hex).
async function selfCheck(sealed, file, dataKey, context, onProgress) {
  const { preamble, meta, tender, slot, recordSize } = context;
  const hasher = sha256Hasher.create();
  const read = await readPreamble(sealed);
  if (!equalBytes(read.preamble, preamble)) throw new SealError("self_check_failed", "header");
  hasher.update(read.preamble);
  const metaPlain = await gcm(
    "decrypt", dataKey, META_NONCE, b64uDecode(read.header.meta), metaContext(tender, slot),
  ).catch(() => null);
  if (!metaPlain || !equalBytes(metaPlain, meta)) {
    throw new SealError("self_check_failed", "the name, type and size do not open");
  }
  const layout = recordLayout(sealed.size, preamble.length, recordSize);
  if (layout.length !== recordCount(file.size, recordSize)) {
    throw new SealError("self_check_failed", "the number of records");
  }
  for (const [i, record] of layout.entries()) {
    checkRecordLength(record);
    const stored = await readBytes(sealed, record.offset, record.offset + record.length);
    hasher.update(stored);
    const opened = await gcm("decrypt", dataKey, recordNonce(i, record.last), stored, read.aad)
      .catch(() => null);
    const original = await readBytes(file, i * recordSize, (i + 1) * recordSize);
    if (!opened || !equalBytes(opened, original)) {
      throw new SealError("self_check_failed", `record ${i} does not open to the original`);
    }
    report(onProgress, "check", Math.min(file.size, (i + 1) * recordSize), file.size);
  }
  return hex(hasher.digest());
}

// sealFile(file, {tender, slot, tenderPublicRaw, recordSize = 1 MiB, onProgress})
//   -> {blob, sha256, size, name, type, plainSize, selfChecked: true}
// blob: the sealed bytes; sha256: hex SHA-256 of blob; size: blob.size. onProgress is
// called with {phase: "seal" | "check", done, total} (bytes of the original file).
// Throws SealError: "bad_argument", "bad_key", "size_mismatch" (the file changed while it
// was read), "self_check_failed" (what was produced does not open: never upload it).
export async function sealFile(file, options = {}) {
  const { tender, slot, tenderPublicRaw, recordSize = 1 << 20, onProgress } = options;
  checkSealArguments(file, { tender, slot, tenderPublicRaw, recordSize });
  const size = file.size;
  const name = typeof file.name === "string" && file.name ? file.name : "file";
  const type = file.type || "application/octet-stream";

  const keyBytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const dataKey = await subtle.importKey("raw", keyBytes, "AES-GCM", false, ["encrypt", "decrypt"]);
  const wrapped = await wrap(tenderPublicRaw, keyBytes, sealContext(tender, slot));
  keyBytes.fill(0);
  const meta = utf8(asciiJson({ name, size, type }));
  const preamble = buildPreamble({
    v: 1,
    tender,
    slot,
    key: await fingerprint(tenderPublicRaw),
    epk: b64u(wrapped.epk),
    wk: b64u(wrapped.ciphertext),
    rs: recordSize,
    meta: b64u(await gcm("encrypt", dataKey, META_NONCE, meta, metaContext(tender, slot))),
  });
  const aad = await sha256(preamble);

  const state = { blob: new Blob([preamble]), parts: [] };
  const count = recordCount(size, recordSize);
  for (let i = 0; i < count; i++) {
    const chunk = await readBytes(file, i * recordSize, (i + 1) * recordSize);
    const expected = i === count - 1 ? size - i * recordSize : recordSize;
    if (chunk.length !== expected) throw new SealError("size_mismatch", "the file changed");
    appendParts(state, await gcm("encrypt", dataKey, recordNonce(i, i === count - 1), chunk, aad));
    report(onProgress, "seal", Math.min(size, (i + 1) * recordSize), size);
  }
  const blob = finishBlob(state, "application/octet-stream");
  const context = { preamble, meta, tender, slot, recordSize };
  const digest = await selfCheck(blob, file, dataKey, context, onProgress);
  return { blob, sha256: digest, size: blob.size, name, type, plainSize: size, selfChecked: true };
}

// openSealed(blob, privateKey, {expectTender, expectSlot, onProgress}) -> {name, type, size, blob}
// privateKey: the tender private key as an extractable ECDH CryptoKey, or {privateKey,
// publicRaw}. Throws SealError with the codes of inaproc/seal/errors.py: "bad_magic",
// "bad_header", "truncated", "wrong_tender", "wrong_slot", "wrong_key", "unwrap_failed",
// "meta_failed", "record_failed", "size_mismatch".
export async function openSealed(blob, privateKey, options = {}) {
  const { expectTender, expectSlot, onProgress } = options;
  const { header, preamble, aad } = await readPreamble(blob);
  if (expectTender !== undefined && header.tender !== expectTender) {
    throw new SealError("wrong_tender", "sealed for another tender");
  }
  if (expectSlot !== undefined && header.slot !== expectSlot) {
    throw new SealError("wrong_slot", "sealed for another slot");
  }
  const recipient = await recipientOf(privateKey);
  if (header.key !== (await fingerprint(recipient.publicRaw))) {
    throw new SealError("wrong_key", "sealed to another tender key");
  }
  const layout = recordLayout(blob.size, preamble.length, header.rs);
  const context = sealContext(header.tender, header.slot);
  const keyBytes = await unwrap(recipient, header.epk, header.wk, context);
  if (keyBytes.length !== 32) throw new SealError("unwrap_failed", "the data key is not 32 bytes");
  const dataKey = await subtle.importKey("raw", keyBytes, "AES-GCM", false, ["decrypt"]);
  keyBytes.fill(0);
  const meta = await openMeta(dataKey, header);

  const state = { blob: new Blob([]), parts: [] };
  let opened = 0;
  for (const [i, record] of layout.entries()) {
    checkRecordLength(record);
    const stored = await readBytes(blob, record.offset, record.offset + record.length);
    const plain = await gcm("decrypt", dataKey, recordNonce(i, record.last), stored, aad)
      .catch(() => {
        throw new SealError("record_failed", `record ${i} does not authenticate`);
      });
    opened += plain.length;
    appendParts(state, plain);
    report(onProgress, "open", opened, meta.size);
  }
  if (opened !== meta.size) throw new SealError("size_mismatch", "not the size sealed");
  return { name: meta.name, type: meta.type, size: meta.size, blob: finishBlob(state, meta.type) };
}

async function openMeta(dataKey, header) {
  try {
    const context = metaContext(header.tender, header.slot);
    const plain = await gcm("decrypt", dataKey, META_NONCE, b64uDecode(header.meta), context);
    const text = new TextDecoder("utf-8", { fatal: true }).decode(plain);
    const meta = strictJsonObject(text, "meta_failed", ["name", "type", "size"], ["size"]);
    if (typeof meta.name === "string" && typeof meta.type === "string" && meta.size >= 0) {
      return meta;
    }
  } catch (error) {
    // the same answer for every kind of failure below
  }
  throw new SealError("meta_failed", "the name, type and size do not open");
}
