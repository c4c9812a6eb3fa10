/* Inspection rounds on a weak network (docs/inspection-rounds.md): the checkpoint form keeps its ticks in the
   browser (localStorage) while they are being made, and a visit submitted without a connection waits in a queue
   that is sent as soon as the connection comes back. Each visit carries the key the server made for the form: a
   resend of the same visit is recorded once (rounds_services.visit_record). Photos cannot wait in localStorage:
   a problem sent from the queue goes without its photo (the page says so). A file, as the CSP forbids inline
   scripts. */
(function () {
  "use strict";
  var QUEUE = "linli.rounds.queue";

  function read(name, fallback) {
    try { return JSON.parse(window.localStorage.getItem(name)) || fallback; } catch (e) { return fallback; }
  }
  function write(name, value) {
    try { window.localStorage.setItem(name, JSON.stringify(value)); } catch (e) { /* private mode, full */ }
  }
  function show(id, on) {
    var el = document.getElementById(id);
    if (el) el.hidden = !on;
  }

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
    var draft = read(draftName(form), null);
    if (!draft) return;
    var values = {};
    draft.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken" || !(el.name in values)) return;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values[el.name].indexOf(el.value) !== -1;
      } else {
        el.value = values[el.name][0];
      }
    });
  }

  function flush() {
    var queue = read(QUEUE, []);
    if (!queue.length || !navigator.onLine) return;
    var item = queue[0];
    var body = new FormData();
    var token = "";
    item.fields.forEach(function (pair) {
      body.append(pair[0], pair[1]);
      if (pair[0] === "csrfmiddlewaretoken") token = pair[1];
    });
    fetch(item.url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token } })
      .then(function (response) {
        if (!response.ok && response.status < 500) {
          // Refused for good (the round ended, no right): drop it rather than retry forever.
          window.console && console.warn("round visit refused", response.status);
        } else if (!response.ok) {
          return;
        }
        var rest = read(QUEUE, []).filter(function (q) { return q.key !== item.key; });
        write(QUEUE, rest);
        window.localStorage.removeItem(item.draft);
        show("round-offline", false);
        show("round-sent", true);
        var form = document.getElementById("visit-form");
        if (form && draftName(form) === item.draft) form.hidden = true;
        if (rest.length) flush();
      })
      .catch(function () { /* still offline: the next "online" event tries again */ });
  }

  function init() {
    var form = document.querySelector("form[data-offline=round-visit]");
    if (form) {
      restore(form);
      // A problem needs its description (the server says so too; here the browser says it before anything is
      // queued offline).
      var requireNote = function () {
        var problem = form.querySelector("input[name=ok][value='0']");
        if (form.elements.note && problem) form.elements.note.required = problem.checked;
      };
      requireNote();
      form.addEventListener("change", requireNote);
      var save = function () { write(draftName(form), fields(form)); };
      form.addEventListener("change", save);
      form.addEventListener("input", save);
      form.addEventListener("submit", function (event) {
        if (navigator.onLine) return; // online: the ordinary post, with its photos
        event.preventDefault();
        var key = form.elements.key ? form.elements.key.value : String(Date.now());
        var queue = read(QUEUE, []).filter(function (q) { return q.key !== key; });
        queue.push({ url: form.getAttribute("action") || window.location.href, key: key,
                     draft: draftName(form), fields: fields(form) });
        write(QUEUE, queue);
        save();
        show("round-offline", true);
      });
    }
    window.addEventListener("online", flush);
    flush();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
