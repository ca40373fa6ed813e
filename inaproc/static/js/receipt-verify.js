// Verify a receipt (a signed entry of the portal's transparency log) in the browser:
// the entry's Ed25519 signature with the portal's published key, the signed tree head's
// signature, and the entry's inclusion in that head (RFC 9162 §2.1.3.2). Formats:
// docs/sealed-bids.md, "Receipts and the transparency log". The messages come from the
// form's data-msg-* attributes (translated by the page). Only the exact body text is
// signed and hashed; it is never re-serialised here.

const form = document.querySelector("[data-receipt-verify]");
const results = document.querySelector("[data-receipt-results]");

const encoder = new TextEncoder();

function msg(name) {
  return form.dataset["msg" + name.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())];
}

function fromB64u(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  const binary = atob(base64 + "===".slice((base64.length + 3) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function fromHex(text) {
  if (typeof text !== "string" || !/^[0-9a-f]{64}$/.test(text)) throw new Error("hex");
  return Uint8Array.from(text.match(/../g), (pair) => parseInt(pair, 16));
}

function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sha256(...parts) {
  const size = parts.reduce((total, part) => total + part.length, 0);
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest("SHA-256", joined));
}

const nodeHash = (left, right) => sha256(Uint8Array.of(1), left, right);

function equal(a, b) {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

// RFC 9162 §2.1.3.2. Sizes stay below 2**53, so plain numbers and Math.floor suffice.
async function verifyInclusion(leaf, index, size, proof, root) {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

class CheckFailed extends Error {}

async function fetchJSON(url) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" } });
  } catch {
    throw new CheckFailed(msg("fetch"));
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    if (data && data.error === "no_tree_head") throw new CheckFailed(msg("no-head"));
    throw new CheckFailed((data && data.message) || msg("fetch"));
  }
  return data;
}

async function publishedKeys() {
  const data = await fetchJSON(form.dataset.keysUrl);
  const keys = new Map();
  for (const item of data.keys || []) {
    const raw = fromB64u(item.public_key);
    if (raw.length === 32 && toHex(await sha256(raw)) === item.key_id) keys.set(item.key_id, raw);
  }
  return keys;
}

// The body of a signed document whose signature verifies, parsed.
async function verifyDocument(document, format, keys) {
  if (!document || document.format !== format || typeof document.body !== "string") {
    throw new CheckFailed(msg("not-json"));
  }
  const raw = keys.get(document.key_id);
  if (!raw) throw new CheckFailed(msg("unknown-key"));
  let key;
  try {
    key = await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
  } catch {
    throw new CheckFailed(msg("unsupported"));
  }
  let valid = false;
  try {
    valid = await crypto.subtle.verify(
      { name: "Ed25519" }, key, fromB64u(document.signature), encoder.encode(document.body),
    );
  } catch {
    valid = false;
  }
  if (!valid) throw new CheckFailed(msg("bad-signature"));
  return JSON.parse(document.body);
}

function show(checks, body) {
  const list = results.querySelector("[data-receipt-checks]");
  list.replaceChildren(
    ...checks.map(([name, ok, detail]) => {
      const item = document.createElement("li");
      item.dataset.check = name;
      item.dataset.result = ok === null ? "skipped" : ok ? "ok" : "failed";
      const tag = document.createElement("strong");
      tag.className = "status-tag " + (ok ? "status-approved" : "status-rejected");
      tag.textContent = ok ? msg("ok") : ok === null ? "–" : msg("failed");
      item.append(tag, " " + msg("check-" + name) + (detail ? ": " + detail : ""));
      return item;
    }),
  );
  const failed = checks.some(([, ok]) => ok !== true);
  const status = results.querySelector("[data-receipt-summary]");
  status.textContent = failed ? msg("some-failed") : msg("all-ok");
  status.className = "message " + (failed ? "message-error" : "message-success");
  results.querySelector("[data-receipt-body]").textContent = body || "";
  results.hidden = false;
}

async function receiptText() {
  const file = form.querySelector("#receipt-file").files[0];
  if (file) return await file.text();
  return form.querySelector("#receipt-text").value.trim();
}

async function verify() {
  const checks = [];
  let receipt;
  try {
    const text = await receiptText();
    if (!text) throw new CheckFailed(msg("empty"));
    try {
      receipt = JSON.parse(text);
    } catch {
      throw new CheckFailed(msg("not-json"));
    }
    if (!receipt || receipt.format !== "inaproc-signed-entry-1") throw new CheckFailed(msg("not-json"));
  } catch (error) {
    show([["read", false, error.message]]);
    return;
  }
  let entry = null;
  let keys;
  try {
    keys = await publishedKeys();
    entry = await verifyDocument(receipt, "inaproc-signed-entry-1", keys);
    if (entry.portal !== form.dataset.portal) throw new CheckFailed(msg("other-portal"));
    if (!Number.isSafeInteger(entry.log_index)) throw new CheckFailed(msg("not-json"));
    checks.push(["signature", true, `${entry.kind} #${entry.log_index}, ${entry.logged_at}`]);
  } catch (error) {
    checks.push(["signature", false, error.message]);
    checks.push(["head", null, msg("not-checked")], ["inclusion", null, msg("not-checked")]);
    show(checks, receipt.body);
    return;
  }
  let head;
  let answer;
  try {
    answer = await fetchJSON(`${form.dataset.inclusionUrl}?index=${entry.log_index}`);
    head = await verifyDocument(answer.tree_head, "inaproc-tree-head-1", keys);
    if (head.portal !== form.dataset.portal) throw new CheckFailed(msg("other-portal"));
    checks.push(["head", true, `${head.tree_size}, ${head.timestamp}`]);
  } catch (error) {
    checks.push(["head", false, error.message], ["inclusion", null, msg("not-checked")]);
    show(checks, receipt.body);
    return;
  }
  try {
    const leaf = await sha256(Uint8Array.of(0), encoder.encode(receipt.body));
    const proof = (answer.proof || []).map(fromHex);
    const root = fromHex(head.root_hash);
    if (!(await verifyInclusion(leaf, entry.log_index, head.tree_size, proof, root))) {
      throw new CheckFailed(msg("not-included"));
    }
    checks.push(["inclusion", true, ""]);
  } catch (error) {
    checks.push(["inclusion", false, error instanceof CheckFailed ? error.message : msg("not-included")]);
  }
  show(checks, receipt.body);
}

if (form && results && window.crypto && crypto.subtle) {
  form.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    verify();
  });
}
