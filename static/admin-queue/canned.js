// Put the chosen canned response into the form's text box, where staff edit it before sending.
"use strict";
document.addEventListener("change", function (event) {
  const picker = event.target;
  if (!picker.matches("select.canned-pick") || !picker.value) return;
  const box = picker.form.querySelector("textarea");
  if (box) {
    box.value = picker.value;
    box.focus();
  }
});
