// The bid letter (docs/sealed-bids.md, "The bid letter"), sealed like a file in the slot
// surat_penawaran as surat-penawaran.json (application/json).
import { SealError, utf8 } from "./util.js";

export const LETTER_SLOT = "surat_penawaran";
export const LETTER_NAME = "surat-penawaran.json";
export const LETTER_TYPE = "application/json";

// makeBidLetter({tender, offerPrice, validityDays}) -> Uint8Array, exactly
// {"format":"inaproc-bid-letter-1","tender":"…","offer_price":"…","validity_days":N}
// offerPrice: whole rupiah as a string of 1 to 18 digits (no leading zero); validityDays:
// 1 … 1000 (the limits of inaproc/seal/bid_letter.py).
export function makeBidLetter({ tender, offerPrice, validityDays } = {}) {
  if (typeof tender !== "string" || !/^[0-9]{1,32}$/.test(tender)) {
    throw new SealError("bad_letter", "the tender code is a string of digits");
  }
  if (typeof offerPrice !== "string" || !/^[1-9][0-9]{0,17}$/.test(offerPrice)) {
    throw new SealError("bad_letter", "the offer price is whole rupiah, digits only");
  }
  if (!Number.isInteger(validityDays) || validityDays < 1 || validityDays > 1000) {
    throw new SealError("bad_letter", "the validity is a whole number of days");
  }
  // Written by hand, in the doc's order: the bytes are the contract, not a re-serialisation.
  return utf8(
    `{"format":"inaproc-bid-letter-1","tender":"${tender}",`
      + `"offer_price":"${offerPrice}","validity_days":${validityDays}}`,
  );
}

// The letter as a File, ready for sealFile.
export function bidLetterFile(letter) {
  return new File([letter], LETTER_NAME, { type: LETTER_TYPE });
}
