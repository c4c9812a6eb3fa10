"""Installable and offline (issue 18): the web app manifest, the service worker and the page it shows offline.

- ``/manifest.webmanifest`` names the app 邻里, its icons (PNG drawn once from ``linli/icon.svg``), ``start_url``
  the home page, ``display: standalone``, so a phone's browser offers to add it to the home screen.
- ``/sw.js`` is served from the root so that its scope is the whole site. It precaches the offline page and the
  shell's static files (``SHELL_ASSETS``); pages are fetched from the network first and, when there is none, the
  offline page answers instead. Pages are never stored (they are personal: a shared phone must not show one
  resident's orders to the next), nor the API, nor anything but GET.
- ``/offline/`` is that page: no user data, no form, in Chinese and English at once (it is cached once, whatever
  the language of the visitor who installed it).

docs/pwa.md says more; the page-weight budget that the shell must fit is in linli/pageweight.py.
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME_COLOR = "#b3261e"  # the top bar's red (linli.css --red), also the icon's
BACKGROUND_COLOR = "#f6f6f4"  # the page background (linli.css --bg)
ICONS = ((192, "linli/icon-192.png"), (512, "linli/icon-512.png"))
# The static files of the page shell, stored when the service worker installs (the offline page uses the first).
# htmx is django-htmx's file, the one {% htmx_script %} loads.
SHELL_ASSETS = ("linli/linli.css", "linli/linli.js", "linli/pwa.js", "linli/icon.svg", "django_htmx/htmx-2.min.js",
                "linli/icon-192.png")

# The offline page is stored once for every visitor: it speaks both languages (Django's code, the HTML lang).
OFFLINE_CONTEXT = {"languages": [("zh-hans", "zh-CN"), ("en", "en")]}


@require_GET
def manifest(request):
    """The web app manifest (W3C Web Application Manifest), served as application/manifest+json."""
    data = {
        "name": settings.LINLI_SITE_NAME,
        "short_name": settings.LINLI_SITE_NAME,
        "description": "物业管理与基层治理：反映问题、查看进度、缴费、投票",
        "lang": "zh-CN",
        "dir": "ltr",
        "id": reverse("home"),
        "start_url": reverse("home"),
        "scope": reverse("home"),
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [{"src": static(path), "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
                  for size, path in ICONS],
    }
    response = JsonResponse(data, content_type="application/manifest+json",
                            json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Cache-Control"] = "public, max-age=86400"
    return response


@lru_cache(maxsize=1)
def _version() -> str:
    """Changes when a precached file or the worker's own template changes, so browsers install the new worker
    (and drop the old cache). Computed once per process: static files change only with a deployment."""
    digest = hashlib.sha256(settings.LINLI_SITE_NAME.encode())
    template = Path(__file__).parent / "templates" / "core" / "sw.js"
    digest.update(template.read_bytes())
    digest.update(render_to_string("core/offline.html", OFFLINE_CONTEXT).encode())
    for path in SHELL_ASSETS:
        found = finders.find(path)
        digest.update(Path(found).read_bytes() if found else path.encode())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request):
    """The service worker, from the root path so that its scope is the whole site. ``no-cache``: the browser
    asks every time whether it changed (it would otherwise keep an old worker for up to a day)."""
    config = {
        "cache": f"linli-{_version()}",
        "offline": reverse("offline"),
        "precache": [reverse("offline")] + [static(path) for path in SHELL_ASSETS],
        "never": ["/api/"],  # the API's answers are personal: never stored, never answered from a cache
    }
    body = render_to_string("core/sw.js", {"config": json.dumps(config, ensure_ascii=False)})
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache, max-age=0"
    response["Service-Worker-Allowed"] = reverse("home")
    return response


@require_GET
@cache_control(no_cache=True)
def offline(request):
    """What the service worker shows when a page cannot be fetched: no network, and what still works."""
    return render(request, "core/offline.html", OFFLINE_CONTEXT)
