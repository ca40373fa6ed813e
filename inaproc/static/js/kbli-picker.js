// The KBLI picker of the registration form: search the codes as you type and add one to
// the business sectors field with a button. Without JavaScript the picker stays hidden
// and the "Search KBLI codes" link opens the same search as a page of its own.
(function () {
  "use strict";
  var box = document.querySelector("[data-kbli-picker]");
  if (!box || !window.fetch) return;
  var target = document.getElementById(box.dataset.target);
  var query = box.querySelector("input[type=search]");
  var button = box.querySelector("[data-kbli-search]");
  var results = box.querySelector("[data-kbli-results]");
  var status = box.querySelector("[data-kbli-status]");
  if (!target || !query || !results || !status) return;
  box.hidden = false;

  var timer = null;
  var latest = 0;

  function search() {
    var text = query.value.trim();
    var request = ++latest;
    if (!text) {
      results.textContent = "";
      return;
    }
    var url = box.dataset.searchUrl + "?fragment=1&q=" + encodeURIComponent(text);
    fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        if (request === latest) results.innerHTML = html; // our own escaped fragment
      })
      .catch(function () {
        if (request === latest) results.textContent = box.dataset.errorText;
      });
  }

  function codes() {
    return target.value.split(/[\s,;]+/).filter(function (code) { return code; });
  }

  function add(code) {
    var current = codes();
    var present = current.indexOf(code) !== -1;
    if (!present) {
      current.push(code);
      target.value = current.join(", ");
    }
    var message = present ? box.dataset.presentText : box.dataset.addedText;
    status.textContent = message.replace("%(code)s", code);
  }

  query.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 300);
  });
  query.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault(); // not the registration form's submit
      window.clearTimeout(timer);
      search();
    }
  });
  if (button) button.addEventListener("click", search);
  results.addEventListener("click", function (event) {
    var adder = event.target.closest("[data-kbli-add]");
    if (adder) add(adder.dataset.kbliAdd);
  });
})();
