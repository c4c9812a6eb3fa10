"""axe-core on every page of Linli, in both languages, each page seen by the role it is for; and the size of every
tap target on the residents' pages at 360 px (docs/accessibility.md).

The list of pages comes from the URL resolver: every named route that answers GET with an HTML page. Path
parameters are filled from the demo data (`linli demo`) by walking the site the way its users do: each role starts
at its home page and follows the links it is shown, one page per route, so each page is opened with objects that
role may see. A route that no role reaches fails the test, unless it is in NOT_PAGES with the reason it is no page.

axe-core is vendored from its npm package (e2e/vendor/axe-core, MPL-2.0, not served by the site) and injected with
page.add_script_tag; the contexts bypass the Content-Security-Policy for that one script (the site forbids inline
scripts, which is how Playwright injects it).
"""

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from playwright.sync_api import Error as PlaywrightError

# Minutes each (the walk opens every page as every role, in both languages): run first, given half an hour.
pytestmark = [pytest.mark.heavy, pytest.mark.html_only, pytest.mark.timeout(1800)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "linli2026"  # linli/people/demo.py

# The order decides who checks a page both can open: the public first, then the resident, then the street admin
# (who sees the most staff pages); the roles after them walk only to the pages not reached yet (FULL_WALKS).
ROLES = ["anonymous", "resident", "street_admin", "community_admin", "property_manager", "property_staff",
         "department_handler", "district_admin", "committee_chair"]
FULL_WALKS = 5

# Pages written in both languages at once, whatever the visitor's language (their <html lang> is Chinese and the
# English parts carry lang="en"), and why.
BILINGUAL = {"offline": "stored once by the service worker, whatever the language, so it says everything in both"}

# Named GET routes that are not HTML pages, and why they are left out.
NOT_PAGES = {
    "healthz": "plain-text probe for the load balancer",
    "manifest": "the web app manifest (JSON)",
    "workorders:go": "a redirect (the posters' QR and WeChat link): to the report page or the resident home, both "
                     "checked",
    "people:household_remove": "POST only (a button on the household page, which is checked)",
    "people:invitation_revoke": "POST only (a button on the household page, which is checked)",
    "service_worker": "the service worker (JavaScript)",
    "readyz": "plain-text probe for the load balancer",
    "logout": "POST only (a sign-out button on every page)",
    "set_language": "POST only (Django's language switch, a button on every page)",
    "large_type": "POST only (the 大字模式 switch, a button on every page)",
    "api-schema": "the OpenAPI schema (YAML/JSON)",
    "api-docs": "Swagger UI, a third-party page drawn by its own script",
    "api-redoc": "Redoc, a third-party page drawn by its own script",
    "registry:template": "file download (xlsx/csv template)",
    "facilities:template": "file download (the facility ledger's xlsx template)",
    "registry:export": "file download (xlsx/csv export)",
    "workorders:poster_estate": "file download (PDF poster)",
    "workorders:poster_building": "file download (PDF poster)",
    "facilities:rounds_route_sheet": "file download (PDF sheet of a route's checkpoint QR codes)",
    "workorders:order_file": "file download (an order's attachment)",
    "places:building_homes": "htmx fragment (a building's homes, loaded into the estate page), not a page",
    "workorders:place_options": "htmx fragment (the <option>s of a select), not a page",
    "workorders:desk_people": "htmx fragment (search results of the desk), not a page",
    "workorders:desk_pick": "htmx fragment (the picked person), not a page",
    "fees:qr": "SVG image (QR code)",
    "fees:statement": "file download (xlsx statement)",
    "fees:import_template": "file download (xlsx template)",
    "assembly:ballot_sheet": "file download (a scanned paper ballot)",
    "assembly:ballot_event_sheet": "file download (a scanned paper ballot)",
    "assembly:attachment": "file download (a notice's attachment)",
    "assembly:proposal_attachment": "file download (an owner's proposal's attachment)",
    "assembly:survey_export": "file download (xlsx of a survey's answers)",
    "people:body_people": "htmx fragment: the person picker's search results on a body's page",
    "assembly:committee_file": "file download (a committee's filing papers or report)",
    "volunteers:activity_qr": "SVG image (QR code)",
    "volunteers:wish_photo": "image download (a wish's photo)",
    "volunteers:people_search": "htmx fragment (search results), not a page",
    "care:subject_people": "htmx fragment (search results), not a page",
    "people:desk_homes": "htmx fragment (the desk's home search results), not a page",
    "care:plan_people": "htmx fragment (search results), not a page",
    "dashboard:report_month": "file download (PDF/xlsx report)",
    "dashboard:report_week": "file download (PDF/xlsx report)",
    "dashboard:report_assessment": "file download (xlsx/csv)",
    "repairfund:quote_file": "file download (a repair-fund quote's document)",
    "repairfund:stage_accept": "POST only (a button of a stage on the application page, which is checked)",
    "repairfund:stage_pay": "POST only (a button of a stage on the application page, which is checked)",
}
# Whole trees that are not Linli's HTML pages.
NOT_PAGE_PREFIXES = {
    "api/v1/": "the JSON API (its schema is checked in linli/core/tests)",
    "open311/v2/": "the Open311 JSON/XML API",
    "admin/": "Django's admin, Django's own markup",
    "i18n/": "Django's language switch (POST)",
}

# Pages meant for people without an account (the QR poster, public accounts and lists, a visitor's link): the walk
# reaches them through the signed-in pages that link them; they are checked signed out as well.
PUBLIC = ["workorders:report", "fees:public", "assembly:public_estate", "volunteers:board",
          "dashboard:public_ranking"]


PATTERNS: dict[str, str] = {}  # route name → its path pattern (filled by named_get_routes)


def named_get_routes() -> set[str]:
    """Every named route of the project outside NOT_PAGE_PREFIXES."""
    names = set()

    def walk(patterns, prefix, ns):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
                walk(p.url_patterns, prefix + str(p.pattern), inner)
            elif isinstance(p, URLPattern) and p.name:
                path = (prefix + str(p.pattern)).replace("^", "")
                name = f"{ns}:{p.name}" if ns else p.name
                PATTERNS[name] = path.replace("(?P", "<")
                if not path.startswith(tuple(NOT_PAGE_PREFIXES)):
                    names.add(name)

    walk(get_resolver().url_patterns, "", None)
    return names


def route_of(url: str, base: str) -> str | None:
    parts = urlsplit(url)
    if not url.startswith(base) or parts.path.startswith(tuple("/" + p for p in NOT_PAGE_PREFIXES)):
        return None
    try:
        return resolve(parts.path).view_name
    except Resolver404:
        return None


# Links and GET forms lead to pages; POST forms' actions are followed too, to tell an action (405 or a redirect
# on GET) from a page that shows a form on GET.
LINKS = """() => [...document.querySelectorAll('a[href]')].map(a => a.href.split('#')[0])
  .concat([...document.querySelectorAll('form')].map(f => new URL(f.getAttribute('action') || '', location.href).href))"""

# axe.run is bounded (page.evaluate has no timeout of its own): a check that never finishes fails the test.
AXE_RUN = """async () => {
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error('axe.run took over 60 s')), 60000));
  const r = await Promise.race([axe.run(document, {resultTypes: ['violations']}), late]);
  return r.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — ' + n.failureSummary.split('\\n').slice(1, 2).join(''))}));
}"""


def signed_in_context(browser, base, role, *, lang, viewport=None):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN",
                                  bypass_csp=True)
    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    if role != "anonymous":
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", role)
        page.fill("#id_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert "/accounts/login/" not in page.url, f"{role} could not sign in"
    return context, page


def open_page(page, url):
    """Open url; the response, or None when it is no HTML page this role may see."""
    response = page.goto(url, wait_until="load")
    if response is None or response.status != 200:
        return None
    if not response.headers.get("content-type", "").startswith("text/html"):
        return "not-html"
    return response


def seed_pages(base) -> list[str]:
    """Pages the walk starts from besides the routes without parameters: the report page behind a stairwell
    poster's QR code (printed, never linked), and pages linked only from a page in a state the first object the
    walk meets may not be in (a billing run, a receipt)."""
    from linli.assembly.models import Meeting, Motion
    from linli.fees.models import BillingRun, Payment
    from linli.places.models import Building
    from linli.workorders import posters

    building, payment = Building.objects.first(), Payment.objects.first()
    run = BillingRun.objects.filter(estate__isnull=False).first()
    urls = [
        reverse("workorders:report", args=[posters.make_token(building=building)]),
        reverse("fees:billing", args=[run.estate_id]),
        reverse("fees:run", args=[run.pk]),
        reverse("fees:receipt", args=[payment.pk]),
    ]
    # Issue 19: pages offered only in one state of their object (a vote in progress, an election's slate, a held
    # 议事会 whose matter goes up a level or to a joint meeting, a returned notice draft).
    open_vote = Motion.objects.filter(status="open").first()
    election = Motion.objects.filter(matter="elect_committee").order_by("status", "pk").first()
    held = Meeting.objects.filter(status="held", level="estate").exclude(kind="assembly").first()
    for name, obj in (("assembly:paper_batch", open_vote), ("assembly:motion_candidates", election),
                      ("assembly:meeting_refer", held), ("meetings:matter_from_assembly", held)):
        if obj is not None:
            urls.append(reverse(name, args=[obj.pk]))
    return [f"{base}{url}" for url in urls]


# What went wrong on each route's tries during the last walk ({route: ["role url: answer", ...]}), printed when a
# route is not reached, so that a miss in CI says why.
FAILED_TRIES = {}


def walk(browser, base, roles, visit, *, viewport=None, full=FULL_WALKS):
    """Each role follows its links from its home page and every route without parameters, one URL per route;
    visit(role, name, url, page) for each page a role reaches first. The first ``full`` roles open every page they
    reach; the later ones only pages not reached yet and pages without parameters (the lists that lead to the
    rest), to keep the walk short. Returns {page route: role that reached it first}, {route: why it is no page of
    its own} for redirects and POST-only actions, and the routes that answered with something other than HTML."""
    reached, other, not_html = {}, {}, set()
    FAILED_TRIES.clear()
    starts = [f"{base}{reverse(name)}" for name, pattern in PATTERNS.items() if "<" not in pattern
              and name not in NOT_PAGES and not pattern.startswith(tuple(NOT_PAGE_PREFIXES))] + seed_pages(base)
    started = time.monotonic()
    for number, role in enumerate(roles):
        context, page = signed_in_context(browser, base, role, lang="zh-hans", viewport=viewport)
        queue, seen, tried, tries = [f"{base}/", *starts], set(), set(), {}
        while queue:
            url = queue.pop(0)
            name = route_of(url, base)
            if name is None or name in seen or name in NOT_PAGES or url in tried or tries.get(name, 0) >= 3:
                continue
            if number >= full and (name in reached or name in other) and "<" in PATTERNS.get(name, "<"):
                continue
            tried.add(url)
            tries[name] = tries.get(name, 0) + 1
            try:
                response = page.goto(url, wait_until="load")
            except PlaywrightError as exc:  # chromium refuses an error answer with no body (a 403 or 405 of a view)
                response = page.request.get(url, max_redirects=0)
                FAILED_TRIES.setdefault(name, []).append(f"{role} {url}: {str(exc)[:120]} / {response.status}")
                if response.status == 405:
                    other[name] = "POST only"
                elif response.status == 200:  # the page is there: the navigation failed (a timeout on a busy
                    tried.discard(url)        # machine), so try it again later, at most three times in all
                    queue.append(url)
                continue
            if response is None:
                continue
            if response.status == 405:
                other[name] = "POST only"
                continue
            target = route_of(page.url, base)
            if response.request.redirected_from is not None and target != name:
                if target not in (None, "login"):
                    other[name] = f"redirects to {target}"
                    queue.append(page.url)
                continue
            if response.status != 200:
                FAILED_TRIES.setdefault(name, []).append(f"{role} {url}: {response.status}")
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                not_html.add(name)
                continue
            seen.add(name)
            if name not in reached:
                reached[name] = role
                visit(role, name, page.url, page)
            queue.extend(u for u in page.evaluate(LINKS) if route_of(u, base) not in seen)
        context.close()
        print(f"{role}: {len(seen)} routes opened, {time.monotonic() - started:.0f} s")
    return reached, other, not_html


# Routes that are pages but that the walk cannot open with the demo data, why, and where they are tested.
UNREACHED = {
    "care:visit_link": "a visitor's link: its token is shown once, when it is made, and stored hashed "
                       "(linli/care/tests/test_volunteers_without_login.py, e2e/test_care_flow.py)",
    "volunteers:checkin": "the check-in behind an activity's QR code answers only in the activity's check-in window "
                          "(e2e/test_volunteers_flow.py)",
    "notify_wechat:bind_done": "the page after WeChat's sign-in callback, which needs a code from WeChat "
                               "(linli/notify/tests/test_channels_wechat_bind.py)",
    "workorders:reported": "the thank-you page after a report is posted; its code comes from the POST "
                           "(linli/workorders/tests/test_pages_intake.py; axe-checked in e2e/test_elderly_resident.py)",
    "dashboard:company_one": "the page of one company for a manager of several; the demo's manager has one "
                             "(linli/dashboard/tests/test_estates.py)",
    "fees:pay_intent": "an online payment's page: its reference comes from the POST that starts paying "
                       "(linli/fees/tests/test_pay_online.py; axe-checked in e2e/test_elderly_resident.py)",
    "assembly:draft_motion_edit": "offered only on a committee's motion draft the street returned; the demo's waits "
                                  "for review (linli/assembly/tests/test_review.py, e2e/test_committee_drafting.py)",
    "assembly:draft_notice_edit": "offered only to the drafter of a notice draft the street returned; the walk's seed "
                                  "of the demo's returned draft did not reach it (linli/assembly/tests/test_review.py)",
    "renovation:project_handover": "offered only on a project at its acceptance stage; the demo's project is still "
                                   "taking comments on its plan (linli/renovation/tests/test_pages.py)",
}
# POST targets whose GET re-renders the page they belong to (with the form's errors): no page of their own; that
# page (meetings:meeting_detail) is checked.
FORM_ACTIONS = {"meetings:meeting_close", "meetings:meeting_invite", "meetings:meeting_link",
                "meetings:meeting_minutes", "meetings:meeting_report", "meetings:meeting_task_new"}

DUMMY_KWARGS = [{"pk": 1}, {"token": "x"}, {"code": "x"}, {"code": "20260101-0001"}, {"pk": 1, "action": "x"},
                {"code": "20260101-0001", "action": "x"}, {"token": "x", "code": "20260101-0001"}]


def post_only(name: str) -> bool:
    """True when the route answers GET with 405 (require_POST runs before any object is looked up)."""
    from django.test import Client

    from linli.people.models import User

    for kwargs in DUMMY_KWARGS:
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        client = Client()
        client.force_login(User.objects.get(username="street_admin"))
        return client.get(url).status_code == 405
    return False


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", verbosity=0)


def test_every_page_has_no_serious_or_critical_axe_violation_in_either_language(demo, live_server, browser):
    base = live_server.url
    routes = named_get_routes()
    found, checked = {}, []
    english = {}

    def visit(role, name, url, page):
        page.add_script_tag(path=str(AXE))
        for v in page.evaluate(AXE_RUN):
            found.setdefault((v["id"], v["impact"]), []).append(f"zh-hans {role} {name} {v['nodes']}")
        checked.append((role, name, url))

    reached, other, not_html = walk(browser, base, ROLES, visit)

    started = time.monotonic()
    public = [("anonymous-public", name, url) for r, name, url in checked if name in PUBLIC]
    # The same pages in English, each as the role that reached it; the public pages signed out, in both languages.
    for role, lang in [(r, "en") for r in ROLES] + [("anonymous-public", "zh-hans"), ("anonymous-public", "en")]:
        urls = [(name, url) for r, name, url in checked + public if r == role]
        if not urls:
            continue
        context, page = signed_in_context(browser, base, role.replace("-public", ""), lang=lang)
        for name, url in urls:
            assert open_page(page, url) not in (None, "not-html"), f"{name} ({url}) did not open ({role}, {lang})"
            assert route_of(page.url, base) == name, f"{name} ({url}) sent {role} to {page.url}"
            page_lang = page.evaluate("document.documentElement.lang")
            assert page_lang == lang or name in BILINGUAL, f"{name} ({page.url}, {role}) has lang={page_lang!r}, not {lang}"
            page.add_script_tag(path=str(AXE))
            for v in page.evaluate(AXE_RUN):
                found.setdefault((v["id"], v["impact"]), []).append(f"{lang} {role} {name} {v['nodes']}")
            if lang == "en":
                english[name] = role
        context.close()

    print(f"English: {len(english)} pages, {time.monotonic() - started:.0f} s")
    missing = {name for name in routes - set(reached) - set(NOT_PAGES) - set(other) - set(UNREACHED) - FORM_ACTIONS
               if not post_only(name)}
    assert not_html <= set(NOT_PAGES), f"routes answering with no HTML page, missing from NOT_PAGES: {not_html}"
    assert set(english) == set(reached)
    assert len(reached) > 80  # the walk reached the site, not just the sign-in page
    report = "\n".join(f"{k[1]} {k[0]}: {len(v)} pages, e.g.\n    " + "\n    ".join(v[:4]) for k, v in found.items())
    unreached = (f"routes no role reached (add a link, or a reason in NOT_PAGES): {sorted(missing)}; their failed "
                 f"tries: {({name: FAILED_TRIES.get(name, []) for name in missing})}")
    assert not found, f"axe-core found serious or critical violations:\n{report}\n{unreached if missing else ''}"
    assert not missing, unreached
    assert {name for _, name, _ in public} == set(PUBLIC), "a public page was not reached"


# -- tap targets ---------------------------------------------------------------------------------------------------

TARGETS = """() => {
  const small = [];
  const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  // WCAG 2.5.8's exception for a link inside a sentence: its size is set by the line of text around it.
  const inSentence = a => { const block = a.parentElement.closest('p, li, td, dd, span, div, h1, h2, h3, label');
    return block && block.textContent.replace(/\\s+/g, '').length > a.textContent.replace(/\\s+/g, '').length + 1; };
  for (const el of document.querySelectorAll('a[href], button, select, input[type=radio], input[type=checkbox]')) {
    if (!visible(el) || el.closest('.skip')) continue;
    const row = (el.type === 'radio' || el.type === 'checkbox') ? (el.closest('label') || el) : el;
    const r = row.getBoundingClientRect();
    if (r.width >= 47.5 && r.height >= 47.5) continue;
    if (el.tagName === 'A' && inSentence(el)) continue;
    small.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.value || '').trim().slice(0, 20)}" `
               + `${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  return small;
}"""


# Text of every element that holds text itself, in px, where under 18 px (大字模式's floor).
SMALL_TEXT = """() => [...document.querySelectorAll('body *')].filter(el =>
    [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) && el.getClientRects().length
    && !el.closest('.skip, script, style, svg, canvas') && parseFloat(getComputedStyle(el).fontSize) < 17.9)
  .map(el => `${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 15)}" `
             + getComputedStyle(el).fontSize)"""


def test_every_tap_target_on_the_residents_pages_is_48_px_at_360_px(demo, live_server, browser):
    """Measured in the standard mode; then the same page in 大字模式 (the class on <html>, as the switch sets it)
    shows no text under 18 px."""
    too_small, small_text = {}, {}

    def visit(role, name, url, page):
        small = page.evaluate(TARGETS)
        if small:
            too_small[name] = small[:6]
        page.evaluate("document.documentElement.classList.add('large')")
        small = page.evaluate(SMALL_TEXT)
        if small:
            small_text[name] = small[:6]

    named_get_routes()
    reached, _, _ = walk(browser, live_server.url, ["resident"], visit, viewport={"width": 360, "height": 740})
    assert len(reached) > 10
    assert not too_small, "targets under 48 × 48 px at 360 px:\n" + "\n".join(f"{k}: {v}" for k, v in too_small.items())
    assert not small_text, "text under 18 px in 大字模式:\n" + "\n".join(f"{k}: {v}" for k, v in small_text.items())
