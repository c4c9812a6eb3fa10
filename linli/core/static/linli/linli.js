/* Linli's few behaviours, as listeners rather than inline handlers (the Content-Security-Policy allows no inline
   script): print buttons, selects that submit their form, images that hide when missing, bar widths, upload
   progress. Everything is delegated from the document, so content swapped in by htmx works without rebinding. */
(function () {
  "use strict";

  document.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("[data-print]");
    if (!el) return;
    e.preventDefault();
    window.print();
  });

  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });

  // Image errors do not bubble: listen in the capture phase.
  document.addEventListener("error", function (e) {
    var el = e.target;
    if (el.tagName === "IMG" && el.hasAttribute("data-remove-on-error")) el.remove();
  }, true);

  // Widths set through the DOM (element.style) are not inline style attributes, which CSP would refuse.
  function applyWidths(root) {
    var list = (root || document).querySelectorAll ? (root || document).querySelectorAll("[data-width]") : [];
    for (var i = 0; i < list.length; i++) {
      var pct = parseFloat(list[i].getAttribute("data-width"));
      if (!isNaN(pct)) list[i].style.width = Math.max(0, Math.min(100, pct)) + "%";
    }
  }
  document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  document.addEventListener("htmx:load", function () { applyWidths(document); });

  // Upload progress of a form with data-upload-progress="<id of the progress box>" (the registry import).
  function progressBox(form) {
    var id = form && form.getAttribute && form.getAttribute("data-upload-progress");
    return id ? document.getElementById(id) : null;
  }
  document.addEventListener("htmx:xhr:progress", function (e) {
    var form = e.target, box = progressBox(form);
    if (!box || !e.detail.lengthComputable) return;
    var pct = Math.round(e.detail.loaded / e.detail.total * 100);
    box.querySelector("span").style.width = pct + "%";
    box.querySelector("p").textContent = pct < 100
      ? box.getAttribute("data-uploading") + " " + pct + "%" : box.getAttribute("data-checking");
  });
  document.addEventListener("submit", function (e) {
    var form = e.target, box = progressBox(form);
    if (!box) return;
    box.hidden = false;
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.target;
    if (!progressBox(form)) return;
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = false;
  });
})();
