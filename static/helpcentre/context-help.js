// Context help beside a filing form: when the category changes, list the help articles tied to it.
// Without this script the page still lists the articles for the category it was shown with.
(function () {
  "use strict";
  document.querySelectorAll("[data-context-help]").forEach(function (panel) {
    var select = document.getElementById(panel.dataset.follows);
    var list = panel.querySelector("[data-context-help-list]");
    if (!select || !list) {
      return;
    }
    var asked = 0;
    select.addEventListener("change", function () {
      var mine = ++asked;
      var url = panel.dataset.url + "?category=" + encodeURIComponent(select.value);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { articles: [] }; })
        .then(function (body) {
          if (mine !== asked) {
            return; // a later choice has been asked for
          }
          list.replaceChildren();
          body.articles.forEach(function (article) {
            var item = document.createElement("li");
            var link = document.createElement("a");
            link.href = article.url;
            link.textContent = article.title;
            link.target = "_blank";
            link.rel = "noopener";
            item.appendChild(link);
            list.appendChild(item);
          });
          panel.hidden = body.articles.length === 0;
        })
        .catch(function () { /* the form works without the help list */ });
    });
  });
})();
