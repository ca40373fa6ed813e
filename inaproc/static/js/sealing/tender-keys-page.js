// The tender keys page: the browser makes one key pair per envelope, splits each private
// key among the officials' opening keys (any `threshold` of them open), wraps each share
// for its official, and the form sends only public keys and wrapped shares.
import { makeTenderKeys } from "./ceremony.js";
import { b64u } from "./util.js";

const root = document.getElementById("tender-keys");

if (root && window.crypto && window.crypto.subtle) {
  const form = root.querySelector("[data-ceremony-form]");
  const status = form.querySelector("[data-status]");
  const ceremony = JSON.parse(root.dataset.ceremony);
  root.querySelector("[data-no-sealing]").hidden = true;
  form.hidden = false;
  let made = false;
  form.addEventListener("submit", async (event) => {
    if (made) return;
    event.preventDefault();
    status.textContent = root.dataset.textWorking;
    try {
      const keys = await makeTenderKeys({
        tender: ceremony.tender,
        envelopes: ceremony.envelopes,
        members: ceremony.members.map((member) => ({
          fingerprint: member.fingerprint,
          publicRaw: member.publicKey,
        })),
        threshold: ceremony.threshold,
      });
      form.querySelector("input[name=payload]").value = JSON.stringify({
        envelopes: keys.map((key) => ({
          envelope: key.envelope,
          public_key: b64u(key.publicRaw),
          shares: key.shares,
        })),
      });
      made = true;
      form.submit();
    } catch {
      status.textContent = root.dataset.textFailed;
    }
  });
}
