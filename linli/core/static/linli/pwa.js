/* Registers the service worker (linli/core/pwa.py) where the browser has them: a file, since the
   Content-Security-Policy allows no inline script. Its address comes from this tag's data-sw attribute. */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-sw");
  if (!url || !("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url).catch(function () { /* private mode, WebView without workers */ });
  });
})();
