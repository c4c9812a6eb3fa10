"""The personal visit link (issue 15 item 8): a volunteer without a login (红管家) records a visit of their plan
through an unguessable, expiring, revocable link that needs no sign-in.

Treated as hostile (CONTRIBUTING, "a page that needs no sign-in"): a wrong, expired or revoked token and every
write count against the limit ``care_link`` per address (``LINLI_RATELIMIT_CARE_LINK``, 429 once over it); the
token is looked up by its SHA-256 and compared in constant time (``services.link_for_token``); the page shows the
minimum the visit needs — the person's masked name and where they live, the date due — never the care
category, the phone, the guardian or earlier visits (PIPL art. 6). Every opening is logged against the person.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_ratelimit.core import get_usage

from linli.care import services
from linli.care.forms import LinkVisitForm
from linli.core import ratelimit
from linli.people.services import log_sensitive_access

LIMIT = "care_link"


def _over(request) -> bool:
    """Whether the address is already over the limit (looking, not counting)."""
    rate = getattr(settings, f"LINLI_RATELIMIT_{LIMIT.upper()}", "")
    if not rate:
        return False
    try:
        usage = get_usage(request, group=f"linli.{LIMIT}", key="ip", rate=rate, increment=False)
    except Exception:  # the cache is down: ratelimit.limited logs it on the next counted attempt
        return False
    return bool(usage and usage["should_limit"])


def _refused(request):
    return render(request, "care/link_refused.html", {"message": ratelimit.MESSAGE}, status=429)


@never_cache
@csrf_protect
def visit_by_link(request, token):
    if _over(request):
        return _refused(request)
    link = services.link_for_token(token)
    if link is None:
        if ratelimit.limited(request, LIMIT):  # a wrong, expired or revoked token counts
            return _refused(request)
        return render(request, "care/link_refused.html", {}, status=404)
    subject = link.plan.subject
    form = LinkVisitForm(request.POST or None, initial={
        "visited_at": timezone.localtime().replace(second=0, microsecond=0)})
    done = None
    if request.method == "POST":
        if ratelimit.limited(request, LIMIT):  # every write counts
            return _refused(request)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["problems"] = data["problems"].splitlines()
            data["urgent_problems"] = data["urgent_problems"].splitlines()
            data["problem_place"] = data["problem_place"] or "home"
            try:
                done = services.visit_record_by_link(link=link, **data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except PermissionDenied:
                return render(request, "care/link_refused.html", {}, status=404)
    # Logged against the person; the path names the link, never the token.
    log_sensitive_access(user=None, person=subject.person, action="care_link", path=f"/care/v/#link-{link.pk}")
    return render(request, "care/link_visit.html", {
        "link": link, "name": subject.person.masked_name, "home": subject.home, "estate": subject.estate,
        "due": link.plan.next_due if done is None else None, "form": form, "done": done,
        "volunteer": link.person.masked_name,
    })
