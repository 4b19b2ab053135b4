/* The coverage page's map: the selected street's cells, green where patrolled, red where missed (no tiles). */
(function (global) {
  "use strict";
  var box = document.getElementById("coverage-map");
  var data = document.getElementById("coverage-cells");
  if (!box || !data || !global.L) { return; }
  var cells = JSON.parse(data.textContent);
  if (!cells.length) { box.hidden = true; return; }
  var map = global.L.map(box, { attributionControl: false });
  var layer = global.L.geoJSON(cells.map(function (c) {
    return { type: "Feature", geometry: c.geometry, properties: { code: c.code, patrolled: c.patrolled } };
  }), {
    style: function (f) {
      var colour = f.properties.patrolled ? "#1e7e34" : "#b3261e";
      return { color: colour, weight: 1, fillColor: colour, fillOpacity: 0.35 };
    },
    onEachFeature: function (f, l) { l.bindTooltip(f.properties.code); }
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [6, 6] });
})(window);
