// A "Print" button (recovery codes): shown only where JavaScript runs. Without it the
// browser's own print command does the same; the print style sheet keeps only the codes.
(function () {
  "use strict";
  if (typeof window.print !== "function") return;
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
