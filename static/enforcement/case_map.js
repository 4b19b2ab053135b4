// The case page's map: the case's grid cell and its point, on a blank background (no tiles, no request out).
(function () {
  var el = document.getElementById("case-map");
  if (!el || !window.L) { return; }
  var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.lng);
  var geometry = JSON.parse(document.getElementById("case-grid-geometry").textContent || "null");
  var cellLayer = geometry ? L.geoJSON(geometry, { style: { color: "#1f5fa8", weight: 2, fillOpacity: 0.08 } }) : null;
  var bounds = L.latLngBounds([[lat, lng], [lat, lng]]);
  if (cellLayer) { bounds.extend(cellLayer.getBounds()); }
  // The view is set before any layer is added: vector layers need a map with a view to draw.
  var map = L.map(el, { attributionControl: false }).fitBounds(bounds.pad(0.5));
  if (cellLayer) { cellLayer.addTo(map); }
  L.circleMarker([lat, lng], { radius: 8, color: "#c0392b", fillOpacity: 0.9 }).addTo(map);
})();
