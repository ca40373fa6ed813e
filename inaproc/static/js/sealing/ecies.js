// ECIES, as docs/sealed-bids.md ("ECIES") states it: ephemeral ECDH P-256, then
// HKDF-SHA256 (salt empty, info "inaproc-ecies-v1" ‖ epk ‖ recipient), then AES-256-GCM with
// a zero nonce (every key-encryption key is used once) and the context as associated data.
import {
  SealError,
  asBytes,
  b64uDecode,
  concat,
  exportPublicRaw,
  generateEcdh,
  importPublic,
  utf8,
} from "./util.js";

const subtle = globalThis.crypto.subtle;
const INFO = utf8("inaproc-ecies-v1");
const ZERO_NONCE = new Uint8Array(12);

function contextBytes(context) {
  return typeof context === "string" ? utf8(context) : context;
}

async function keyEncryptionKey(sharedX, epk, recipientRaw, usage) {
  // The HKDF base key must be non-extractable; an empty salt is Python's salt=None.
  const base = await subtle.importKey("raw", sharedX, "HKDF", false, ["deriveKey"]);
  return subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: new Uint8Array(0),
      info: concat(INFO, epk, recipientRaw),
    },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    [usage],
  );
}

// wrap(recipientPublicRaw, plaintext, context) -> {epk, ciphertext} (Uint8Arrays).
// context: a string (ASCII, see the doc's table) or bytes.
export async function wrap(recipientPublicRaw, plaintext, context) {
  const recipient = await importPublic(recipientPublicRaw);
  const recipientRaw = await exportPublicRaw(recipient);
  const ephemeral = await generateEcdh(false);
  const epk = await exportPublicRaw(ephemeral.publicKey);
  const sharedX = await subtle.deriveBits(
    { name: "ECDH", public: recipient },
    ephemeral.privateKey,
    256,
  );
  const kek = await keyEncryptionKey(sharedX, epk, recipientRaw, "encrypt");
  const ciphertext = await subtle.encrypt(
    { name: "AES-GCM", iv: ZERO_NONCE, additionalData: contextBytes(context) },
    kek,
    plaintext,
  );
  return { epk, ciphertext: new Uint8Array(ciphertext) };
}

// The recipient's raw public key is part of the HKDF info. `key` is either what
// loadOpeningKey returns ({privateKey, publicRaw}) or an extractable ECDH private CryptoKey
// (whose public half is read from its JWK).
export async function recipientOf(key) {
  if (key && key.privateKey && key.publicRaw) {
    return { privateKey: key.privateKey, publicRaw: asBytes(key.publicRaw, "public key") };
  }
  if (key instanceof CryptoKey && key.type === "private" && key.extractable) {
    const jwk = await subtle.exportKey("jwk", key);
    const x = b64uDecode(jwk.x);
    const y = b64uDecode(jwk.y);
    return { privateKey: key, publicRaw: concat(new Uint8Array([4]), x, y) };
  }
  throw new SealError(
    "bad_argument",
    "a private key is {privateKey, publicRaw} or an extractable ECDH CryptoKey",
  );
}

// unwrap(privateKey, epk, ciphertext, context) -> Uint8Array.
// privateKey: see recipientOf (the object loadOpeningKey returns, or an extractable ECDH
// P-256 CryptoKey). epk and ciphertext: Uint8Array or b64u. Any failure (wrong key, changed
// epk, ciphertext or context) is SealError("unwrap_failed").
export async function unwrap(privateKey, epk, ciphertext, context) {
  const recipient = await recipientOf(privateKey);
  const epkBytes = asBytes(epk, "epk");
  const ciphertextBytes = asBytes(ciphertext, "ciphertext");
  let ephemeral;
  try {
    ephemeral = await importPublic(epkBytes);
  } catch (error) {
    throw new SealError("unwrap_failed", "the ephemeral key is not a P-256 point");
  }
  try {
    const sharedX = await subtle.deriveBits(
      { name: "ECDH", public: ephemeral },
      recipient.privateKey,
      256,
    );
    const kek = await keyEncryptionKey(sharedX, epkBytes, recipient.publicRaw, "decrypt");
    const plaintext = await subtle.decrypt(
      { name: "AES-GCM", iv: ZERO_NONCE, additionalData: contextBytes(context) },
      kek,
      ciphertextBytes,
    );
    return new Uint8Array(plaintext);
  } catch (error) {
    throw new SealError("unwrap_failed", "the wrapped key does not open with this key");
  }
}
