/* Linli's few behaviours, as listeners rather than inline handlers (the Content-Security-Policy allows no inline
   script): print buttons, selects that submit their form, images that hide when missing, bar widths, upload
   progress. Everything is delegated from the document, so content swapped in by htmx works without rebinding. */
(function () {
  "use strict";

  // 大字模式 chosen on the account and not yet on this device: remember it here too, so that the device keeps it
  // after signing out (linli/core/large_type.py). A device that has chosen either way has the cookie already.
  if (document.documentElement.hasAttribute("data-large-type") && !/(?:^|;\s*)linli_large=/.test(document.cookie)) {
    document.cookie = "linli_large=1; path=/; max-age=31536000; samesite=lax";
  }

  // A long menu folds behind 菜单 on a phone (the CSS folds it only when this has run: without script, all shows).
  document.addEventListener("DOMContentLoaded", function () {
    var nav = document.querySelector(".nav.nav-long");
    if (nav) nav.classList.add("folding");
  });
  document.addEventListener("click", function (e) {
    var toggle = e.target.closest && e.target.closest(".nav-toggle");
    if (!toggle) return;
    var nav = toggle.closest(".nav"), open = !nav.classList.contains("open");
    nav.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

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
  // A table wider than the screen scrolls inside its .table-wrap: make the wrap reachable and named for keyboard
  // users (WCAG 2.1.1; axe-core's scrollable-region-focusable), after its caption or the heading above it.
  function scrollableTables(root) {
    var list = (root || document).querySelectorAll ? (root || document).querySelectorAll(".table-wrap") : [];
    for (var i = 0; i < list.length; i++) {
      var wrap = list[i];
      if (wrap.scrollWidth <= wrap.clientWidth || wrap.hasAttribute("tabindex")) continue;
      var caption = wrap.querySelector("caption"), prev = wrap.previousElementSibling;
      var name = caption ? caption.textContent : (prev && /^H[1-6]$/.test(prev.tagName) ? prev.textContent : "");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      if (name) wrap.setAttribute("aria-label", name.trim());
    }
  }
  document.addEventListener("DOMContentLoaded", function () { applyWidths(document); scrollableTables(document); });
  document.addEventListener("htmx:load", function () { applyWidths(document); scrollableTables(document); });

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
