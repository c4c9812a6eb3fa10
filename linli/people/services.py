"""State changes about people."""

from linli.people.models import AccessLog, AuditEvent, Person


def log_sensitive_access(*, user, person: Person, action: str = "view", path: str = "") -> AccessLog:
    """Record that ``user`` saw the sensitive part of ``person``'s record (PIPL)."""
    return AccessLog.objects.create(actor=user, person=person, kind=action, path=path[:200])


def client_ip(request) -> str | None:
    """The client's address as the server saw it (REMOTE_ADDR; a proxy must set it, see docs/deploy.md)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit(*, action: str, user=None, request=None, target: str = "", count: int | None = None,
          data: dict | None = None, username: str = "") -> AuditEvent:
    """Write one line of the security audit log (who, what, how many rows, from where)."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEvent.objects.create(
        kind=action,
        actor=user,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        target=str(target)[:120],
        count=count,
        path=(request.get_full_path() if request is not None else "")[:200],
        ip=client_ip(request),
        data=data or {},
    )


def user_set_large_type(*, user, on: bool) -> None:
    """Remember the large-type mode (大字模式) on the account, so that a new device it signs in on shows it too."""
    if user.large_type != on:
        user.large_type = on
        user.save(update_fields=["large_type"])


def add_post(*, person: Person, organization, title: str, starts_on, capacity: str = "", basis: str = "",
             by=None):
    """Record that ``person`` holds ``title`` in ``organization`` from ``starts_on`` (a people.Post). A seat on an
    estate's owners' committee or 物业管理委员会 gives the person's account the committee member's role for that
    estate at the next request (scopes.build_scope)."""
    from django.core.exceptions import ValidationError

    from linli.people.models import Post
    from linli.people.scopes import forget_scopes

    if title not in Post.Title.values:
        raise ValidationError({"title": f"unknown title: {title}"}, code="invalid")
    if capacity and capacity not in Post.Capacity.values:
        raise ValidationError({"capacity": f"unknown capacity: {capacity}"}, code="invalid")
    post = Post.objects.create(person=person, organization=organization, title=title, capacity=capacity,
                               starts_on=starts_on, basis=basis[:200], created_by=by)
    forget_scopes()
    return post


def end_post(*, post, on, reason: str, by=None):
    """End ``post`` on ``on`` with a reason (it stays on record; the role it gave ends with it)."""
    from django.core.exceptions import ValidationError

    from linli.people.models import Post
    from linli.people.scopes import forget_scopes

    if not reason.strip():
        raise ValidationError({"end_reason": "a reason is required"}, code="required")
    if on < post.starts_on:
        raise ValidationError({"ends_on": "a post cannot end before it starts"}, code="invalid")
    updated = Post.objects.filter(pk=post.pk, ends_on__isnull=True).update(ends_on=on, end_reason=reason.strip()[:200])
    if not updated:
        raise ValidationError({"ends_on": "this post has already ended"}, code="invalid")
    post.refresh_from_db()
    forget_scopes()
    return post


def cross_posts(person_ids, on=None) -> dict[int, list]:
    """Every current post of each of ``person_ids``: {person_id: [Post, …]}, for showing cross-posting (交叉任职,
    seed 004) on each body's page — a person with posts in two or more bodies at once."""
    from linli.people.models import Post

    out: dict[int, list] = {}
    for post in Post.objects.current(on).filter(person_id__in=list(person_ids)).select_related("organization"):
        out.setdefault(post.person_id, []).append(post)
    return out


# -- bodies and posts (issue 19: helper "linkage", docs/linkage.md) ---------------------------------------------------
# The pages' doors to add_post / end_post above: each checks who may write (linli/people/permissions.py).


def post_record(*, organization, person: Person, title: str, starts_on, actor, capacity: str = "",
                basis: str = ""):
    """An admin of the body's area records that ``person`` holds ``title`` in ``organization`` from ``starts_on``.
    A person may hold posts in several bodies at once (交叉任职, seed 004); the same post twice at once is refused."""
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils.translation import gettext as _

    from linli.people import permissions
    from linli.people.models import Post

    permissions.require(permissions.can_manage_posts(actor, organization))
    if Post.objects.current(starts_on).filter(person=person, organization=organization, title=title).exists():
        raise ValidationError({"person": _("此人已在该机构担任该职务")})
    with transaction.atomic():
        return add_post(person=person, organization=organization, title=title, starts_on=starts_on,
                        capacity=capacity, basis=basis, by=actor)


def post_finish(*, post, on, reason: str, actor):
    """An admin of the body's area ends a post on ``on`` with a reason; the post stays on record."""
    from linli.people import permissions

    permissions.require(permissions.can_manage_posts(actor, post.organization))
    return end_post(post=post, on=on, reason=reason, by=actor)


def co_governance_create(*, name: str, actor, estate=None, division=None, phone: str = ""):
    """A 1+2+N co-governance committee (共治委员会, seed 001): a body of an estate, or of a community or street,
    whose members come from several organisations (their posts' capacity says from which)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from linli.people import permissions
    from linli.people.models import Organization
    from linli.people.scopes import forget_scopes

    permissions.require(permissions.can_create_co_governance(actor, estate=estate, division=division))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写名称")})
    if Organization.objects.filter(kind=Organization.Kind.CO_GOVERNANCE, name=name).exists():
        raise ValidationError({"name": _("已有同名的共治委员会")})
    body = Organization.objects.create(name=name[:120], kind=Organization.Kind.CO_GOVERNANCE, estate=estate,
                                       division=estate.community if estate is not None else division,
                                       phone=phone.strip()[:20])
    forget_scopes()
    return body
