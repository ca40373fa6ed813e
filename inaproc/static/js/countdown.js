// A countdown to a deadline ([data-countdown="<ISO time>"]), refreshed every second. The
// deadline itself is printed by the server in WIB next to it; the server clock decides.
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-countdown]");
  if (!boxes.length) return;
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var now = Date.now();
    boxes.forEach(function (box) {
      var left = Math.floor((Date.parse(box.dataset.countdown) - now) / 1000);
      if (isNaN(left)) return;
      if (left <= 0) { box.textContent = "(" + box.dataset.textClosed + ")"; return; }
      var days = Math.floor(left / 86400);
      var rest = left % 86400;
      var text = (days ? days + " " + box.dataset.textDays + " " : "") + pad(Math.floor(rest / 3600)) + ":" +
        pad(Math.floor((rest % 3600) / 60)) + ":" + pad(rest % 60);
      box.textContent = "(" + text + " " + box.dataset.textLeft + ")";
    });
  }
  tick();
  setInterval(tick, 1000);
})();
