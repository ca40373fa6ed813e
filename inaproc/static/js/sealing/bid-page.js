// The bid page: each chosen file is sealed in this browser to its envelope's tender key,
// checked (sealFile opens what it made and compares), then uploaded resumably; the bid
// letter is made from two fields and sealed the same way. The server re-hashes every
// upload and refuses one whose hash differs. Names of the original files stay in this
// browser (localStorage, by sealed hash) so the summary can show them; the server never
// sees them before the opening.
import { sealFile } from "./format.js";
import { uploadSealed } from "./upload.js";
import { LETTER_SLOT, bidLetterFile, makeBidLetter } from "./bid-letter.js";
import { b64uDecode } from "./util.js";

const root = document.getElementById("bid-sealing");
const NAMES = "inaproc-sealed-names";

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

// The upload capability (docs/sealed-bids.md): the page came with one; a new one is
// fetched (with the session) when less than two minutes of it are left.
const RENEW_BEFORE_MS = 2 * 60 * 1000;
let capability = null;

async function currentCapability(config) {
  if (capability === null) {
    capability = { token: config.capability || "", expiresAt: Date.parse(config.expiresAt || "") || 0 };
  }
  if (capability.expiresAt - Date.now() < RENEW_BEFORE_MS) {
    const response = await fetch(config.capabilityUrl, {
      headers: { Accept: "application/json" }, credentials: "same-origin",
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok || !answer.capability) {
      const failure = new Error(answer.error || String(response.status));
      failure.body = answer.error || "";
      throw failure;
    }
    capability = { token: answer.capability, expiresAt: Date.parse(answer.expiresAt) };
  }
  return capability.token;
}

function names() {
  try { return JSON.parse(localStorage.getItem(NAMES) || "{}"); } catch { return {}; }
}

function rememberName(sha256, name) {
  try {
    const all = names();
    all[sha256] = name;
    localStorage.setItem(NAMES, JSON.stringify(all));
  } catch { /* private mode: the summary shows numbers only */ }
}

function showNames() {
  const known = names();
  document.querySelectorAll("[data-sealed-name]").forEach((cell) => {
    const name = known[cell.dataset.sealedName];
    if (name) cell.textContent = name;
  });
}

function extensionOf(name) {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}

async function sealAndUpload(file, slot, config, line) {
  const text = root.dataset;
  const progress = document.createElement("progress");
  progress.max = 100;
  progress.value = 0;
  const status = document.createElement("span");
  line.append(progress, " ", status);
  const keyRaw = b64uDecode(config.keys[String(slot.envelope)]);
  status.textContent = text.textSealing;
  const sealed = await sealFile(file, {
    tender: config.tender,
    slot: slot.code,
    tenderPublicRaw: keyRaw,
    onProgress: ({ phase, done, total }) => {
      const share = total ? done / total : 1;
      progress.value = Math.round((phase === "seal" ? share * 0.25 : 0.25 + share * 0.25) * 100);
    },
  });
  status.textContent = text.textUploading;
  await uploadSealed(sealed.blob, {
    endpoint: config.endpoint,
    sha256: sealed.sha256,
    metadata: { slot: slot.code, sha256: sealed.sha256, filename: `${slot.code}.inpseal` },
    csrfToken: csrfToken(),
    capability: () => currentCapability(config),
    chunkSize: config.chunkSize,
    onProgress: (sent, total) => {
      progress.value = Math.round((0.5 + (total ? sent / total : 1) * 0.5) * 100);
    },
  });
  rememberName(sealed.sha256, file.name);
  progress.value = 100;
  status.textContent = `${text.textDone} SHA-256 ${sealed.sha256}`;
}

function failure(line, error) {
  const status = document.createElement("span");
  status.className = "field-errors";
  const detail = (error && (error.body || error.message)) || "";
  status.textContent = `${root.dataset.textFailed} ${detail}`;
  line.append(" ", status);
}

function setUpSlot(box, slot, config) {
  const input = box.querySelector("input[type=file]");
  const button = box.querySelector("[data-seal]");
  const list = box.querySelector("[data-progress]");
  box.hidden = false;
  button.addEventListener("click", async () => {
    const files = Array.from(input.files || []);
    if (!files.length) return;
    button.disabled = true;
    let uploaded = 0;
    for (const file of files) {
      const line = document.createElement("li");
      line.append(file.name, " ");
      list.append(line);
      if (file.size > slot.maxBytes) { failure(line, { message: root.dataset.textTooLarge }); continue; }
      if (!slot.extensions.includes(extensionOf(file.name))) {
        failure(line, { message: root.dataset.textBadType });
        continue;
      }
      try {
        await sealAndUpload(file, slot, config, line);
        uploaded += 1;
      } catch (error) {
        failure(line, error);
      }
    }
    button.disabled = false;
    if (uploaded === files.length) window.location.reload();
  });
}

function setUpLetter(box, slot, config) {
  const button = box.querySelector("[data-letter-seal]");
  const status = box.querySelector("[data-status]");
  box.hidden = false;
  button.addEventListener("click", async () => {
    const price = box.querySelector("input[name=offer_price]").value.replace(/[.\s]/g, "");
    const days = Number(box.querySelector("input[name=validity_days]").value);
    let letter;
    try {
      letter = makeBidLetter({ tender: config.tender, offerPrice: price, validityDays: days });
    } catch {
      status.textContent = root.dataset.textBadPrice;
      return;
    }
    button.disabled = true;
    const line = document.createElement("span");
    status.replaceChildren(line);
    try {
      await sealAndUpload(bidLetterFile(letter), slot, config, line);
      window.location.reload();
    } catch (error) {
      failure(line, error);
      button.disabled = false;
    }
  });
}

if (root && window.crypto && window.crypto.subtle) {
  const config = JSON.parse(root.dataset.sealing);
  root.querySelector("[data-no-sealing]").hidden = true;
  for (const slot of config.slots) {
    const section = document.getElementById(`slot-${slot.code}`);
    if (!section) continue;
    if (slot.code === LETTER_SLOT) {
      const box = section.querySelector("[data-letter]");
      if (box) setUpLetter(box, slot, config);
    } else {
      const box = section.querySelector("[data-slot]");
      if (box) setUpSlot(box, slot, config);
    }
  }
  showNames();
}
