// The paper-form screen is worked from the keyboard: Ctrl+Enter (or Cmd+Enter) saves the form and opens the next.
"use strict";
(function () {
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    const form = document.getElementById("paper-entry");
    if (form && form.contains(event.target)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
