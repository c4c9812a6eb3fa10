"""Page weight (issue 18): every page a resident uses must come in under 100 KB without photos.

A page's weight is its HTML plus every stylesheet and script it references, read from disk as the browser would
download them the first time (raw bytes: gzip is not counted, nor images, the icon or the manifest). Measured
through Django's test client, so it counts what the templates really send for one user's data.

Used by linli/core/tests/test_page_weight.py (each resident page of the test cast under the budget) and by
bench/page_weight.py (the same pages of the demo street's resident, figures in docs/benchmarks.md).

This module sits beside linli/urls.py, above every app: it knows where each app keeps its resident pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

BUDGET = 100_000  # bytes: "under 100 KB", counted strictly (not 102,400)

_STYLESHEET = re.compile(r"<link\b[^>]*\brel=\"stylesheet\"[^>]*>", re.I)
_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", re.I)
_HREF = re.compile(r"\bhref=\"([^\"]+)\"", re.I)


@dataclass
class Weight:
    """One page: its HTML and the CSS and JS files it references, in bytes."""

    name: str
    url: str
    html: int
    css: int = 0
    js: int = 0
    files: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.html + self.css + self.js

    def as_dict(self) -> dict:
        return {"name": self.name, "url": self.url, "html": self.html, "css": self.css, "js": self.js,
                "total": self.total, "files": self.files}


def static_size(url: str) -> int:
    """The size on disk of a static file referenced as ``url`` (``/static/…``); an asset that cannot be found is an
    error, not a zero (it would make every page look lighter than it is)."""
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    if not url.startswith(prefix):
        raise ValueError(f"not a static file of this site: {url}")
    path = finders.find(url[len(prefix):].split("?")[0])
    if not path:
        raise FileNotFoundError(url)
    return Path(path).stat().st_size


def assets(html: str) -> tuple[list[str], list[str]]:
    """The stylesheets and scripts an HTML page references, each once, in order."""
    css = [m.group(1) for tag in _STYLESHEET.findall(html) if (m := _HREF.search(tag))]
    js = _SCRIPT.findall(html)
    return list(dict.fromkeys(css)), list(dict.fromkeys(js))


def weigh(client, name: str, url: str) -> Weight:
    """Fetch ``url`` with ``client`` (following redirects) and weigh it; anything but a 200 is an error."""
    response = client.get(url, follow=True)
    if response.status_code != 200:
        raise AssertionError(f"{name}: {url} answered {response.status_code}")
    html = response.content.decode()
    weight = Weight(name=name, url=url, html=len(response.content))
    css, js = assets(html)
    for src in css:
        weight.files[src] = size = static_size(src)
        weight.css += size
    for src in js:
        weight.files[src] = size = static_size(src)
        weight.js += size
    return weight


# The resident-facing pages of issue 18, in the order of the table in docs/benchmarks.md.
RESIDENT_PAGES = (
    "home", "all notices", "votes and meetings", "call", "report (QR)", "my requests", "request", "my bills", "home account", "receipt", "notices",
    "notice", "vote", "wishes", "wish", "inbox",
)


def resident_pages(user) -> list[tuple[str, str]]:
    """(name, URL) of each resident page for ``user``, found from their own data (their home, last request, last
    payment, a notice and an open vote of their estate, a wish they can see). A page that needs a record the user
    does not have is left out: the caller compares the names with ``RESIDENT_PAGES``."""
    from django.db.models import Q
    from django.urls import reverse

    from linli.assembly.models import Motion, Notice
    from linli.fees.models import Payment
    from linli.people.models import Occupancy
    from linli.places.models import Home
    from linli.volunteers.models import Wish
    from linli.workorders import posters
    from linli.workorders.models import WorkOrder

    home = Home.objects.filter(pk__in=Occupancy.objects.current().filter(person_id=user.person_id).values("home_id"))\
        .select_related("building").order_by("pk").first() if user.person_id else None
    order = WorkOrder.objects.filter(Q(reporter_id=user.person_id) | Q(created_by=user, channel="resident")).order_by(
        "-received_at", "-pk").first() if user.person_id else None
    payment = Payment.objects.filter(home=home).order_by("-pk").first() if home else None
    notice = Notice.objects.visible_to(user).filter(withdrawn_at=None).order_by("-posted_on", "-pk").first()
    motion = Motion.objects.visible_to(user).filter(status=Motion.Status.OPEN).order_by("-opens_at").first()
    wish = Wish.objects.visible_to(user).order_by("-pk").first()
    pages = [
        ("home", reverse("residents:home")),
        ("all notices", reverse("residents:notices")),
        ("votes and meetings", reverse("residents:votes")),
        ("call", reverse("residents:call")),
        home and ("report (QR)", reverse("workorders:report", args=[posters.make_token(building=home.building)])),
        ("my requests", reverse("workorders:mine")),
        order and ("request", reverse("workorders:order", kwargs={"code": order.code})),
        ("my bills", reverse("fees:my_bills")),
        home and ("home account", reverse("fees:home", args=[home.pk])),
        payment and ("receipt", reverse("fees:receipt", args=[payment.pk])),
        ("notices", reverse("assembly:mine")),
        notice and ("notice", reverse("assembly:notice_detail", args=[notice.pk])),
        motion and ("vote", reverse("assembly:vote", args=[motion.pk])),
        ("wishes", reverse("volunteers:wish_list")),
        wish and ("wish", reverse("volunteers:wish_detail", args=[wish.pk])),
        ("inbox", reverse("notify:inbox")),
    ]
    return [page for page in pages if page]
