/* District map: streets and unit grid cells from the places API, coloured by open cases per cell.
 * One FeatureCollection request for every cell, drawn on a canvas (1,650 polygons stay fast).
 * No tile layer unless one is configured: a blank background and no request leaving the machine.
 * Our data is WGS84. Chinese map tiles (Amap, Tencent, Baidu's own variant) are drawn in GCJ-02, offset
 * by several hundred metres; with a GCJ-02 tile URL configured the geometry is shifted to GCJ-02 for display.
 */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var labels = JSON.parse(document.getElementById("map-labels").textContent);
  var statusEl = document.getElementById("map-status");
  var gcj = el.dataset.tileGcj02 === "1" && !!el.dataset.tileUrl;

  // --- WGS84 -> GCJ-02 (the published approximation; outside China it is the identity) ---
  var A = 6378245.0, EE = 0.00669342162296594323;
  function outOfChina(lng, lat) { return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271; }
  function tLat(x, y) {
    var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
    return r;
  }
  function tLng(x, y) {
    var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
    return r;
  }
  function wgsToGcj(lng, lat) {
    if (outOfChina(lng, lat)) { return [lng, lat]; }
    var dLat = tLat(lng - 105.0, lat - 35.0), dLng = tLng(lng - 105.0, lat - 35.0);
    var radLat = lat / 180.0 * Math.PI, magic = Math.sin(radLat);
    magic = 1 - EE * magic * magic;
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((A * (1 - EE)) / (magic * sqrtMagic) * Math.PI);
    dLng = (dLng * 180.0) / (A / sqrtMagic * Math.cos(radLat) * Math.PI);
    return [lng + dLng, lat + dLat];
  }
  function coordsToLatLng(c) {
    var p = gcj ? wgsToGcj(c[0], c[1]) : c;
    return L.latLng(p[1], p[0]);
  }

  var renderer = L.canvas({ padding: 0.5 });
  var map = L.map(el, { preferCanvas: true, renderer: renderer, zoomSnap: 0.5, attributionControl: !!el.dataset.tileUrl });
  window.gridMap = map;
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (r) {
      if (!r.ok) { var e = new Error("HTTP " + r.status); e.status = r.status; throw e; }
      return r.json();
    });
  }

  function colour(n) {
    if (n === undefined || n === null) { return "#9fb3c8"; }
    if (n === 0) { return "#7fc97f"; }
    if (n <= 2) { return "#fdd66b"; }
    if (n <= 5) { return "#f59e42"; }
    return "#d7301f";
  }

  function esc(s) {
    return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  var counts = null;
  var countsUrl = el.dataset.countsUrl;
  // The cases app may not offer counts (or not to this role): the map then stays uncoloured.
  function fetchCounts() {
    return countsUrl ? getJSON(countsUrl).catch(function () { return null; }) : Promise.resolve(null);
  }

  var cellsLayer = null;
  var cellIndex = {};
  window.gridCellLayers = cellIndex;

  function popupFor(p) {
    var officer = p.officer ? esc(p.officer.name) + " (" + esc(p.officer.username) + ")" : esc(labels.none);
    var open = counts ? String(counts[p.code] || 0) : "—";
    return '<div class="cell-popup"><strong><span class="cell-code">' + esc(p.code) + "</span></strong><br>" +
      esc(labels.street) + "：" + esc(p.street_name) + "<br>" +
      esc(labels.community) + "：" + esc(p.community_name) + "<br>" +
      esc(labels.officer) + "：" + officer + "<br>" +
      esc(labels.open) + '：<span class="cell-open">' + esc(open) + "</span><br>" +
      '<a href="' + esc(el.dataset.cellUrl + p.code + "/") + '">' + esc(labels.view) + "</a></div>";
  }

  function restyle() {
    if (!cellsLayer) { return; }
    cellsLayer.eachLayer(function (layer) {
      var n = counts ? (counts[layer.feature.properties.code] || 0) : undefined;
      layer.setStyle({ fillColor: colour(n) });
    });
    document.getElementById("map-legend").hidden = !counts;
  }

  // Overlay layers registered by other apps (grids/maplayers.py): each a GeoJSON endpoint of theirs, asked
  // one after the other; a layer that fails to load is left out, the cells stay.
  var overlaySpecs = [];
  try { overlaySpecs = JSON.parse((document.getElementById("map-layers") || {}).textContent || "[]") || []; } catch (e) { overlaySpecs = []; }
  var overlays = {};
  window.mapOverlays = overlays;

  function overlayPopup(p) {
    var state = p.open_now === undefined ? "" : "<br>" + esc(p.open_now ? labels.openNow : labels.closedNow);
    return '<div class="overlay-popup"><strong>' + esc(p.name) + "</strong>" +
      (p.kind_label ? "<br>" + esc(p.kind_label) : "") +
      (p.address ? "<br>" + esc(p.address) : "") +
      (p.street && p.street.name ? "<br>" + esc(p.street.name) : "") + state +
      (p.status_label ? '<br><span class="overlay-status">' + esc(p.status_label) + "</span>" : "") +
      (p.url ? '<br><a href="' + esc(p.url) + '">' + esc(labels.openPage) + "</a>" : "") + "</div>";
  }

  function loadOverlays() {
    if (!overlaySpecs.length) { return Promise.resolve(); }
    var control = L.control.layers(null, null, { collapsed: false }).addTo(map);
    return overlaySpecs.reduce(function (chain, spec) {
      return chain.then(function () { return getJSON(spec.url); }).then(function (fc) {
        var layer = L.geoJSON(fc, {
          renderer: renderer, coordsToLatLng: coordsToLatLng,
          // areas and lines in the layer's colour; points (markets, shops, ads) as small circles in it, on the canvas
          style: function (feature) {
            if (feature && feature.geometry && feature.geometry.type === "Point") {
              return { color: "#ffffff", weight: 1.5, fillColor: spec.colour, fillOpacity: 0.9 };
            }
            return { color: spec.colour, weight: 3, fillColor: spec.colour, fillOpacity: 0.45 };
          },
          pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, { renderer: renderer, radius: 6 }); },
          onEachFeature: function (feature, l) {
            l.bindPopup(function () { return overlayPopup(feature.properties || {}); }, { maxWidth: 240 });
          }
        }).addTo(map);
        overlays[spec.key] = layer;
        control.addOverlay(layer, '<span class="layer-swatch" style="background:' + esc(spec.colour) + '"></span>' +
                                  esc(spec.label));
        el.setAttribute("data-layer-" + spec.key, String((fc.features || []).length));
      }).catch(function () {
        el.setAttribute("data-layer-" + spec.key, "error");
      });
    }, Promise.resolve());
  }

  // One request after the other: the session is saved on every request, and parallel requests racing
  // to save it can interrupt each other.
  var streets = null;
  getJSON(el.dataset.streetsUrl).catch(function () { return null; })
    .then(function (s) { streets = s; return getJSON(el.dataset.cellsUrl); })
    .then(function (cells) {
      cellsLayer = L.geoJSON(cells, {
        renderer: renderer,
        coordsToLatLng: coordsToLatLng,
        style: function () { return { color: "#5b6b7b", weight: 0.6, fillColor: colour(undefined), fillOpacity: 0.55 }; },
        onEachFeature: function (feature, layer) {
          cellIndex[feature.properties.code] = layer;
          layer.bindPopup(function () { return popupFor(feature.properties); }, { maxWidth: 240, autoPanPadding: [12, 12] });
        }
      }).addTo(map);
      if (streets && streets.features.length) {
        L.geoJSON(streets, {
          renderer: renderer, coordsToLatLng: coordsToLatLng, interactive: false,
          style: function () { return { color: "#1f3a5f", weight: 2.2, fill: false }; },
          onEachFeature: function (feature, layer) {
            layer.bindTooltip(esc(feature.properties.name), { permanent: false, direction: "center" });
          }
        }).addTo(map);
      }
      var n = cells.features.length;
      if (n) { map.fitBounds(cellsLayer.getBounds(), { padding: [8, 8] }); } else { map.setView([27.1, 115.0], 13); }
      statusEl.textContent = n + " " + labels.cells;
      el.dataset.loaded = String(n);
      return fetchCounts();
    })
    .then(function (c) {
      counts = c && typeof c === "object" ? c : null;
      restyle();
      el.dataset.coloured = counts ? "1" : "0";
      return loadOverlays();
    })
    .catch(function () {
      statusEl.textContent = labels.error;
      el.dataset.loaded = "error";
      map.setView([27.1, 115.0], 13);
    });
})();
