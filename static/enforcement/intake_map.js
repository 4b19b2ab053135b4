// The intake form's map: the user's cells drawn on a blank background; a click sets the form's lat/lng.
(function () {
  var el = document.getElementById("intake-map");
  if (!el || !window.L) { return; }
  var cells = JSON.parse(document.getElementById("intake-cells").textContent || "[]");
  var group = L.featureGroup();
  cells.forEach(function (c) {
    L.geoJSON(c.geometry, { style: { color: "#1f5fa8", weight: 1, fillOpacity: 0.05 } })
      .bindTooltip(c.code).addTo(group);
  });
  // The view is set before any layer is added: vector layers need a map with a view to draw.
  var map = L.map(el, { attributionControl: false });
  if (group.getLayers().length) { map.fitBounds(group.getBounds()); } else { map.setView([27.11, 114.98], 13); }
  group.addTo(map);
  var latInput = document.getElementById("id_lat"), lngInput = document.getElementById("id_lng");
  var marker = null;
  // Standing cases of the category near the point, offered before filing (nearby.js).
  var box = document.getElementById("nearby-cases");
  var nearby = box && window.BureauNearby ? window.BureauNearby.attach({
    lat: latInput, lng: lngInput, category: document.getElementById("id_category"), box: box,
    url: box.getAttribute("data-url"),
    messages: { title: box.getAttribute("data-title"), metres: box.getAttribute("data-metres") }
  }) : null;
  function place(lat, lng) {
    if (marker) { marker.setLatLng([lat, lng]); } else { marker = L.circleMarker([lat, lng], { radius: 8, color: "#c0392b", fillOpacity: 0.9 }).addTo(map); }
  }
  map.on("click", function (e) {
    latInput.value = e.latlng.lat.toFixed(6);
    lngInput.value = e.latlng.lng.toFixed(6);
    place(e.latlng.lat, e.latlng.lng);
    if (nearby) { nearby.check(); }
  });
  if (latInput.value && lngInput.value) {
    place(parseFloat(latInput.value), parseFloat(lngInput.value));
    if (nearby) { nearby.check(); }
  }
})();
