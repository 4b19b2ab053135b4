/* The site inspection phone form: a site, the checklist passed or failed item by item, one photo per failure,
 * sent to POST /api/v1/site-inspections/ through the field forms' offline queue (offline-queue.js): kept on the
 * phone, sent once with its Idempotency-Key when the connection returns. */
(function (global) {
  "use strict";

  var Q = global.BureauOffline;
  var config = JSON.parse(document.getElementById("field-config").textContent);
  var M = config.messages;
  var $ = function (id) { return document.getElementById(id); };
  var photos = {};  // item code -> data URL

  function text(s) { return document.createTextNode(s == null ? "" : String(s)); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (k === "className") { node.className = attrs[k]; } else { node.setAttribute(k, attrs[k]); } });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? text(c) : c); });
    return node;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function localNow() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#check-items li[data-item]")); }

  function resultOf(li) {
    var checked = li.querySelector("input[data-result]:checked");
    return checked ? checked.value : "";
  }

  function showFailure(li) {
    li.querySelector(".failure").hidden = resultOf(li) !== "failed";
  }

  function reset() {
    photos = {};
    rows().forEach(function (li) {
      Array.prototype.forEach.call(li.querySelectorAll("input[data-result]"), function (r) { r.checked = false; });
      li.querySelector("[data-note]").value = "";
      li.querySelector("[data-photo]").value = "";
      li.querySelector("[data-thumbs]").textContent = "";
      showFailure(li);
    });
    $("s-note").value = "";
    $("s-time").value = localNow();
  }

  function submit(event) {
    event.preventDefault();
    var error = $("form-error");
    error.textContent = "";
    var site = $("s-site");
    if (!site.value) { error.textContent = M.needSite; return; }
    var results = [];
    var problem = "";
    rows().forEach(function (li) {
      var code = li.getAttribute("data-item");
      var result = resultOf(li);
      if (!result) { problem = problem || M.needAll; return; }
      var row = { item: code, result: result };
      if (result === "failed") {
        if (!photos[code]) { problem = problem || M.needPhoto; return; }
        row.note = li.querySelector("[data-note]").value.trim();
        row.photos = [photos[code]];
      }
      results.push(row);
    });
    if (problem) { error.textContent = problem; return; }
    if (!$("s-time").value) { error.textContent = M.needTimes; return; }
    var body = { site: parseInt(site.value, 10), inspected_at: $("s-time").value + ":00" + config.offset,
                 note: $("s-note").value.trim(), results: results };
    var failed = results.filter(function (r) { return r.result === "failed"; }).length;
    var label = site.options[site.selectedIndex].text + " · " + $("s-time").value.replace("T", " ") + (failed ? " · ✗" + failed : " · ✓");
    $("submit-site").disabled = true;
    Q.enqueue({ kind: config.kind, url: config.apiUrl, body: body, label: label }).then(function () {
      reset();
      $("submit-site").disabled = false;
      return Q.flush();
    }, function () { $("submit-site").disabled = false; });
  }

  function describe(item) {
    var r = item.response || {};
    if (item.state === "sent") {
      var cases = (r.results || []).filter(function (x) { return x.case; }).map(function (x) { return x.case.number; });
      var orders = (r.results || []).filter(function (x) { return x.order; }).map(function (x) { return x.order.number; });
      return M.inspection + " #" + r.id + (cases.length ? " · " + M.cases + " " + cases.join("、") : "") +
        (orders.length ? " · " + M.orders + " " + orders.join("、") : "");
    }
    if (item.state === "rejected") {
      return Object.keys(r).map(function (k) { return k + ": " + [].concat(r[k]).join(" "); }).join("；");
    }
    if (item.state === "stuck") {
      return M.stuckNote.replace("%(status)s", item.lastError) + (typeof r.detail === "string" ? "：" + r.detail : "");
    }
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

  rows().forEach(function (li) {
    var code = li.getAttribute("data-item");
    Array.prototype.forEach.call(li.querySelectorAll("input[data-result]"), function (radio) {
      radio.addEventListener("change", function () { showFailure(li); });
    });
    li.querySelector("[data-photo]").addEventListener("change", function (event) {
      var file = (event.target.files || [])[0];
      if (!file) { return; }
      Q.shrinkPhoto(file).then(function (url) {
        photos[code] = url;
        var box = li.querySelector("[data-thumbs]");
        box.textContent = "";
        box.appendChild(el("img", { src: url, alt: "" }));
      }, function () { $("form-error").textContent = M.photoFailed; });
    });
  });
  $("site-form").addEventListener("submit", submit);
  $("send-now").addEventListener("click", function () { Q.flush(); });
  global.addEventListener("online", renderConnection);
  global.addEventListener("offline", renderConnection);
  renderConnection();
  $("s-time").value = localNow();
  Q.start({ owner: config.owner, serviceWorker: config.serviceWorker, onChange: renderOutbox });
  renderOutbox().then(function () { document.body.setAttribute("data-ready", "1"); });
})(window);
