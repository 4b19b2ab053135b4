/* Offline queue for the field forms (patrol report, grid officer's report). Plain JS, no build step.
 *
 * Every submission goes into IndexedDB first, with its own Idempotency-Key generated once, then is sent.
 * It is sent again (with the same key) on page load, on the browser's `online` event, every RETRY_MS, and
 * when the user presses "send now", until the server gives an answer that settles it:
 *   2xx            -> sent (the server's answer is kept to show the report or case number)
 *   400, 422       -> rejected (kept with the server's messages; the user may delete it)
 *   401, a redirect to the login page -> waiting for login: the queue stops and the page asks to log in
 *   any other 4xx (403: an assignment that ended; 413: a proxy's size limit ...) -> stuck: set aside with the
 *                     server's reason, the queue goes on with the next item; the user retries or deletes it
 *   409 (the first attempt is still being processed), 429, 5xx, no connection -> stays queued, tried later
 * Because the server stores the first answer per key, a report is filed once however often it is sent.
 * Drafts (what is typed but not submitted) are saved in the same database, so closing the page loses nothing.
 */
(function (global) {
  "use strict";

  var DB_NAME = "bureau-field";
  var DB_VERSION = 1;
  var RETRY_MS = 15000;
  var dbPromise = null;
  var listeners = [];
  var flushing = null;
  var started = false;
  // Whose queue this page works: a report queued by one account is never sent with another's session.
  var owner = "";

  function openDb() {
    if (dbPromise) { return dbPromise; }
    dbPromise = new Promise(function (resolve, reject) {
      var request = global.indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("outbox")) {
          var outbox = db.createObjectStore("outbox", { keyPath: "id" });
          outbox.createIndex("kind", "kind", { unique: false });
        }
        if (!db.objectStoreNames.contains("drafts")) {
          db.createObjectStore("drafts", { keyPath: "name" });
        }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
    return dbPromise;
  }

  function withStore(name, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var store = tx.objectStore(name);
        var result;
        var request = work(store);
        if (request) { request.onsuccess = function () { result = request.result; }; }
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function uuid() {
    if (global.crypto && global.crypto.randomUUID) { return global.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    global.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function emit(event, detail) {
    listeners.forEach(function (fn) {
      try { fn(event, detail); } catch (e) { /* a broken listener must not stop the queue */ }
    });
  }

  function put(item) { return withStore("outbox", "readwrite", function (s) { return s.put(item); }); }

  function all(kind) {
    return withStore("outbox", "readonly", function (s) { return s.getAll(); }).then(function (items) {
      items = (items || []).filter(function (i) { return !owner || i.owner === owner; });
      if (kind) { items = items.filter(function (i) { return i.kind === kind; }); }
      return items.sort(function (a, b) { return a.createdAt - b.createdAt; });
    });
  }

  /* Queue a submission. `files`: optional [{field, name, blob}] -> sent as multipart with the body's fields. */
  function enqueue(options) {
    var item = {
      id: uuid(),
      key: uuid(),  // the Idempotency-Key: generated once, reused on every attempt
      kind: options.kind,
      owner: owner,
      url: options.url,
      label: options.label || "",
      body: options.body,
      files: options.files || [],
      state: "queued",
      createdAt: Date.now(),
      attempts: 0,
      lastError: "",
      response: null
    };
    return put(item).then(function () { emit("change"); return item; });
  }

  /* Put a stuck (or rejected) item back in the queue, with the same Idempotency-Key, and send at once. */
  function retry(id) {
    return withStore("outbox", "readonly", function (s) { return s.get(id); }).then(function (item) {
      if (!item) { return null; }
      item.state = "queued";
      item.lastError = "";
      return put(item).then(function () { emit("change"); return flush(); });
    });
  }

  function remove(id) {
    return withStore("outbox", "readwrite", function (s) { return s["delete"](id); }).then(function () { emit("change"); });
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function buildRequest(item) {
    var headers = { "Accept": "application/json", "Idempotency-Key": item.key, "X-CSRFToken": csrfToken() };
    var body;
    if (item.files && item.files.length) {
      body = new FormData();
      Object.keys(item.body).forEach(function (k) {
        var v = item.body[k];
        body.append(k, typeof v === "object" ? JSON.stringify(v) : String(v));
      });
      item.files.forEach(function (f) { body.append(f.field, f.blob, f.name); });
    } else {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(item.body);
    }
    return { method: "POST", credentials: "same-origin", redirect: "manual", headers: headers, body: body };
  }

  function looksLikeLogin(response) {
    return response.type === "opaqueredirect" || response.redirected ||
      (response.url && response.url.indexOf("/accounts/login/") !== -1);
  }

  function sendOne(item) {
    item.attempts += 1;
    return global.fetch(item.url, buildRequest(item)).then(function (response) {
      if (looksLikeLogin(response) || response.status === 401) {
        item.state = "auth";
        item.lastError = String(response.status || "login");
        return put(item).then(function () { emit("auth-required", item); return "stop"; });
      }
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: text.slice(0, 200) }; }
        if (response.status >= 200 && response.status < 300) {
          item.state = "sent";
          item.sentAt = Date.now();
          item.response = data;
          item.body = summarise(item.body);  // the photos are on the server now; keep the phone's storage small
          item.files = [];
          return put(item).then(function () { emit("sent", item); return "next"; });
        }
        if (response.status === 400 || response.status === 422) {
          item.state = "rejected";
          item.response = data;
          return put(item).then(function () { emit("rejected", item); return "next"; });
        }
        if (response.status >= 400 && response.status < 500 && response.status !== 409 && response.status !== 429) {
          // This item will not go through as it is; one such item must not hold back every later one.
          item.state = "stuck";
          item.lastError = String(response.status);
          item.response = data;
          return put(item).then(function () { emit("stuck", item); return "next"; });
        }
        item.state = "queued";  // 409 in progress, 429, 5xx: try again later with the same key
        item.lastError = String(response.status);
        return put(item).then(function () { return response.status === 409 ? "next" : "stop"; });
      });
    }, function (error) {
      item.state = "queued";
      item.lastError = "offline";
      return put(item).then(function () { return "stop"; });  // no server: the rest would fail the same way
    });
  }

  function summarise(body) {
    var copy = JSON.parse(JSON.stringify(body || {}));
    // findings of a patrol report, results of a site inspection: their photos are on the server now
    (copy.findings || []).concat(copy.results || []).forEach(function (f) {
      if (f.photos) { f.photos = f.photos.map(function () { return "…"; }); }
    });
    return copy;
  }

  /* Send everything waiting, oldest first; one flush at a time per page. */
  function flush(options) {
    options = options || {};
    if (flushing) { return flushing; }
    flushing = all().then(function (items) {
      var waiting = items.filter(function (i) {
        return i.state === "queued" || (options.includeAuth !== false && i.state === "auth");
      });
      var chain = Promise.resolve("next");
      waiting.forEach(function (item) {
        chain = chain.then(function (verdict) { return verdict === "stop" ? "stop" : sendOne(item); });
      });
      return chain;
    }).then(function (verdict) {
      emit("change");
      return verdict;
    }, function (error) {
      emit("change");
      throw error;
    });
    flushing.then(clear, clear);
    function clear() { flushing = null; }
    return flushing;
  }

  function saveDraft(name, data) {
    return withStore("drafts", "readwrite", function (s) { return s.put({ name: name, data: data, savedAt: Date.now() }); });
  }

  function loadDraft(name) {
    return withStore("drafts", "readonly", function (s) { return s.get(name); }).then(function (row) {
      return row ? row.data : null;
    });
  }

  function clearDraft(name) {
    return withStore("drafts", "readwrite", function (s) { return s["delete"](name); });
  }

  function registerServiceWorker(url) {
    if (!("serviceWorker" in global.navigator) || !url) { return Promise.resolve(null); }
    return global.navigator.serviceWorker.register(url).then(function (registration) {
      return registration;
    }, function () { return null; });  // no service worker (plain http on a LAN address): the queue still works
  }

  function start(options) {
    options = options || {};
    if (options.onChange) { listeners.push(options.onChange); }
    if (options.owner) { owner = options.owner; }
    if (started) { return flush(); }
    started = true;
    global.addEventListener("online", function () { flush(); });
    global.setInterval(function () { if (global.navigator.onLine !== false) { flush(); } }, options.retryMs || RETRY_MS);
    registerServiceWorker(options.serviceWorker);
    return flush();
  }

  /* A photo file -> a JPEG data URL no wider or taller than `max` px (phones' originals are megabytes). */
  function shrinkPhoto(file, max, quality) {
    max = max || 1280;
    quality = quality || 0.72;
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onerror = function () { reject(reader.error); };
      reader.onload = function () {
        var img = new Image();
        img.onerror = function () { reject(new Error("not an image")); };
        img.onload = function () {
          var scale = Math.min(1, max / Math.max(img.width, img.height));
          var canvas = document.createElement("canvas");
          canvas.width = Math.max(1, Math.round(img.width * scale));
          canvas.height = Math.max(1, Math.round(img.height * scale));
          canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
          resolve(canvas.toDataURL("image/jpeg", quality));
        };
        img.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }

  function dataUrlToBlob(dataUrl) {
    var parts = dataUrl.split(",");
    var mime = (parts[0].match(/data:([^;]+)/) || [null, "image/jpeg"])[1];
    var binary = global.atob(parts[1]);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return new Blob([bytes], { type: mime });
  }

  global.BureauOffline = {
    enqueue: enqueue,
    flush: flush,
    list: all,
    remove: remove,
    retry: retry,
    start: start,
    saveDraft: saveDraft,
    loadDraft: loadDraft,
    clearDraft: clearDraft,
    shrinkPhoto: shrinkPhoto,
    dataUrlToBlob: dataUrlToBlob,
    uuid: uuid
  };
})(window);
