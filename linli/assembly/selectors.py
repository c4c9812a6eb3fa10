"""Reads shared by the pages and the API."""

from linli.assembly.models import Notice
from linli.core.text import names_in, redact
from linli.people.models import Organization
from linli.people.scopes import scope_for


def sees_choices(user, motion) -> bool:
    """How each owner voted: never on a secret vote, and never for the property company (it may be the very
    manager the owners are voting on); the community, street and district see it on an open vote."""
    scope = scope_for(user)
    return not motion.secret and bool(scope.paths or scope.admin_estate_ids)


def public_notices(estate, today):
    """The notices of an estate's public board (公示栏) as anyone may read them: phone and ID numbers and names
    written in the title and body masked, except the lines of the organisations that serve the estate (the
    community, the street, the property company), which a notice is meant to publish."""
    from django.db.models import Q

    community = estate.community
    stewardship = estate.current_stewardship(today)
    orgs = Organization.objects.filter(Q(division_id__in=[community.pk, community.parent_id]) | Q(
        pk=getattr(stewardship, "provider_id", None)))
    keep = [phone for phone in orgs.values_list("phone", flat=True) if phone]
    notices = list(Notice.objects.public_for(estate, today).filter(ends_on__gte=today).prefetch_related("attachments"))
    for notice in notices:
        names = names_in(f"{notice.title}\n{notice.body}")  # a name in the title is masked in the body too
        notice.public_title = redact(notice.title, names=names, keep=keep)
        notice.public_body = redact(notice.body, names=names, keep=keep)
    return notices
