/* The patrol form's approval check: while a finding is being entered, the place and category are checked
 * against the district approvals (/api/v1/occupation-approvals/check/), so the officer sees "已批准占道：X，至
 * HH:MM" before filing, or that a muck truck needs its plate checked. Offline the check is simply not shown;
 * the server checks the finding again when it is filed.
 */
(function () {
  "use strict";
  var category = document.getElementById("fd-category");
  var lat = document.getElementById("fd-lat"), lng = document.getElementById("fd-lng");
  if (!category || !lat || !lng || !window.fetch) { return; }
  var out = document.createElement("p");
  out.id = "fd-approval";
  out.setAttribute("role", "status");
  out.hidden = true;
  var row = lng.closest(".row") || lng.parentNode;
  row.parentNode.insertBefore(out, row.nextSibling);

  var last = "", pending = null;
  function show(text, approved) {
    out.textContent = text;
    out.className = "badge " + (approved ? "green" : "yellow");
    out.hidden = !text;
  }
  function check() {
    var la = parseFloat(lat.value), ln = parseFloat(lng.value);
    var key = category.value + "|" + lat.value + "|" + lng.value;
    if (key === last) { return; }
    last = key;
    if (isNaN(la) || isNaN(ln) || !category.value) { show("", false); return; }
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var url = "/api/v1/occupation-approvals/check/?lat=" + encodeURIComponent(la) + "&lng=" + encodeURIComponent(ln) +
      "&category=" + encodeURIComponent(category.value);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, signal: pending.signal })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) { show("", false); return; }
        if (body.message) { show(body.message, body.approved || (body.muck && body.muck.recognised)); return; }
        var here = (body.occupations || []).map(function (o) { return o.message; });
        show(here.join("；"), false);
      })
      .catch(function () { /* offline or superseded: nothing to show */ });
  }
  // The map and "use my location" set the fields without an input event: look at them every second.
  ["change", "input"].forEach(function (name) {
    category.addEventListener(name, check);
    lat.addEventListener(name, check);
    lng.addEventListener(name, check);
  });
  window.setInterval(check, 1000);
})();
