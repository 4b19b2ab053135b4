/* The patrol report phone form (巡查日报 / 督查巡查): findings added one by one, the draft saved on every
 * change, the report queued with its own Idempotency-Key and sent when the server answers (offline-queue.js). */
(function (global) {
  "use strict";

  var Q = global.BureauOffline;
  var config = JSON.parse(document.getElementById("field-config").textContent);
  var cells = JSON.parse(document.getElementById("patrol-cells").textContent);
  var M = config.messages;
  var DRAFT = "patrol:" + config.owner;
  var $ = function (id) { return document.getElementById(id); };

  var state = { findings: [], photos: [], selected: {} };
  var map = null;
  var nearby = null;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function localInput(d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  function withOffset(value) { return value ? (value.length === 16 ? value + ":00" : value) + config.offset : ""; }
  function text(s) { return document.createTextNode(s == null ? "" : String(s)); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "className") { node.className = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? text(c) : c); });
    return node;
  }

  // ------------------------------------------------------------------------------------------ cells

  function streetFilter() { return $("f-street") ? $("f-street").value : null; }

  function renderCells() {
    var list = $("cell-list");
    var street = streetFilter();
    list.textContent = "";
    cells.forEach(function (cell) {
      if (street && cell.street !== street) { return; }
      var box = el("input", { type: "checkbox", value: cell.code, "data-cell": cell.code });
      box.checked = !!state.selected[cell.code];
      box.addEventListener("change", function () {
        if (box.checked) { state.selected[cell.code] = true; } else { delete state.selected[cell.code]; }
        countCells();
        saveDraft();
      });
      list.appendChild(el("label", {}, [box, cell.code + " " + (cell.community || "")]));
    });
    countCells();
  }

  function countCells() {
    $("cells-count").textContent = M.cells.replace("%(n)s", Object.keys(state.selected).length);
  }

  function setVisibleCells(on) {
    var street = streetFilter();
    cells.forEach(function (cell) {
      if (street && cell.street !== street) { return; }
      if (on) { state.selected[cell.code] = true; } else { delete state.selected[cell.code]; }
    });
    renderCells();
    saveDraft();
  }

  // ------------------------------------------------------------------------------------------ zone check
  // Street-commerce findings (流动摊贩, 早夜市, 占道经营): the form asks "may this vendor trade here now?" for the
  // finding's point and time, and may name a registered vendor, whose party the case is then against.

  var ZC = config.zoneCheck || null;
  var checkSeq = 0;

  function isStreetCommerce() {
    return !!ZC && ZC.categories.indexOf($("fd-category").value) >= 0;
  }

  function showZoneBox() {
    var box = $("fd-zone-check");
    if (!box) { return; }
    box.hidden = !isStreetCommerce();
    if (!box.hidden) { zoneCheck(); }
  }

  function loadVendors() {
    if (!ZC || !ZC.vendorsUrl || !$("fd-vendor")) { return; }
    fetch(ZC.vendorsUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (body) {
        var select = $("fd-vendor");
        var keep = select.getAttribute("data-restore") || select.value;
        (body.results || []).forEach(function (v) {
          select.appendChild(el("option", { value: String(v.id) }, [v.name + (v.phone ? " " + v.phone : "")]));
        });
        if (keep) { select.value = keep; }
      })
      .catch(function () { /* offline: the vendor list stays empty */ });
  }

  function zoneCheck() {
    var out = $("fd-check-result");
    if (!out || !isStreetCommerce()) { return; }
    var lat = parseFloat($("fd-lat").value), lng = parseFloat($("fd-lng").value);
    if (isNaN(lat) || isNaN(lng)) { out.textContent = M.checkNeedPoint; out.removeAttribute("data-zone"); return; }
    var at = $("fd-at").value;
    var url = ZC.url + "?lat=" + encodeURIComponent(lat) + "&lng=" + encodeURIComponent(lng) +
      (at ? "&at=" + encodeURIComponent(withOffset(at)) : "") +
      ($("fd-vendor").value ? "&vendor=" + encodeURIComponent($("fd-vendor").value) : "");
    var seq = ++checkSeq;
    out.textContent = M.checking;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (res) {
        if (seq !== checkSeq) { return; }
        var b = res.body || {};
        if (!res.ok) {
          out.textContent = Object.keys(b).map(function (k) { return [].concat(b[k]).join(" "); }).join("；");
          return;
        }
        var zone = b.zone ? b.zone.name + "（" + b.zone.street.name + "）" : M.noZone;
        var permitted = b.permitted === null ? "—" : (b.permitted ? M.permitted : M.notPermitted);
        out.textContent = "";
        out.appendChild(el("strong", {}, [M.zone + "：" + zone]));
        out.appendChild(el("br"));
        out.appendChild(text((b.open ? M.zoneOpen : M.zoneClosed) + " · " + M.permit + "：" + permitted));
        out.appendChild(el("br"));
        out.appendChild(text(b.reason || ""));
        out.setAttribute("data-zone", b.zone ? String(b.zone.id) : "none");
        out.setAttribute("data-open", b.open ? "1" : "0");
        out.setAttribute("data-permitted", b.permitted === null ? "null" : (b.permitted ? "1" : "0"));
      })
      .catch(function () { if (seq === checkSeq) { out.textContent = M.checkOffline; } });
  }

  // ------------------------------------------------------------------------------------------ findings

  function setPoint(lat, lng) {
    $("fd-lat").value = lat.toFixed(6);
    $("fd-lng").value = lng.toFixed(6);
    if (map) { map.pick(lat, lng, true); }
    if (nearby) { nearby.check(); }
    saveDraft();
    zoneCheck();
  }

  function renderThumbs() {
    var box = $("fd-thumbs");
    box.textContent = "";
    state.photos.forEach(function (src) { box.appendChild(el("img", { src: src, alt: "" })); });
  }

  function renderFindings() {
    var list = $("finding-list");
    list.textContent = "";
    if (!state.findings.length) { list.appendChild(el("li", { className: "muted" }, [M.noFindings])); }
    state.findings.forEach(function (f, i) {
      var remove = el("button", { type: "button" }, [M.remove]);
      remove.addEventListener("click", function () { state.findings.splice(i, 1); renderFindings(); saveDraft(); });
      list.appendChild(el("li", { "data-finding": String(i + 1) }, [
        el("strong", {}, [(i + 1) + ". " + f.categoryLabel]), el("br"),
        f.description, el("br"),
        f.vendor ? el("span", { className: "muted", "data-vendor": String(f.vendor) }, [M.vendor + "：" + f.vendorLabel]) : text(""),
        f.vendor ? el("br") : text(""),
        el("span", { className: "muted" }, [f.lat + ", " + f.lng + " · " + (f.handled_on_spot ? M.handled : M.notHandled) +
          (f.photos.length ? " · " + f.photos.length + " 📷" : "")]), " ", remove
      ]));
    });
  }

  function addFinding() {
    var error = $("fd-error");
    error.textContent = "";
    var category = $("fd-category");
    var lat = parseFloat($("fd-lat").value), lng = parseFloat($("fd-lng").value);
    var description = $("fd-description").value.trim();
    if (!category.value) { error.textContent = M.needCategory; return; }
    if (isNaN(lat) || isNaN(lng)) { error.textContent = M.needPoint; return; }
    if (!description) { error.textContent = M.needDescription; return; }
    var vendorSelect = $("fd-vendor");
    var vendor = vendorSelect && isStreetCommerce() && vendorSelect.value ? parseInt(vendorSelect.value, 10) : null;
    state.findings.push({
      category: category.value,
      categoryLabel: category.options[category.selectedIndex].text,
      lat: lat, lng: lng, description: description,
      handled_on_spot: $("fd-handled").checked,
      photos: state.photos.slice(),
      vendor: vendor,
      vendorLabel: vendor ? vendorSelect.options[vendorSelect.selectedIndex].text : ""
    });
    if (vendorSelect) { vendorSelect.value = ""; }
    $("fd-description").value = "";
    $("fd-handled").checked = false;
    $("fd-photos").value = "";
    state.photos = [];
    renderThumbs();
    renderFindings();
    saveDraft();
  }

  function onPhotos() {
    var files = Array.prototype.slice.call($("fd-photos").files || []);
    if (state.photos.length + files.length > 4) { $("fd-error").textContent = M.tooManyPhotos; files = files.slice(0, 4 - state.photos.length); }
    Promise.all(files.map(function (f) { return Q.shrinkPhoto(f); })).then(function (urls) {
      state.photos = state.photos.concat(urls);
      renderThumbs();
      saveDraft();
    }, function () { $("fd-error").textContent = M.photoFailed; });
  }

  // ------------------------------------------------------------------------------------------ draft

  function formValues() {
    var counts = {};
    Array.prototype.forEach.call(document.querySelectorAll("[data-count]"), function (input) {
      if (input.value !== "") { counts[input.getAttribute("data-count")] = input.value; }
    });
    return {
      date: $("f-date").value, shift: $("f-shift").value, started_at: $("f-start").value, ended_at: $("f-end").value,
      squad: $("f-squad").value, team: $("f-team").value, summary: $("f-summary").value,
      duty_squad: $("f-duty_squad") ? $("f-duty_squad").value : "",
      street: streetFilter(), selected: Object.keys(state.selected), counts: counts, findings: state.findings,
      editor: { category: $("fd-category").value, lat: $("fd-lat").value, lng: $("fd-lng").value,
                description: $("fd-description").value, handled: $("fd-handled").checked, photos: state.photos,
                vendor: $("fd-vendor") ? $("fd-vendor").value : "" }
    };
  }

  var draftTimer = null;
  function saveDraft() {
    global.clearTimeout(draftTimer);
    draftTimer = global.setTimeout(function () { Q.saveDraft(DRAFT, formValues()); }, 150);
  }

  function restore(d) {
    if (!d) { return; }
    ["date", "shift", "squad", "team", "summary"].forEach(function (k) { if (d[k] != null) { $("f-" + k).value = d[k]; } });
    if (d.duty_squad && $("f-duty_squad")) { $("f-duty_squad").value = d.duty_squad; }
    if (d.started_at) { $("f-start").value = d.started_at; }
    if (d.ended_at) { $("f-end").value = d.ended_at; }
    if (d.street && $("f-street")) { $("f-street").value = d.street; }
    state.selected = {};
    (d.selected || []).forEach(function (c) { state.selected[c] = true; });
    Object.keys(d.counts || {}).forEach(function (k) { var i = $("count-" + k); if (i) { i.value = d.counts[k]; } });
    state.findings = d.findings || [];
    var e = d.editor || {};
    if (e.category) { $("fd-category").value = e.category; }
    $("fd-lat").value = e.lat || ""; $("fd-lng").value = e.lng || "";
    $("fd-description").value = e.description || "";
    $("fd-handled").checked = !!e.handled;
    if (e.vendor && $("fd-vendor")) { $("fd-vendor").setAttribute("data-restore", e.vendor); }
    state.photos = e.photos || [];
  }

  function defaults() {
    var now = new Date();
    $("f-end").value = localInput(now);
    $("f-start").value = localInput(new Date(now.getTime() - 2 * 3600 * 1000));
  }

  // ------------------------------------------------------------------------------------------ submit

  function submit(event) {
    event.preventDefault();
    var error = $("form-error");
    error.textContent = "";
    var v = formValues();
    if (!v.selected.length) { error.textContent = M.needCells; return; }
    if (!v.started_at || !v.ended_at) { error.textContent = M.needTimes; return; }
    if (v.ended_at <= v.started_at) { error.textContent = M.endAfterStart; return; }
    var counts = {};
    Object.keys(v.counts).forEach(function (k) { var n = parseInt(v.counts[k], 10); if (n > 0) { counts[k] = n; } });
    var body = {
      date: v.date, shift: v.shift, grid_cells: v.selected.sort(),
      started_at: withOffset(v.started_at), ended_at: withOffset(v.ended_at),
      summary: v.summary, squad: v.squad, team: v.team, counts: counts,
      duty_squad: v.duty_squad ? parseInt(v.duty_squad, 10) : null,
      findings: v.findings.map(function (f) {
        var finding = { category: f.category, lat: f.lat, lng: f.lng, description: f.description,
                        handled_on_spot: !!f.handled_on_spot, photos: f.photos };
        if (f.vendor) { finding.vendor = f.vendor; }
        return finding;
      })
    };
    var label = v.date + " · " + $("f-shift").options[$("f-shift").selectedIndex].text + " · " +
      v.selected.length + " / " + v.findings.length;
    $("submit-report").disabled = true;
    Q.enqueue({ kind: "patrol", url: config.apiUrl, body: body, label: label }).then(function () {
      state.findings = []; state.selected = {}; state.photos = [];
      $("f-summary").value = "";
      Array.prototype.forEach.call(document.querySelectorAll("[data-count]"), function (i) { i.value = ""; });
      defaults();
      renderCells(); renderFindings(); renderThumbs();
      return Q.clearDraft(DRAFT);
    }).then(function () {
      $("submit-report").disabled = false;
      global.scrollTo(0, document.getElementById("outbox-title").offsetTop);
      return Q.flush();
    }, function () { $("submit-report").disabled = false; });
  }

  // ------------------------------------------------------------------------------------------ outbox

  function stuckReason(item) {
    var r = item.response || {};
    var reason = typeof r.detail === "string" ? r.detail : "";
    return M.stuckNote.replace("%(status)s", item.lastError) + (reason ? "：" + reason : "");
  }

  function describeResponse(item) {
    var r = item.response || {};
    if (item.state === "sent") {
      if (r.findings) {
        var numbers = r.findings.map(function (f) { return f.case ? f.case.number : ""; }).filter(Boolean);
        return M.report + " #" + r.id + (numbers.length ? " · " + M.case + " " + numbers.join("、") : "");
      }
      return r.number ? M.case + " " + r.number : "";
    }
    if (item.state === "rejected") {
      return Object.keys(r).map(function (k) { return k + ": " + [].concat(r[k]).map(function (x) { return typeof x === "object" ? JSON.stringify(x) : x; }).join(" "); }).join("；");
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
        var children = [
          el("span", { className: "state state-" + item.state, "data-state": item.state }, [M[item.state] || item.state]), " ",
          item.label, el("br"), el("span", { className: "muted" }, [describeResponse(item)])
        ];
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

  function renderConnection() {
    $("conn-status").textContent = global.navigator.onLine === false ? M.offline : M.online;
  }

  // ------------------------------------------------------------------------------------------ start

  function init() {
    defaults();
    $("f-street") && $("f-street").addEventListener("change", function () { renderCells(); saveDraft(); });
    $("cells-all").addEventListener("click", function () { setVisibleCells(true); });
    $("cells-none").addEventListener("click", function () { setVisibleCells(false); });
    $("fd-add").addEventListener("click", addFinding);
    if (ZC && $("fd-zone-check")) {
      $("fd-at").value = localInput(new Date());
      $("fd-category").addEventListener("change", showZoneBox);
      ["fd-lat", "fd-lng", "fd-at", "fd-vendor"].forEach(function (id) { $(id).addEventListener("change", zoneCheck); });
      loadVendors();
    }
    $("fd-photos").addEventListener("change", onPhotos);
    $("fd-locate").addEventListener("click", function () {
      global.BureauFieldMap.locate(setPoint, function () { $("fd-error").textContent = M.noLocation; });
    });
    $("patrol-form").addEventListener("input", saveDraft);
    $("patrol-form").addEventListener("change", saveDraft);
    $("patrol-form").addEventListener("submit", submit);
    $("send-now").addEventListener("click", function () { Q.flush(); });
    global.addEventListener("online", renderConnection);
    global.addEventListener("offline", renderConnection);
    renderConnection();
    map = global.BureauFieldMap.create($("fd-map"), { cells: cells, onPick: setPoint });
    nearby = global.BureauNearby ? global.BureauNearby.attachEditor(config) : null;
    Q.loadDraft(DRAFT).then(restore).then(function () {
      renderCells(); renderFindings(); renderThumbs();
      var lat = parseFloat($("fd-lat").value), lng = parseFloat($("fd-lng").value);
      if (map && !isNaN(lat) && !isNaN(lng)) { map.pick(lat, lng, true); }
      if (nearby) { nearby.check(); }
      showZoneBox();
      document.body.setAttribute("data-ready", "1");
    }, function () { renderCells(); renderFindings(); document.body.setAttribute("data-ready", "1"); });
    Q.start({ owner: config.owner, serviceWorker: config.serviceWorker, onChange: renderOutbox });
    renderOutbox();
  }

  init();
})(window);
