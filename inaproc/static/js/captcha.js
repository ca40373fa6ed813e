// A new CAPTCHA image without reloading the page. Without JavaScript the plain
// reload link beside the image does the same.
(function () {
  "use strict";
  document.querySelectorAll("[data-captcha]").forEach(function (box) {
    var button = box.querySelector(".captcha-refresh");
    var link = box.querySelector(".captcha-reload");
    if (!button || !window.fetch) return;
    button.hidden = false;
    if (link) link.hidden = true;
    button.addEventListener("click", function () {
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
