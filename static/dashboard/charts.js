// Draws the dashboard's charts from the figures the page embeds as JSON (Chart.js, served by the app).
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var charts = JSON.parse(source.textContent);
  var palette = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7ea4", "#57606a",
    "#cf222e", "#116329", "#953800"];

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) {
      new Chart(canvas, config);
    }
  }

  draw("chart-volume", {
    type: "line",
    data: {
      labels: charts.volume.labels,
      datasets: charts.volume.series.map(function (series, index) {
        return { label: series.label, data: series.data, borderColor: palette[index % palette.length],
          backgroundColor: palette[index % palette.length], tension: 0.2 };
      })
    },
    options: { responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
  draw("chart-sla", {
    type: "line",
    data: {
      labels: charts.sla.labels,
      datasets: [
        { label: charts.sla.names[0], data: charts.sla.acknowledged, borderColor: palette[0] },
        { label: charts.sla.names[1], data: charts.sla.resolved, borderColor: palette[2] }
      ]
    },
    options: { responsive: true, scales: { y: { min: 0, max: 100 } } }
  });
  draw("chart-severity", {
    type: "doughnut",
    data: { labels: charts.severity.labels,
      datasets: [{ data: charts.severity.data, backgroundColor: [palette[0], palette[3], palette[1]] }] },
    options: { responsive: true }
  });
})();
