// The opening page: the member loads the key file, types the passphrase; the browser
// decrypts the member's share of the tender key and the form sends it.
import { loadOpeningKey } from "./opening-key.js";
import { decryptShare } from "./shares.js";
import { b64u } from "./util.js";

if (window.crypto && window.crypto.subtle) {
  document.querySelectorAll("[data-share]").forEach((box) => {
    const form = box.querySelector("[data-share-form]");
    const status = form.querySelector("[data-status]");
    box.querySelector("[data-no-sealing]").hidden = true;
    form.hidden = false;
    let ready = false;
    form.addEventListener("submit", async (event) => {
      if (ready) return;
      event.preventDefault();
      const file = form.querySelector("[data-keyfile]").files[0];
      const passphrase = form.querySelector("[data-passphrase]").value;
      if (!file) { status.textContent = box.dataset.textFailed; return; }
      status.textContent = box.dataset.textWorking;
      try {
        const key = await loadOpeningKey(await file.text(), passphrase);
        const share = await decryptShare(
          key,
          { epk: box.dataset.epk, ciphertext: box.dataset.ciphertext },
          {
            tender: box.dataset.tender,
            envelope: Number(box.dataset.envelope),
            fingerprint: box.dataset.fingerprint,
          },
        );
        form.querySelector("input[name=share]").value = b64u(share);
        form.querySelector("[data-passphrase]").value = "";
        ready = true;
        form.submit();
      } catch {
        status.textContent = box.dataset.textFailed;
      }
    });
  });
}
