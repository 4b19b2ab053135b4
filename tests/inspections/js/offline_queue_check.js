/* Runs static/inspections/offline-queue.js under Node with an in-memory IndexedDB and a scripted fetch, and
 * prints what became of each queued item as JSON. Used by tests/inspections/test_offline_queue.py. */
"use strict";
const fs = require("fs");
const path = require("path");

function request(result) {
  const r = { result: result, onsuccess: null };
  return r;
}

function memoryIndexedDb() {
  const stores = {};
  const db = {
    objectStoreNames: { contains: (n) => n in stores },
    createObjectStore: (n, opts) => { stores[n] = { keyPath: opts && opts.keyPath, rows: new Map() };
      return { createIndex: () => null }; },
    transaction: (name) => {
      const tx = { oncomplete: null, onerror: null, onabort: null };
      const store = stores[name];
      const key = (v) => store.keyPath ? v[store.keyPath] : v.name;
      const done = (req) => { setImmediate(() => { req.onsuccess && req.onsuccess(); tx.oncomplete && tx.oncomplete(); }); return req; };
      tx.objectStore = () => ({
        put: (v) => { store.rows.set(key(v), JSON.parse(JSON.stringify(v))); return done(request(undefined)); },
        get: (k) => done(request(store.rows.has(k) ? JSON.parse(JSON.stringify(store.rows.get(k))) : undefined)),
        getAll: () => done(request([...store.rows.values()].map((v) => JSON.parse(JSON.stringify(v))))),
        delete: (k) => { store.rows.delete(k); return done(request(undefined)); },
      });
      return tx;
    },
  };
  return {
    open: () => {
      const req = { result: db, onupgradeneeded: null, onsuccess: null, onerror: null };
      setImmediate(() => { req.onupgradeneeded && req.onupgradeneeded(); req.onsuccess && req.onsuccess(); });
      return req;
    },
  };
}

// The server's answers, in order of the requests: [status, body].
const script = JSON.parse(process.argv[2]);
const sent = [];
let n = 0;
const window = {
  indexedDB: memoryIndexedDb(),
  crypto: globalThis.crypto,
  navigator: { onLine: true },
  addEventListener: () => null,
  setInterval: () => 0,
  fetch: (url, init) => {
    const [status, body] = script[n++] || [599, {}];
    sent.push({ label: JSON.parse(init.body).label, key: init.headers["Idempotency-Key"] });
    return Promise.resolve({ status, type: "basic", redirected: false, url,
                             text: () => Promise.resolve(JSON.stringify(body)) });
  },
};
global.window = window;
global.document = { cookie: "" };
const source = fs.readFileSync(path.join(__dirname, "../../../static/inspections/offline-queue.js"), "utf8");
new Function("window", source)(window);
const Q = window.BureauOffline;

function states() {
  return Q.list().then((items) => items.map((i) => ({ label: i.label, state: i.state, lastError: i.lastError,
                                                       detail: i.response && i.response.detail })));
}

(async () => {
  for (const label of ["first", "second", "third"]) {
    await Q.enqueue({ kind: "patrol", url: "/api/v1/patrol-reports/", body: { label }, label });
  }
  await Q.flush();
  const afterFlush = await states();
  const stuck = (await Q.list()).find((i) => i.state === "stuck");
  if (stuck) { await Q.retry(stuck.id); }
  const afterRetry = await states();
  process.stdout.write(JSON.stringify({ afterFlush, afterRetry, sent }));
})().catch((e) => { process.stderr.write(String(e.stack || e)); process.exit(1); });
