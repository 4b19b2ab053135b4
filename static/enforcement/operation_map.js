// A joint operation's map: its cells, and its area as a polygon. On the planning form (data-draw) each click
// adds a corner of the area, written as a GeoJSON Polygon into the form's hidden `area` field.
(function () {
  var el = document.getElementById("operation-map");
  if (!el || !window.L) { return; }
  var cells = JSON.parse(document.getElementById("operation-cells").textContent || "[]");
  var areaScript = document.getElementById("operation-area");
  var areaInput = document.getElementById("id_area");
  var group = L.featureGroup();
  cells.forEach(function (c) {
    L.geoJSON(c.geometry, { style: { color: "#1f5fa8", weight: 1, fillOpacity: 0.05 } }).bindTooltip(c.code).addTo(group);
  });
  var map = L.map(el, { attributionControl: false });
  var area = areaScript ? JSON.parse(areaScript.textContent || "null") : null;
  if (!area && areaInput && areaInput.value) {
    try { area = JSON.parse(areaInput.value); } catch (e) { area = null; }
  }
  var shape = null;
  function draw(geometry) {
    if (shape) { map.removeLayer(shape); shape = null; }
    if (geometry) { shape = L.geoJSON(geometry, { style: { color: "#c0392b", weight: 2, fillOpacity: 0.15 } }).addTo(map); }
  }
  if (area) { L.geoJSON(area).addTo(group); }
  if (group.getLayers().length) { map.fitBounds(group.getBounds()); } else { map.setView([27.11, 114.98], 13); }
  group.addTo(map);
  draw(area);
  if (!el.dataset.draw || !areaInput) { return; }
  var corners = area && area.coordinates ? area.coordinates[0].slice(0, -1) : [];
  function write() {
    if (corners.length < 3) { areaInput.value = ""; draw(null); return; }
    var geometry = { type: "Polygon", coordinates: [corners.concat([corners[0]])] };
    areaInput.value = JSON.stringify(geometry);
    draw(geometry);
  }
  map.on("click", function (e) {
    corners.push([Number(e.latlng.lng.toFixed(6)), Number(e.latlng.lat.toFixed(6))]);
    write();
  });
  var clear = document.getElementById("operation-area-clear");
  if (clear) { clear.addEventListener("click", function () { corners = []; write(); }); }
})();
