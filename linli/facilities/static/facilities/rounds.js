/* Inspection rounds on a weak network (docs/inspection-rounds.md, "Weak network"). A file: the CSP forbids inline
   scripts.

   - While the staff member ticks, the checkpoint's form is kept in the browser (localStorage), so a reload keeps the
     ticks, the note and the visit's key.
   - "Submit" keeps the whole visit on the phone first, in IndexedDB: the fields, the time it was made and the photos
     as Blobs, each shrunk here (longest side 1600 px, JPEG) so that a phone does not hold 5 MB a picture. Then it
     is sent with fetch; when that fails (no network, a dropped request, the server away) it stays and the page says
     so, in big plain words, with the number of visits waiting.
   - The visits waiting are sent when the connection comes back (the "online" event), when any rounds page opens,
     when the page comes back to the screen, every minute while some wait, and at the 现在发送 button. The server
     records each key once (rounds_services.visit_record), so a visit sent twice (an answer lost on the way back) is
     still one visit with one work order. A visit the server refuses for good (answered with an error) is dropped
     and the reason shown; anything else (no answer, a sign-in page, a server error) keeps it for the next try.
   - Visits are kept per signed-in user: a phone shared by two staff members sends each one's visits under their
     own name only. */
(function () {
  "use strict";
  var DB_NAME = "linli-rounds";
  var STORE = "visits";
  var LEGACY_QUEUE = "linli.rounds.queue"; // the queue of the version that kept no photos (localStorage)
  var SENT_FLAG = "linli.rounds.sent";
  var MAX_EDGE = 1600;
  var QUALITY = 0.85;
  var KEEP_AS_IS = 1024 * 1024; // a JPEG already this small and no larger than MAX_EDGE is kept as it is

  function $(id) { return document.getElementById(id); }
  function show(id, on) { var el = $(id); if (el) el.hidden = !on; }
  function box() { return $("round-queue"); }
  function say(name) { var b = box(); return (b && b.getAttribute("data-" + name)) || ""; }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; });
  }
  function currentUser() { var b = box(); return b ? b.getAttribute("data-user") || "" : ""; }

  function readLocal(name, fallback) {
    try { return JSON.parse(window.localStorage.getItem(name)) || fallback; } catch (e) { return fallback; }
  }
  function writeLocal(name, value) {
    try { window.localStorage.setItem(name, JSON.stringify(value)); } catch (e) { /* private mode, full */ }
  }
  function dropLocal(name) { try { window.localStorage.removeItem(name); } catch (e) { /* private mode */ } }

  // -- IndexedDB: one store of visits keyed by the visit's key -------------------------------------------------

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
        var req = window.indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
      dbPromise.catch(function () { dbPromise = null; });
    }
    return dbPromise;
  }
  function inStore(mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(STORE, mode);
        var req = work(t.objectStore(STORE));
        var out;
        if (req) req.onsuccess = function () { out = req.result; };
        t.oncomplete = function () { resolve(out); };
        t.onerror = t.onabort = function () { reject(t.error || new Error("IndexedDB")); };
      });
    });
  }
  function keep(item) { return inStore("readwrite", function (s) { return s.put(item); }); }
  function forget(key) { return inStore("readwrite", function (s) { return s.delete(key); }); }
  function waiting() {
    var user = currentUser();
    return inStore("readonly", function (s) { return s.getAll(); }).then(function (items) {
      return (items || []).filter(function (i) { return i.user === user; })
        .sort(function (a, b) { return a.madeAt < b.madeAt ? -1 : a.madeAt > b.madeAt ? 1 : 0; });
    }, function () { return []; });
  }

  // -- the photo, shrunk on the phone ------------------------------------------------------------------------

  function toBlob(canvas) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", QUALITY); });
  }
  // A JPEG no longer than MAX_EDGE on its longest side; the original when the browser cannot decode it (the server's
  // upload gate decides). createImageBitmap, not <img>: the CSP (img-src 'self') does not let a blob: URL load.
  function shrink(file) {
    if (!window.createImageBitmap || !file.type || file.type.indexOf("image/") !== 0) return Promise.resolve(file);
    return window.createImageBitmap(file).then(function (bitmap) {
      var w = bitmap.width, h = bitmap.height, scale = Math.min(1, MAX_EDGE / Math.max(w, h));
      if (scale === 1 && file.type === "image/jpeg" && file.size <= KEEP_AS_IS) return file;
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(w * scale));
      canvas.height = Math.max(1, Math.round(h * scale));
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff"; // a transparent PNG becomes white, not black
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return toBlob(canvas).then(function (blob) {
        if (!blob || (scale === 1 && blob.size >= file.size)) return file;
        return blob;
      });
    }).catch(function () { return file; });
  }
  function photoName(blob, file, i) {
    if (blob === file && file.name) return file.name;
    return "photo-" + (i + 1) + ".jpg";
  }

  // -- sending -----------------------------------------------------------------------------------------------

  function csrfToken() {
    try {
      var token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
      if (token) return token;
    } catch (e) { /* no header */ }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Resolves to {sent: answer}, {refused: reason} (dropped) or {later: "retry" | "signin"} (kept).
  function send(item, shown) {
    var body = new FormData();
    var token = csrfToken();
    item.fields.forEach(function (pair) { if (pair[0] !== "csrfmiddlewaretoken") body.append(pair[0], pair[1]); });
    body.append("csrfmiddlewaretoken", token);
    (item.photos || []).forEach(function (p) { body.append("photos", p.blob, p.name); });
    if (shown) body.append("shown", "1");
    return fetch(item.url, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
        return { later: "signin" }; // signed out (the idle sign-out): sent to the sign-in page
      }
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) return { later: "retry" };
      return response.json().then(function (answer) {
        if (response.ok && answer.visit) return { sent: answer };
        if (response.status >= 400 && response.status < 500 && answer.error) return { refused: answer.error };
        return { later: "retry" };
      });
    }, function () { return { later: "retry" }; });
  }

  var problem = "";  // why the last try left visits waiting
  var flushing = null;

  function refused(item, reason) {
    var el = $("round-refused");
    if (!el) return;
    el.textContent = fill(say("refused"), { name: item.name || "", reason: reason });
    el.hidden = false;
  }

  function flush() {
    if (flushing) return flushing;
    if (!navigator.onLine) return render();
    var sent = [];
    flushing = waiting().then(function (items) {
      var chain = Promise.resolve(), stop = false;
      items.forEach(function (item) {
        chain = chain.then(function () {
          if (stop) return null;
          return send(item, false).then(function (result) {
            if (result.sent) {
              sent.push({ item: item, answer: result.sent });
              return forget(item.key);
            }
            if (result.refused) {
              refused(item, result.refused);
              return forget(item.key);
            }
            stop = true; // the network or the session: the rest would fail the same way
            problem = result.later;
            return null;
          });
        });
      });
      return chain.then(function () { if (!stop) problem = ""; });
    }).catch(function () { /* IndexedDB unavailable: nothing was kept */ }).then(function () {
      flushing = null;
      if (sent.length) afterSent(sent);
      return render();
    });
    return flushing;
  }

  function afterSent(sent) {
    if (document.querySelector("li[data-checkpoint]")) {
      // The round's page lists its checkpoints as the server saw them: load it again to show the visits just sent.
      try { window.sessionStorage.setItem(SENT_FLAG, "1"); } catch (e) { /* private mode */ }
      window.location.reload();
      return;
    }
    show("round-offline", false);
    show("round-sent", true);
    var form = $("visit-form");
    if (!form) return;
    sent.forEach(function (s) {
      if (s.item.round === form.getAttribute("data-round") && s.item.checkpoint === form.getAttribute("data-checkpoint")) {
        var next = $("round-sent-next");
        if (next && s.answer.next) { next.href = s.answer.next; next.hidden = false; }
      }
    });
  }

  function render() {
    return waiting().then(function (items) {
      var b = box();
      if (!b) return;
      b.hidden = !items.length;
      $("round-queue-text").textContent = fill(say("waiting"), { n: items.length });
      var why = problem === "signin" ? say("signin") : problem === "retry" ? say("retry") : "";
      $("round-queue-problem").textContent = why;
      show("round-queue-problem", !!why && items.length > 0);
      show("round-queue-send", navigator.onLine); // with no network at all the button could do nothing
      var form = $("visit-form");
      var here = form && items.some(function (i) {
        return i.round === form.getAttribute("data-round") && i.checkpoint === form.getAttribute("data-checkpoint");
      });
      show("round-queue-here", !!here);
      if (here) form.hidden = true;
      // On the round's page: mark the checkpoints whose visit waits on this phone.
      Array.prototype.forEach.call(document.querySelectorAll("li[data-checkpoint]"), function (li) {
        var wait = items.some(function (i) {
          return i.round === li.getAttribute("data-round") && i.checkpoint === li.getAttribute("data-checkpoint");
        });
        var tag = li.querySelector(".round-waiting");
        if (wait && !tag) {
          tag = document.createElement("span");
          tag.className = "tag round-waiting";
          tag.textContent = say("waiting-tag");
          li.appendChild(document.createTextNode(" "));
          li.appendChild(tag);
        } else if (!wait && tag) {
          tag.parentNode.removeChild(tag);
        }
      });
    });
  }

  // -- the checkpoint's form ---------------------------------------------------------------------------------

  function fields(form) {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.disabled) return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      out.push([el.name, el.value]);
    });
    return out;
  }

  function draftName(form) {
    return "linli.rounds.draft." + form.getAttribute("data-round") + "." + form.getAttribute("data-checkpoint");
  }

  function restore(form) {
    var draft = readLocal(draftName(form), null);
    if (!draft) return;
    var values = {};
    draft.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken" || el.name === "made_at" ||
          !(el.name in values)) return;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values[el.name].indexOf(el.value) !== -1;
      } else {
        el.value = values[el.name][0];
      }
    });
  }

  function newKey() {
    if (window.crypto && window.crypto.getRandomValues) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    }
    return String(Date.now()) + String(Math.random()).slice(2);
  }

  function setBusy(form, busy) {
    var button = $("visit-submit");
    if (!button) return;
    if (busy) {
      button.setAttribute("data-label", button.textContent);
      button.textContent = say("saving") || button.textContent;
    } else if (button.getAttribute("data-label")) {
      button.textContent = button.getAttribute("data-label");
    }
    button.disabled = busy;
    form.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function submitted(form, event) {
    if (!window.indexedDB || !window.fetch || !window.Promise) return; // the plain post, photos and all
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    setBusy(form, true);
    show("round-refused", false);
    if (!form.elements.key.value) form.elements.key.value = newKey();
    if (form.elements.made_at) form.elements.made_at.value = new Date().toISOString(); // the visit is made now
    var input = form.querySelector("input[type=file]");
    var files = input && input.files ? Array.prototype.slice.call(input.files) : [];
    var heading = document.querySelector("h1");
    Promise.all(files.map(shrink)).then(function (blobs) {
      var item = {
        key: form.elements.key.value, user: currentUser(), url: form.getAttribute("action") || window.location.href,
        round: form.getAttribute("data-round"), checkpoint: form.getAttribute("data-checkpoint"),
        name: form.getAttribute("data-name") || (heading ? heading.textContent : ""),
        madeAt: form.elements.made_at ? form.elements.made_at.value : new Date().toISOString(),
        fields: fields(form),
        photos: blobs.map(function (blob, i) { return { blob: blob, name: photoName(blob, files[i], i) }; })
      };
      return keep(item).then(function () {
        dropLocal(draftName(form)); // the visit itself is kept now, photos and all
        if (!navigator.onLine) return { later: "retry" };
        return send(item, true);
      }, function () {
        // Nothing can be kept on this phone: post the form as it is while there is a network.
        if (navigator.onLine) { form.submit(); return null; }
        var el = $("round-refused");
        if (el) { el.textContent = say("nostore"); el.hidden = false; }
        setBusy(form, false);
        return null;
      }).then(function (result) {
        if (!result) return null;
        if (result.sent) {
          return forget(item.key).then(function () { window.location.assign(result.sent.next); });
        }
        if (result.refused) {
          // Nothing was recorded: the form stays to be corrected (e.g. a photo the server cannot read).
          var el = $("round-refused");
          if (el) { el.textContent = result.refused; el.hidden = false; }
          setBusy(form, false);
          return forget(item.key);
        }
        problem = navigator.onLine ? result.later : "";
        show("round-offline", true);
        setBusy(form, false);
        return render();
      });
    }).catch(function () { setBusy(form, false); });
  }

  function watch(form) {
    restore(form);
    // A problem needs its description (the server says so too; here the browser says it before anything is kept).
    var requireNote = function () {
      var problemRadio = form.querySelector("input[name=ok][value='0']");
      if (form.elements.note && problemRadio) form.elements.note.required = problemRadio.checked;
    };
    requireNote();
    form.addEventListener("change", requireNote);
    var save = function () { writeLocal(draftName(form), fields(form)); };
    form.addEventListener("change", save);
    form.addEventListener("input", save);
    form.addEventListener("submit", function (event) { submitted(form, event); });
  }

  // The earlier version's queue in localStorage (no photos could be kept): move it into IndexedDB once.
  function adoptLegacy() {
    var old = readLocal(LEGACY_QUEUE, []);
    if (!old.length) return Promise.resolve();
    return Promise.all(old.map(function (q) {
      var round = (q.draft || "").split(".")[3] || "", checkpoint = (q.draft || "").split(".")[4] || "";
      return keep({ key: q.key, user: currentUser(), url: q.url, round: round, checkpoint: checkpoint, name: "",
                    madeAt: "", fields: q.fields || [], photos: [] });
    })).then(function () { dropLocal(LEGACY_QUEUE); }, function () { /* keep it for a browser that can */ });
  }

  function init() {
    var form = document.querySelector("form[data-offline=round-visit]");
    if (form) watch(form);
    try {
      if (window.sessionStorage.getItem(SENT_FLAG)) {
        window.sessionStorage.removeItem(SENT_FLAG);
        show("round-sent", true);
      }
    } catch (e) { /* private mode */ }
    var button = $("round-queue-send");
    if (button) button.addEventListener("click", function () { problem = ""; flush(); });
    window.addEventListener("online", flush);
    window.addEventListener("offline", render);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) flush(); });
    window.setInterval(function () { if (navigator.onLine) flush(); }, 60000);
    adoptLegacy().then(flush);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
