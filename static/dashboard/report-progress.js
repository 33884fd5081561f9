// Polls the report's status every two seconds and moves the progress bar until it is done or failed.
(function () {
  "use strict";
  var box = document.getElementById("report-progress");
  if (!box || box.dataset.done) {
    return;
  }
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        var bar = document.getElementById("report-bar");
        bar.value = status.percent;
        bar.textContent = status.percent + "%";
        document.getElementById("report-state").textContent = status.state_label;
        document.getElementById("report-error").textContent = status.error;
        if (status.state === "done") {
          document.getElementById("report-files").hidden = false;
        } else if (status.state !== "failed") {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
