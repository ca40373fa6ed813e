// A new CAPTCHA image without reloading the page. Without JavaScript the "show another
// image" button submits the form, which comes back with what was typed and a new image.
(function () {
  "use strict";
  document.querySelectorAll("[data-captcha]").forEach(function (box) {
    var button = box.querySelector(".captcha-refresh");
    if (!button || !window.fetch) return;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      fetch(box.dataset.refreshUrl, {
        headers: { "X-Requested-With": "XMLHttpRequest" },
        credentials: "same-origin",
      })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          box.querySelector("img").src = data.image_url;
          box.querySelector("input[type=hidden]").value = data.key;
          var answer = box.querySelector("input[type=text]");
          answer.value = "";
          answer.focus();
        });
    });
  });
})();
