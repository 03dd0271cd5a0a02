// The schedule form's time zone: the browser's own (Intl), unless the person already
// changed the field. Without JavaScript the field keeps its server default,
// Europe/London, and anyone can type another zone name; nothing here is required.
(function () {
  "use strict";
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return;
  }
  if (!zone) { return; }
  var fields = document.querySelectorAll("input[data-browser-zone]");
  for (var i = 0; i < fields.length; i++) {
    if (fields[i].value === fields[i].defaultValue) { fields[i].value = zone; }
  }
})();
