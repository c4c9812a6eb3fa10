/* Linli's service worker (linli/core/pwa.py, docs/pwa.md). Served from /sw.js: its scope is the whole site.
   - install: store the offline page and the shell's static files in a cache named after their content;
   - activate: delete the caches of older versions;
   - fetch: pages from the network, the offline page when there is none; the shell's files from the cache;
     everything else (other static files, images, the API, any POST) straight to the network, never stored. */
"use strict";
var CONFIG = {{ config|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CONFIG.cache).then(function (cache) {
    return cache.addAll(CONFIG.precache.map(function (url) { return new Request(url, {cache: "reload"}); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf("linli-") === 0 && key !== CONFIG.cache;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;  // a POST (a report, a payment, a vote) always goes to the server
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  for (var i = 0; i < CONFIG.never.length; i++) {
    if (url.pathname.indexOf(CONFIG.never[i]) === 0) return;
  }
  if (request.mode === "navigate") {
    // Network first; the page itself is not stored. Offline: the page that says so.
    event.respondWith(fetch(request).catch(function () {
      return caches.open(CONFIG.cache).then(function (cache) { return cache.match(CONFIG.offline); });
    }));
    return;
  }
  if (CONFIG.precache.indexOf(url.pathname) !== -1 && !url.search) {
    event.respondWith(caches.open(CONFIG.cache).then(function (cache) {
      return cache.match(url.pathname).then(function (hit) { return hit || fetch(request); });
    }));
  }
});
