// Small helpers shared by the sealing modules (docs/sealed-bids.md, "Conventions"):
// base64url, hex, UTF-8, SHA-256, P-256 public keys, and SealError, whose `code` values
// are the ones of the Python side (inaproc/seal/errors.py), so a page can translate both.

const subtle = globalThis.crypto.subtle;

export class SealError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.name = "SealError";
    this.code = code;
  }
}

// base64url without padding (RFC 4648 §5).
export function b64u(bytes) {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = "";
  for (let i = 0; i < view.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, view.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// base64url, with or without `=` padding; anything else is a SealError("bad_encoding").
export function b64uDecode(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*={0,2}$/.test(text)) {
    throw new SealError("bad_encoding", "not base64url");
  }
  const bare = text.replace(/=+$/, "");
  if ((text !== bare && text.length % 4) || bare.length % 4 === 1) {
    throw new SealError("bad_encoding", "base64url of an impossible length");
  }
  let binary;
  try {
    binary = atob(bare.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((bare.length + 3) % 4));
  } catch (error) {
    throw new SealError("bad_encoding", "not base64url");
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  if (b64u(bytes) !== bare) throw new SealError("bad_encoding", "non-canonical base64url");
  return bytes;
}

// Bytes given as a Uint8Array or as b64u text.
export function asBytes(value, what) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof value === "string") return b64uDecode(value);
  throw new SealError("bad_argument", `${what} must be bytes or base64url`);
}

export function hex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function utf8(text) {
  return new TextEncoder().encode(text);
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export async function sha256(bytes) {
  return new Uint8Array(await subtle.digest("SHA-256", bytes));
}

// A key's fingerprint: lowercase hex SHA-256 of its 65-byte raw public key.
export async function fingerprint(publicRaw) {
  return hex(await sha256(publicRaw));
}

const P256 = { name: "ECDH", namedCurve: "P-256" };

// A P-256 public key from its raw uncompressed form (0x04 ‖ X ‖ Y), checked on the curve.
export async function importPublic(publicRaw) {
  const raw = asBytes(publicRaw, "public key");
  if (raw.length !== 65 || raw[0] !== 4) {
    throw new SealError("bad_key", "a public key is 65 bytes starting with 0x04");
  }
  try {
    // An ECDH public key takes no usages (Chromium throws otherwise).
    return await subtle.importKey("raw", raw, P256, true, []);
  } catch (error) {
    throw new SealError("bad_key", "not a point on P-256");
  }
}

export async function generateEcdh(extractable) {
  return subtle.generateKey(P256, extractable, ["deriveBits"]);
}

export async function exportPublicRaw(publicKey) {
  return new Uint8Array(await subtle.exportKey("raw", publicKey));
}

// A JSON object read as strictly as inaproc.seal.encoding.strict_json_object with the field
// check of its callers: exactly the fields `names` (none twice: JSON.parse would keep the
// last silently), and the fields in `integers` written as plain integers (not 1.0 or 1e3).
// Anything else is SealError(code).
export function strictJsonObject(text, code, names, integers = []) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SealError(code, "not JSON");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new SealError(code, "not a JSON object");
  }
  const keys = [];
  const tokens = /"(?:[^"\\]|\\.)*"/g; // every JSON string, left to right
  for (let match; (match = tokens.exec(text));) {
    if (/^\s*:/.test(text.slice(tokens.lastIndex))) keys.push(JSON.parse(match[0]));
  }
  const expected = [...names].sort().join(",");
  if (keys.length !== names.length || [...keys].sort().join(",") !== expected) {
    throw new SealError(code, "not the fields of the format");
  }
  for (const name of integers) {
    const raw = new RegExp(`"${name}"\\s*:\\s*(-?[0-9.eE+]+)`).exec(text);
    if (!Number.isSafeInteger(value[name]) || !raw || !/^-?[0-9]+$/.test(raw[1])) {
      throw new SealError(code, `${name} is not an integer`);
    }
  }
  return value;
}
