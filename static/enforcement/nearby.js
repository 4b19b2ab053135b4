/* Standing cases near a point (a possible duplicate, before filing): when the point and the category are set and
 * the browser is online, asks GET /api/v1/cases/nearby/ and lists what it answers in `box`. Offline, or on any
 * error, the box stays empty: filing is never held up by it. Used by the intake page and the phone forms. */
(function (global) {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function shortDate(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? "" : pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  // opts: {lat, lng, category: inputs; box: element; url; messages: {title ("%(n)s", "%(m)s", "%(d)s"), metres}}
  function attach(opts) {
    var timer = null, seq = 0;
    var M = opts.messages || {};

    function clear() { opts.box.textContent = ""; opts.box.hidden = true; opts.box.removeAttribute("data-count"); }

    function render(body) {
      if (!body || !body.results || !body.results.length) { clear(); opts.box.setAttribute("data-count", "0"); return; }
      var title = (M.title || "%(n)s").replace("%(n)s", body.count).replace("%(m)s", Math.round(body.distance_m))
        .replace("%(d)s", body.days);
      var list = el("ul", {}, body.results.map(function (r) {
        return el("li", { "data-nearby": String(r.id) }, [
          el("a", { href: r.url, target: "_blank", rel: "noopener" }, [r.number]), " ",
          Math.round(r.distance_m) + " " + (M.metres || "m") + " · " + shortDate(r.reported_at) +
            (r.address ? " · " + r.address : "")
        ]);
      }));
      opts.box.textContent = "";
      opts.box.appendChild(el("strong", {}, [title]));
      opts.box.appendChild(list);
      opts.box.hidden = false;
      opts.box.setAttribute("data-count", String(body.count));
    }

    function check() {
      var lat = parseFloat(opts.lat.value), lng = parseFloat(opts.lng.value), category = opts.category.value;
      if (isNaN(lat) || isNaN(lng) || !category || global.navigator.onLine === false || !global.fetch) { clear(); return; }
      var mine = ++seq;
      var query = "?lat=" + encodeURIComponent(lat) + "&lng=" + encodeURIComponent(lng) +
        "&category=" + encodeURIComponent(category);
      global.fetch(opts.url + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) { if (mine === seq) { render(body); } }, function () { if (mine === seq) { clear(); } });
    }

    function schedule() { global.clearTimeout(timer); timer = global.setTimeout(check, 250); }

    [opts.lat, opts.lng, opts.category].forEach(function (input) {
      input.addEventListener("input", schedule);
      input.addEventListener("change", schedule);
    });
    global.addEventListener("online", schedule);
    global.addEventListener("offline", clear);
    clear();
    return { check: schedule, clear: clear };
  }

  // The phone forms' finding editor (#fd-lat, #fd-lng, #fd-category, the box #fd-nearby), with the form's config
  // (`nearbyUrl`, `messages.nearbyTitle`, `messages.metres`).
  function attachEditor(config) {
    var $ = function (id) { return document.getElementById(id); };
    if (!$("fd-nearby")) { return null; }
    return attach({ lat: $("fd-lat"), lng: $("fd-lng"), category: $("fd-category"), box: $("fd-nearby"),
                    url: config.nearbyUrl, messages: { title: config.messages.nearbyTitle, metres: config.messages.metres } });
  }

  global.BureauNearby = { attach: attach, attachEditor: attachEditor };
})(window);
