/* The grid officer's phone form: one problem, filed as a case (source grid_officer) through POST /api/v1/cases/
 * with the same offline queue as the patrol form (offline-queue.js): kept on the phone, sent once. */
(function (global) {
  "use strict";

  var Q = global.BureauOffline;
  var config = JSON.parse(document.getElementById("field-config").textContent);
  var cells = JSON.parse(document.getElementById("patrol-cells").textContent);
  var M = config.messages;
  var DRAFT = "problem:" + config.owner;
  var $ = function (id) { return document.getElementById(id); };
  var photos = [];
  var map = null;
  var nearby = null;

  function text(s) { return document.createTextNode(s == null ? "" : String(s)); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (k === "className") { node.className = attrs[k]; } else { node.setAttribute(k, attrs[k]); } });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? text(c) : c); });
    return node;
  }

  function setPoint(lat, lng) {
    $("fd-lat").value = lat.toFixed(6);
    $("fd-lng").value = lng.toFixed(6);
    if (map) { map.pick(lat, lng, true); }
    if (nearby) { nearby.check(); }
    saveDraft();
  }

  function renderThumbs() {
    var box = $("fd-thumbs");
    box.textContent = "";
    photos.forEach(function (src) { box.appendChild(el("img", { src: src, alt: "" })); });
  }

  function values() {
    return { category: $("fd-category").value, lat: $("fd-lat").value, lng: $("fd-lng").value,
             description: $("fd-description").value, photos: photos };
  }

  var timer = null;
  function saveDraft() {
    global.clearTimeout(timer);
    timer = global.setTimeout(function () { Q.saveDraft(DRAFT, values()); }, 150);
  }

  function restore(d) {
    if (!d) { return; }
    if (d.category) { $("fd-category").value = d.category; }
    $("fd-lat").value = d.lat || ""; $("fd-lng").value = d.lng || "";
    $("fd-description").value = d.description || "";
    photos = d.photos || [];
  }

  function submit(event) {
    event.preventDefault();
    var error = $("form-error");
    error.textContent = "";
    var v = values();
    var lat = parseFloat(v.lat), lng = parseFloat(v.lng);
    if (isNaN(lat) || isNaN(lng)) { error.textContent = M.needPoint; return; }
    if (!v.description.trim()) { error.textContent = M.needDescription; return; }
    var category = $("fd-category");
    var body = { category: v.category, lat: lat, lng: lng, description: v.description.trim(), source: "grid_officer" };
    var files = photos.map(function (src, i) { return { field: "photos", name: "photo-" + (i + 1) + ".jpg", blob: Q.dataUrlToBlob(src) }; });
    var label = category.options[category.selectedIndex].text + " · " + v.description.trim().slice(0, 20);
    $("submit-problem").disabled = true;
    Q.enqueue({ kind: "problem", url: config.apiUrl, body: body, files: files, label: label }).then(function () {
      $("fd-description").value = ""; $("fd-photos").value = ""; photos = []; renderThumbs();
      if (map) { map.clear(); }
      $("fd-lat").value = ""; $("fd-lng").value = "";
      if (nearby) { nearby.clear(); }
      return Q.clearDraft(DRAFT);
    }).then(function () { $("submit-problem").disabled = false; return Q.flush(); },
            function () { $("submit-problem").disabled = false; });
  }

  function stuckReason(item) {
    var r = item.response || {};
    var reason = typeof r.detail === "string" ? r.detail : "";
    return M.stuckNote.replace("%(status)s", item.lastError) + (reason ? "：" + reason : "");
  }

  function describe(item) {
    var r = item.response || {};
    if (item.state === "sent") { return r.number ? M.case + " " + r.number : ""; }
    if (item.state === "rejected") {
      return Object.keys(r).map(function (k) { return k + ": " + [].concat(r[k]).join(" "); }).join("；");
    }
    if (item.state === "stuck") { return stuckReason(item); }
    return item.lastError ? M.attempts + " " + item.attempts : M.queuedNote;
  }

  function renderOutbox() {
    return Q.list(config.kind).then(function (items) {
      var list = $("outbox");
      list.textContent = "";
      var auth = false;
      items.slice().reverse().slice(0, 30).forEach(function (item) {
        if (item.state === "auth") { auth = true; }
        var children = [el("span", { className: "state state-" + item.state, "data-state": item.state }, [M[item.state] || item.state]),
          " ", item.label, el("br"), el("span", { className: "muted" }, [describe(item)])];
        if (item.state === "stuck") {
          var retry = el("button", { type: "button", "data-action": "retry" }, [M.retry]);
          retry.addEventListener("click", function () { Q.retry(item.id); });
          children.push(" ", retry);
        }
        if (item.state === "rejected" || item.state === "sent" || item.state === "stuck") {
          var remove = el("button", { type: "button", "data-action": "remove" }, [M.remove]);
          remove.addEventListener("click", function () { Q.remove(item.id); });
          children.push(" ", remove);
        }
        list.appendChild(el("li", { "data-item": item.id, "data-state": item.state }, children));
      });
      $("auth-banner").hidden = !auth;
    });
  }

  function renderConnection() { $("conn-status").textContent = global.navigator.onLine === false ? M.offline : M.online; }

  $("fd-locate").addEventListener("click", function () {
    global.BureauFieldMap.locate(setPoint, function () { $("form-error").textContent = M.noLocation; });
  });
  $("fd-photos").addEventListener("change", function () {
    var files = Array.prototype.slice.call($("fd-photos").files || []).slice(0, Math.max(0, 4 - photos.length));
    Promise.all(files.map(function (f) { return Q.shrinkPhoto(f); })).then(function (urls) {
      photos = photos.concat(urls); renderThumbs(); saveDraft();
    }, function () { $("form-error").textContent = M.photoFailed; });
  });
  $("problem-form").addEventListener("input", saveDraft);
  $("problem-form").addEventListener("change", saveDraft);
  $("problem-form").addEventListener("submit", submit);
  $("send-now").addEventListener("click", function () { Q.flush(); });
  global.addEventListener("online", renderConnection);
  global.addEventListener("offline", renderConnection);
  renderConnection();
  map = global.BureauFieldMap.create($("fd-map"), { cells: cells, onPick: setPoint });
  nearby = global.BureauNearby ? global.BureauNearby.attachEditor(config) : null;
  Q.loadDraft(DRAFT).then(restore).then(function () {
    renderThumbs();
    var lat = parseFloat($("fd-lat").value), lng = parseFloat($("fd-lng").value);
    if (map && !isNaN(lat) && !isNaN(lng)) { map.pick(lat, lng, true); }
    if (nearby) { nearby.check(); }
    document.body.setAttribute("data-ready", "1");
  }, function () { document.body.setAttribute("data-ready", "1"); });
  Q.start({ owner: config.owner, serviceWorker: config.serviceWorker, onChange: renderOutbox });
  renderOutbox();
})(window);
