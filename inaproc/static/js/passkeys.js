// Passkeys (WebAuthn): add one on the second-factor page ([data-passkey-register]),
// and use one ([data-passkey-login]) to sign in without a password, as the second step
// of signing in, or to confirm a sensitive action. The server answers JSON:
// {"options": …} for a ceremony, {"redirect": url} when done, {"error": text} if not.
// Without WebAuthn support (or JavaScript) these controls stay hidden; the other ways
// in (password, codes) are plain forms.
(function () {
  "use strict";
  if (window.inaprocPasskeysLoaded) return; // the script may be included twice
  window.inaprocPasskeysLoaded = true;
  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) return;

  // --- base64url <-> ArrayBuffer, for browsers without the JSON helpers ---
  function toBuffer(value) {
    var base64 = value.replace(/-/g, "+").replace(/_/g, "/");
    base64 += "===".slice((base64.length + 3) % 4);
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBuffer(item.id) });
    });
  }

  function creationOptions(json) {
    if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBuffer(json.challenge),
      user: Object.assign({}, json.user, { id: toBuffer(json.user.id) }),
      excludeCredentials: descriptors(json.excludeCredentials),
    });
  }

  function requestOptions(json) {
    if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function") {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBuffer(json.challenge),
      allowCredentials: descriptors(json.allowCredentials),
    });
  }

  function credentialJSON(credential) {
    if (typeof credential.toJSON === "function") {
      try {
        return credential.toJSON();
      } catch (error) {
        // fall through to the conversion by hand
      }
    }
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults
        ? credential.getClientExtensionResults()
        : {},
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      json.response.userHandle = response.userHandle ? toBase64url(response.userHandle) : null;
    }
    return json;
  }

  // --- requests ---
  function Stop() {} // the page is being left: nothing more to show

  function post(url, token, body, failedText) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": token,
      },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          if (data.redirect) {
            window.location.assign(data.redirect);
            throw new Stop();
          }
          if (!response.ok || data.error) throw new Error(data.error || failedText);
          return data;
        });
    });
  }

  function errorText(error, box) {
    if (error && (error.name === "NotAllowedError" || error.name === "AbortError")) {
      return box.dataset.msgCancelled;
    }
    if (error && error.name === "InvalidStateError" && box.dataset.msgExists) {
      return box.dataset.msgExists;
    }
    // Our server's messages are Errors with a text; the browser's are DOMExceptions.
    if (error && error.constructor === Error && error.message) return error.message;
    return box.dataset.msgFailed;
  }

  function setUp(box, form, run) {
    var message = box.querySelector("[data-passkey-message]");
    var button = form.querySelector("button[type=submit]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    box.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) return;
      message.textContent = "";
      message.classList.remove("passkey-error");
      button.disabled = true;
      run(token)
        .catch(function (error) {
          if (error instanceof Stop) return;
          message.textContent = errorText(error, box);
          message.classList.add("passkey-error");
        })
        .then(function () {
          button.disabled = false;
        });
    });
  }

  // A default name for a new passkey: this browser and system, e.g. "Chrome / Linux".
  function suggestedName() {
    var data = navigator.userAgentData;
    var ua = navigator.userAgent || "";
    var browser = "";
    var system = (data && data.platform) || "";
    if (data && data.brands) {
      data.brands.forEach(function (brand) {
        if (/not.?a.?brand/i.test(brand.brand)) return;
        if (!browser || browser === "Chromium") browser = brand.brand;
      });
    }
    if (!browser) {
      var match = ua.match(/(Firefox|Edg|OPR|Chrome|Safari)\//);
      browser = match ? { Edg: "Edge", OPR: "Opera" }[match[1]] || match[1] : "";
    }
    if (!system) {
      var os = ua.match(/(Android|iPhone|iPad|Windows|Mac OS X|Linux)/);
      system = os ? os[1].replace("Mac OS X", "macOS") : "";
    }
    return [browser, system].filter(Boolean).join(" / ");
  }

  // --- adding a passkey ---
  document.querySelectorAll("[data-passkey-register]").forEach(function (form) {
    var section = form.closest("section") || document;
    var nameField = form.querySelector("input[name=name]");
    if (nameField && !nameField.value) nameField.value = suggestedName().slice(0, 100);
    section.querySelectorAll("[data-passkey-unsupported]").forEach(function (note) {
      note.hidden = true;
    });
    setUp(form, form, function (token) {
      var field = form.querySelector("input[name=name]");
      var name = field.value.trim();
      if (!name) {
        field.focus();
        return Promise.reject(new Error(form.dataset.msgName));
      }
      return post(form.dataset.optionsUrl, token, {}, form.dataset.msgFailed)
        .then(function (data) {
          return navigator.credentials.create({ publicKey: creationOptions(data.options) });
        })
        .then(function (credential) {
          return post(
            form.dataset.registerUrl,
            token,
            { name: name, credential: credentialJSON(credential) },
            form.dataset.msgFailed
          );
        });
    });
  });

  // --- using a passkey ---
  document.querySelectorAll("[data-passkey-login]").forEach(function (box) {
    var form = box.querySelector("form");
    var purpose = box.dataset.purpose;
    setUp(box, form, function (token) {
      return post(box.dataset.optionsUrl, token, { purpose: purpose }, box.dataset.msgFailed)
        .then(function (data) {
          return navigator.credentials.get({ publicKey: requestOptions(data.options) });
        })
        .then(function (credential) {
          var remember = document.querySelector("input[type=checkbox][name=remember]");
          return post(
            box.dataset.loginUrl,
            token,
            {
              purpose: purpose,
              next: box.dataset.next || "",
              remember: Boolean(remember && remember.checked),
              credential: credentialJSON(credential),
            },
            box.dataset.msgFailed
          );
        });
    });
  });
})();
