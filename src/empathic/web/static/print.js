// Any button marked data-print opens the browser's print dialog (where "Save as PDF"
// makes the PDF; a page's print stylesheet decides what is printed). The content
// security policy allows no inline script, so this is the one place that does it.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;  // shown only where it works
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
