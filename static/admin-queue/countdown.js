// Tick the queue's due-time countdowns each minute and recolour them as they cross the thresholds.
"use strict";
(function () {
  const HOUR = 60 * 60 * 1000;
  function spell(ms) {
    const minutes = Math.floor(Math.abs(ms) / 60000);
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const rest = minutes % 60;
    if (days) return days + " d " + hours + " h";
    if (hours) return hours + " h " + rest + " min";
    return rest + " min";
  }
  function tick() {
    const now = Date.now();
    document.querySelectorAll("time.queue-due[datetime]").forEach(function (element) {
      const left = Date.parse(element.getAttribute("datetime")) - now;
      const urgency = left < 0 ? "overdue" : left <= HOUR ? "soon" : "fine";
      element.classList.remove("queue-due-overdue", "queue-due-soon", "queue-due-fine");
      element.classList.add("queue-due-" + urgency);
      element.textContent = (left < 0 ? "−" : "") + spell(left);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    window.setInterval(tick, 60000);
  });
})();
