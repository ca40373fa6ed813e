// The opening key page: the browser makes the official's key pair, wraps the private half
// under the passphrase into a key file the official saves (and may print), and the form
// sends only the public key.
import { createOpeningKey } from "./opening-key.js";
import { b64u } from "./util.js";

const root = document.getElementById("opening-key");

if (root && window.crypto && window.crypto.subtle) {
  const text = root.dataset;
  const make = root.querySelector("[data-make]");
  const ready = root.querySelector("[data-ready]");
  const status = make.querySelector("[data-status]");
  root.querySelector("[data-no-sealing]").hidden = true;
  make.hidden = false;
  make.querySelector("[data-make-button]").addEventListener("click", async () => {
    const first = make.querySelector("#passphrase").value;
    const second = make.querySelector("#passphrase2").value;
    if (first !== second) { status.textContent = text.textMismatch; return; }
    if (first.length < 12) { status.textContent = text.textShort; return; }
    status.textContent = text.textWorking;
    try {
      const made = await createOpeningKey(first, {
        portal: text.portal,
        username: text.username,
      });
      const json = JSON.stringify(made.keyFile, null, 2);
      const link = ready.querySelector("[data-download]");
      link.href = URL.createObjectURL(new Blob([json], { type: "application/json" }));
      link.download = `${text.username}-${made.fingerprint.slice(0, 8)}.inpkey`;
      ready.querySelector("[data-recovery-text]").textContent = json;
      const form = ready.querySelector("[data-register]");
      form.querySelector("input[name=public_key]").value = b64u(made.publicRaw);
      form.querySelector("input[name=replace]").value = text.replace ? "on" : "";
      make.hidden = true;
      ready.hidden = false;
      status.textContent = text.textReady;
      ready.prepend(Object.assign(document.createElement("p"), { textContent: text.textReady }));
    } catch {
      status.textContent = text.textFailed;
    }
  });
  ready.querySelector("[data-print]").addEventListener("click", () => window.print());
}
