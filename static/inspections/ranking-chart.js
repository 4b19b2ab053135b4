/* The rankings page's trend chart: the series from the `trend-data` JSON, the axis title from the chart's
 * data-y-title (translated by the page). */
(function () {
  "use strict";
  var box = document.getElementById("trend");
  var data = document.getElementById("trend-data");
  if (!box || !data || !window.Plotly) { return; }
  window.Plotly.newPlot("trend", JSON.parse(data.textContent), {
    margin: {l: 40, r: 10, t: 10, b: 40}, yaxis: {title: {text: box.getAttribute("data-y-title") || ""}, rangemode: "tozero"},
    legend: {orientation: "h"}, hovermode: "x unified"
  }, {displaylogo: false, responsive: true, modeBarButtonsToRemove: ["toImage"]});
})();
