/* A small Leaflet map for the field forms: the user's cells drawn on a blank background (no tiles, nothing
 * leaves the machine); a tap picks the point of a finding. The phone's location can pick it too. */
(function (global) {
  "use strict";

  function create(element, options) {
    options = options || {};
    if (!global.L || !element) { return null; }
    var map = global.L.map(element, { zoomControl: true, attributionControl: false });
    var marker = null;
    var bounds = null;
    var layer = global.L.geoJSON(null, {
      style: function () { return { color: "#1f5fa8", weight: 1, fillOpacity: 0.08 }; }
    }).addTo(map);
    (options.cells || []).forEach(function (cell) {
      if (!cell.geometry) { return; }
      layer.addData({ type: "Feature", geometry: cell.geometry, properties: { code: cell.code } });
    });
    if (layer.getLayers().length) {
      bounds = layer.getBounds();
      map.fitBounds(bounds, { padding: [8, 8] });
    } else {
      map.setView(options.centre || [27.115, 114.99], 13);
    }
    function pick(lat, lng, silent) {
      if (marker) { marker.setLatLng([lat, lng]); } else {
        marker = global.L.circleMarker([lat, lng], { radius: 9, color: "#c0392b", weight: 3 }).addTo(map);
      }
      if (!silent && options.onPick) { options.onPick(lat, lng); }
    }
    map.on("click", function (e) { pick(e.latlng.lat, e.latlng.lng); });
    return {
      map: map,
      pick: pick,
      clear: function () { if (marker) { map.removeLayer(marker); marker = null; } },
      refresh: function () { map.invalidateSize(); if (bounds) { map.fitBounds(bounds, { padding: [8, 8] }); } }
    };
  }

  function locate(onPoint, onError) {
    if (!global.navigator.geolocation) { onError(); return; }
    global.navigator.geolocation.getCurrentPosition(function (pos) {
      onPoint(pos.coords.latitude, pos.coords.longitude);
    }, onError, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  global.BureauFieldMap = { create: create, locate: locate };
})(window);
