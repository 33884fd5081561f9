// Polls an import's status every second, moves its progress bar, and shows the result page when it is done.
"use strict";
(function () {
  const box = document.getElementById("import-progress");
  if (!box) return;
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        const bar = document.getElementById("import-bar");
        bar.value = status.percent;
        bar.textContent = status.percent + "%";
        document.getElementById("import-state").textContent = status.state_label;
        document.getElementById("import-rows").textContent = status.rows;
        if (status.state === "checking" || status.state === "importing") {
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
