/* Service worker of the field forms ({{ version }}). Served from /inspections/ so its scope covers the forms.
 * The forms' pages: network first (fresh cells and categories), the cached copy when the server is out of
 * reach. Static files: cache first. Everything else, and every request that is not a GET, is left alone:
 * the reports themselves go to the API from the page, through offline-queue.js. */
var CACHE = {{ version_json|safe }};
var PAGES = {{ pages_json|safe }};
var ASSETS = {{ assets_json|safe }};
var STATIC_PREFIX = {{ static_prefix_json|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // One missing file must not stop the worker from installing: add them one by one.
    return Promise.all(ASSETS.concat(PAGES).map(function (url) {
      return fetch(url, { credentials: "same-origin", redirect: "follow" }).then(function (response) {
        if (response.ok && !response.redirected) { return cache.put(url, response); }
        return null;
      }).catch(function () { return null; });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE && k.indexOf("bureau-field-") === 0; })
      .map(function (k) { return caches["delete"](k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (PAGES.indexOf(url.pathname) !== -1) {
    event.respondWith(fetch(request).then(function (response) {
      // A redirect (to the login page) or an error page is shown but never replaces the cached form.
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname).then(function (cached) {
        return cached || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
      });
    }));
    return;
  }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(caches.match(request, { ignoreSearch: true }).then(function (cached) {
      return cached || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
  }
});
