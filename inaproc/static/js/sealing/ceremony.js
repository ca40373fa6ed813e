// The tender key ceremony (docs/sealed-bids.md, "Tender keys and shares"), run by the
// publishing Pokja member's browser: one fresh ECDH P-256 pair per envelope, its private
// scalar d split with Shamir's secret sharing (k of n; with k = 1 each member's share is d
// itself), each share wrapped with ECIES to one member's opening key. Only public keys and
// wrapped shares leave this function; d and the shares are wiped.
import { combine, split } from "../../vendor/shamir-secret-sharing/index.js";
import { wrap } from "./ecies.js";
import {
  SealError,
  asBytes,
  b64u,
  b64uDecode,
  equalBytes,
  exportPublicRaw,
  fingerprint,
  generateEcdh,
} from "./util.js";

const subtle = globalThis.crypto.subtle;
const TENDER_CODE = /^[0-9]{1,32}$/;

export function shareContext(tender, envelope, memberFingerprint) {
  return `inaproc-share-v1|${tender}|${envelope}|${memberFingerprint}`;
}

async function checkMembers(members) {
  if (!Array.isArray(members) || members.length < 1 || members.length > 255) {
    throw new SealError("bad_argument", "1 to 255 members");
  }
  const seen = new Set();
  const checked = [];
  for (const member of members) {
    const publicRaw = asBytes(member.publicRaw, "publicRaw");
    const print = await fingerprint(publicRaw);
    if (member.fingerprint !== undefined && member.fingerprint !== print) {
      throw new SealError("key_mismatch", "a member's fingerprint is not its public key's");
    }
    if (seen.has(print)) throw new SealError("bad_argument", "a member key appears twice");
    seen.add(print);
    checked.push({ fingerprint: print, publicRaw });
  }
  return checked;
}

function checkArguments({ tender, envelopes, threshold }, memberCount) {
  if (typeof tender !== "string" || !TENDER_CODE.test(tender)) {
    throw new SealError("bad_argument", "the tender code is a string of digits");
  }
  const valid = Array.isArray(envelopes) && envelopes.length >= 1
    && envelopes.every((e, i) => e === i + 1) && envelopes.length <= 2;
  if (!valid) throw new SealError("bad_argument", "envelopes are [1] or [1, 2]");
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > memberCount) {
    throw new SealError("bad_argument", "the threshold is 1 … the number of members");
  }
}

// Splits d (k >= 2) and checks that the first and the last k shares give d back.
async function shareOut(d, count, threshold) {
  if (threshold === 1) return Array.from({ length: count }, () => d.slice());
  const shares = await split(d, count, threshold);
  for (const subset of [shares.slice(0, threshold), shares.slice(count - threshold)]) {
    if (!equalBytes(await combine(subset), d)) {
      throw new SealError("bad_share", "the shares do not recombine");
    }
  }
  return shares;
}

async function makeEnvelopeKey(tender, envelope, members, threshold) {
  const pair = await generateEcdh(true);
  const publicRaw = await exportPublicRaw(pair.publicKey);
  const d = b64uDecode((await subtle.exportKey("jwk", pair.privateKey)).d);
  if (d.length !== 32) throw new SealError("bad_key", "the private scalar is not 32 bytes");
  const shares = await shareOut(d, members.length, threshold);
  const wrapped = [];
  for (const [i, member] of members.entries()) {
    const context = shareContext(tender, envelope, member.fingerprint);
    const { epk, ciphertext } = await wrap(member.publicRaw, shares[i], context);
    wrapped.push({ fingerprint: member.fingerprint, epk: b64u(epk), ciphertext: b64u(ciphertext) });
  }
  d.fill(0);
  shares.forEach((share) => share.fill(0));
  return { envelope, publicRaw, fingerprint: await fingerprint(publicRaw), shares: wrapped };
}

// makeTenderKeys({tender, envelopes: [1] | [1, 2], members: [{fingerprint, publicRaw}],
//   threshold}) -> [{envelope, publicRaw, fingerprint, shares: [{fingerprint, epk,
//   ciphertext}]}]
// publicRaw: Uint8Array (65 bytes); a member's publicRaw may be bytes or b64u; epk and
// ciphertext are b64u, ready for JSON. The shares are in the order of `members`.
export async function makeTenderKeys({ tender, envelopes, members, threshold } = {}) {
  const checked = await checkMembers(members);
  checkArguments({ tender, envelopes, threshold }, checked.length);
  const keys = [];
  for (const envelope of envelopes) {
    keys.push(await makeEnvelopeKey(tender, envelope, checked, threshold));
  }
  return keys;
}
