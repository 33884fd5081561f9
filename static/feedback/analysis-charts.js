// Draws the feedback analysis's charts from the figures the page embeds as JSON (Chart.js, served by the app).
(function () {
  "use strict";
  var source = document.getElementById("analysis-charts");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var charts = JSON.parse(source.textContent);
  var palette = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7ea4", "#57606a"];

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) {
      new Chart(canvas, config);
    }
  }

  var months = charts.months;
  draw("chart-months", {
    type: "line",
    data: {
      labels: months.labels,
      datasets: [
        { label: months.names[0], data: months.received, borderColor: palette[0], yAxisID: "y" },
        { label: months.names[1], data: months.negative, borderColor: palette[1], yAxisID: "y" },
        { label: months.names[2], data: months.on_time, borderColor: palette[2], yAxisID: "share" },
        { label: months.names[3], data: months.rating, borderColor: palette[3], yAxisID: "rating" }
      ]
    },
    options: {
      responsive: true,
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 } },
        share: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } },
        rating: { position: "right", min: 1, max: 5, grid: { drawOnChartArea: false } }
      }
    }
  });
  ["categories", "channels"].forEach(function (name) {
    draw("chart-" + name, {
      type: "doughnut",
      data: { labels: charts[name].labels,
        datasets: [{ data: charts[name].data, backgroundColor: palette }] },
      options: { responsive: true }
    });
  });
})();
