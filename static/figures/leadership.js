/* The leadership dashboard (and its wall mode): reads /api/v1/statistics/live/ every `data-interval` seconds and
 * redraws in place, never reloading the page. When a refresh fails (the network dropped, the server restarts)
 * the last data stays on screen with a "stale" badge and the request is retried, sooner at first; the next
 * good answer clears the badge. Charts are plotly (served from this site), with Chinese labels, values on
 * hover and the modebar's PNG download; the heat map is Leaflet circles of cases per ~200 m bin. */
(function () {
  "use strict";
  var root = document.getElementById("leadership");
  if (!root) { return; }
  var labels = JSON.parse(document.getElementById("leadership-labels").textContent);
  var interval = Math.max(2, parseInt(root.dataset.interval, 10) || 60) * 1000;
  var state = { refreshes: 0, failures: 0, last: null, timer: null };
  var updated = document.getElementById("lead-updated");
  var stale = document.getElementById("lead-stale");
  var daysSelect = document.getElementById("heat-days");
  var categorySelect = document.getElementById("heat-category");
  var plotConfig = { displaylogo: false, responsive: true,
    toImageButtonOptions: { format: "png", filename: "bureau-chart", scale: 2 } };
  var dark = root.classList.contains("is-wall");
  var fontColour = dark ? "#e2e8f0" : "#1d2430";

  function esc(s) {
    return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // --- the heat map ---
  var map = null, heatLayer = null, fitted = false;
  if (window.L) {
    map = L.map("heat-map", { preferCanvas: true, zoomSnap: 0.5, attributionControl: false });
    map.setView([27.1, 115.0], 12);
    heatLayer = L.layerGroup().addTo(map);
    window.leadershipMap = map;
    fetch(root.dataset.streetsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (geo) {
        if (!geo || !geo.features || !geo.features.length) { return; }
        var layer = L.geoJSON(geo, { style: { color: "#4a6fa5", weight: 1.5, fillOpacity: 0.04 } }).addTo(map);
        if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); fitted = true; }
      }).catch(function () { /* the boundaries are a background only */ });
  }

  function heatColour(n, max) {
    var t = max > 1 ? Math.log(n) / Math.log(max) : 1;
    if (t < 0.25) { return "#fdd66b"; }
    if (t < 0.5) { return "#f59e42"; }
    if (t < 0.75) { return "#e4572e"; }
    return "#b10026";
  }

  function drawHeat(points) {
    if (!heatLayer) { return; }
    heatLayer.clearLayers();
    var max = 1, bounds = [];
    points.forEach(function (p) { if (p[2] > max) { max = p[2]; } });
    points.forEach(function (p) {
      var colour = heatColour(p[2], max);
      L.circleMarker([p[0], p[1]], { radius: 4 + 10 * Math.sqrt(p[2] / max), color: colour, fillColor: colour,
        fillOpacity: 0.55, weight: 0 }).bindTooltip(labels.count + "：" + p[2]).addTo(heatLayer);
      bounds.push([p[0], p[1]]);
    });
    if (!fitted && bounds.length) { map.fitBounds(bounds, { padding: [20, 20] }); fitted = true; }
  }

  // --- lists, counts, bars ---
  function drawCounts(counts) {
    Object.keys(counts).forEach(function (key) {
      var el = root.querySelector('[data-count="' + key + '"] .count-value');
      if (el) { el.textContent = counts[key]; }
    });
  }

  function caseLink(c) {
    var base = root.dataset.caseUrl ? root.dataset.caseUrl.replace(/\/0\/$/, "/" + c.id + "/") : "";
    var text = esc(c.number) + " " + esc(c.category) + " · " + esc(c.street);
    return base ? '<a href="' + base + '">' + text + "</a>" : text;
  }

  function drawList(id, rows, late) {
    var el = document.getElementById(id);
    if (!rows.length) { el.innerHTML = '<li class="muted">' + esc(labels.none) + "</li>"; return; }
    el.innerHTML = rows.map(function (c) {
      var due = late && c.due_at ? ' <span class="late">' + esc(labels.due) + " " + esc(c.due_at.slice(5, 16).replace("T", " ")) + "</span>" : "";
      return '<li data-case="' + esc(c.number) + '">' + caseLink(c) + due + "</li>";
    }).join("");
  }

  function drawCampaigns(campaigns) {
    var el = document.getElementById("lead-campaigns");
    if (!campaigns.length) { el.innerHTML = '<p class="muted">' + esc(labels.none) + "</p>"; return; }
    el.innerHTML = campaigns.map(function (c) {
      return "<h3>" + esc(c.name) + "</h3>" + c.targets.map(function (t) {
        var width = Math.min(100, t.percent);
        return '<div class="bar"><div class="bar-label"><span>' + esc(t.label) + "</span><span>" + esc(t.total) + " / " +
          esc(t.target) + esc(t.unit) + "（" + esc(t.percent) + '%）</span></div><div class="bar-track" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="' +
          width + '"><div class="bar-fill' + (t.percent < 100 ? " behind" : "") + '" style="width:' + width + '%"></div></div></div>';
      }).join("");
    }).join("");
  }

  // --- charts ---
  function layout(extra) {
    var base = { margin: { l: 40, r: 10, t: 10, b: 40 }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      font: { color: fontColour, family: "'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif" },
      legend: { orientation: "h" }, hovermode: "x unified" };
    Object.keys(extra || {}).forEach(function (k) { base[k] = extra[k]; });
    return base;
  }

  function drawCharts(data) {
    if (!window.Plotly) { return; }
    var names = data.streets.map(function (s) { return s.name; });
    var bars = [["reported", labels.reported, "#3182ce"], ["closed", labels.closed, "#38a169"], ["open", labels.open, "#dd6b20"]]
      .map(function (b) {
        return { type: "bar", name: b[1], x: names, y: data.streets.map(function (s) { return s[b[0]]; }),
          marker: { color: b[2] }, hovertemplate: "%{x}<br>" + b[1] + "：%{y} " + labels.cases + "<extra></extra>" };
      });
    window.Plotly.react("chart-streets", bars, layout({ barmode: "group", yaxis: { rangemode: "tozero" } }), plotConfig);
    var trend = data.trend.series.map(function (s) {
      return { type: "scatter", mode: "lines+markers", name: s.name, x: data.trend.periods, y: s.scores,
        hovertemplate: s.name + "<br>%{x}：%{y} " + labels.score + "<extra></extra>" };
    });
    window.Plotly.react("chart-trend", trend, layout({ yaxis: { title: { text: labels.score } } }), plotConfig);
  }

  function render(data) {
    drawCounts(data.counts);
    drawList("lead-latest", data.latest, false);
    drawList("lead-warnings", data.warnings, true);
    drawCampaigns(data.campaigns);
    drawCharts(data);
    drawHeat(data.heat.points);
  }

  // --- the refresh loop ---
  function url() {
    var params = new URLSearchParams({ days: daysSelect.value, category: categorySelect.value });
    return root.dataset.liveUrl + "?" + params.toString();
  }

  function schedule(ms) {
    window.clearTimeout(state.timer);
    state.timer = window.setTimeout(refresh, ms);
  }

  function refresh() {
    return fetch(url(), { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) { var e = new Error("login"); e.login = true; throw e; }
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      })
      .then(function (data) {
        state.last = data;
        state.failures = 0;
        state.refreshes += 1;
        root.dataset.refreshes = String(state.refreshes);
        render(data);
        stale.hidden = true;
        updated.textContent = labels.updated + " " + data.generated_at.slice(11, 19);
        schedule(interval);
      })
      .catch(function (error) {
        // keep what is on screen; say it is old; try again soon (2 s, 4 s, ... up to the interval)
        state.failures += 1;
        stale.hidden = false;
        if (error && error.login) { stale.textContent = labels.login; }
        root.dataset.failures = String(state.failures);
        schedule(Math.min(interval, 2000 * Math.pow(2, state.failures - 1)));
      });
  }

  daysSelect.addEventListener("change", function () { refresh(); });
  categorySelect.addEventListener("change", function () { refresh(); });
  window.addEventListener("online", function () { refresh(); });
  refresh();
})();
