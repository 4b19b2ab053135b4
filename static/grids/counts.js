/* Open cases per cell from the cases API, where it exists; anything else leaves the dashes. */
(function () {
  "use strict";
  var src = document.querySelector("[data-counts-url]");
  var url = src && src.dataset.countsUrl;
  if (!url) { return; }
  fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (counts) {
      if (!counts) { return; }
      document.querySelectorAll("[data-code]").forEach(function (node) {
        node.textContent = String(counts[node.dataset.code] || 0);
      });
    })
    .catch(function () {});
})();
