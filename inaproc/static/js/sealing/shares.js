// At the opening, a Pokja member's browser decrypts the member's share of the tender
// private key (docs/sealed-bids.md, "Tender keys and shares") and sends it to the server.
import { shareContext } from "./ceremony.js";
import { unwrap } from "./ecies.js";
import { SealError } from "./util.js";

// decryptShare(privateKey, {epk, ciphertext}, {tender, envelope, fingerprint}) -> Uint8Array
// privateKey: what loadOpeningKey returns. epk, ciphertext: b64u or bytes. fingerprint: the
// member's own key fingerprint (part of the wrapping context). A share is 33 bytes (y ‖ x)
// or, with a threshold of 1, 32 bytes (d). Throws SealError("unwrap_failed") when the share
// is not for this key, tender or envelope, and "bad_share" for a share of the wrong length.
export async function decryptShare(privateKey, wrapped, { tender, envelope, fingerprint }) {
  const context = shareContext(tender, envelope, fingerprint);
  const share = await unwrap(privateKey, wrapped.epk, wrapped.ciphertext, context);
  if (share.length !== 32 && share.length !== 33) {
    throw new SealError("bad_share", "a share is 32 or 33 bytes");
  }
  return share;
}
