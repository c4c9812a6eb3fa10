"""Pages of bodies and their posts (issue 19 items 4 and 2, docs/linkage.md): the bodies of an estate or an area,
a body's members with their other posts (交叉任职, seed 004) and its history, a post recorded or ended, a 1+2+N
co-governance committee set up (seed 001).

Who: a body is seen as ``linli.people.bodies.visible_bodies`` says (404 otherwise); posts are written by the admins
of the body's area (403 for anyone else who sees the body), checked again by the services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.access import member_required
from linli.people import bodies, permissions, pickers, services
from linli.people.forms_bodies import CoGovernanceForm, PostEndForm, PostForm
from linli.people.models import Organization, Person, Post
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate


def _body(user, body_id) -> Organization:
    try:
        return bodies.visible_bodies(user).select_related("estate", "division").get(pk=body_id)
    except Organization.DoesNotExist:
        raise Http404 from None


def _errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _writable(user):
    """The estates and divisions where ``user`` may set up a co-governance committee."""
    scope = scope_for(user)
    paths = Q(pk__in=[])
    for p in scope.admin_paths:
        paths |= Q(community__path__startswith=p)
    estates = Estate.objects.filter(paths | Q(pk__in=scope.admin_estate_ids)).select_related("community")
    divisions = Q(pk__in=[])
    for p in scope.admin_paths:
        divisions |= Q(path__startswith=p)
    return estates, Division.objects.filter(divisions, level__in=permissions.CO_GOVERNANCE_LEVELS)


@member_required
def body_list(request):
    user = request.user
    qs = bodies.visible_bodies(user)
    estate = None
    if request.GET.get("estate", "").isdigit():
        estate = get_object_or_404(Estate.objects.visible_to(user), pk=request.GET["estate"])
        qs = qs.filter(pk__in=bodies.bodies_of_estate(estate).values("pk"))
    division = None
    if request.GET.get("division", "").isdigit():
        # The bodies of a community or street: its own, and those of its estates.
        division = get_object_or_404(Division.objects.visible_to(user), pk=request.GET["division"])
        qs = qs.filter(Q(division__path__startswith=division.path) | Q(estate__community__path__startswith=division.path))
    rows = (qs.select_related("estate", "division")
            .annotate(members=Count("posts", filter=Q(posts__in=Post.objects.current())))
            .order_by("kind", "name")[:300])
    estates, divisions = _writable(user)
    return render(request, "people/bodies.html", {
        "rows": rows, "estate": estate, "division": division, "can_create": estates.exists() or divisions.exists(),
        "estates": Estate.objects.filter(pk__in=qs.exclude(estate__isnull=True).values("estate_id")).order_by("name"),
    })


@member_required
def body_detail(request, body_id):
    user = request.user
    body = _body(user, body_id)
    return render(request, "people/body_detail.html", {
        "body": body, "members": bodies.members(body),
        "history": bodies.history(body) if bodies.sees_history(user, body) else None,
        "can_manage": permissions.can_manage_posts(user, body),
    })


@member_required
def body_new(request):
    user = request.user
    estates, divisions = _writable(user)
    if not (estates.exists() or divisions.exists()):
        if not scope_for(user).is_staff_member:
            raise Http404
        raise PermissionDenied(_("只有社区、街道管理员可以设立共治委员会"))
    form = CoGovernanceForm(request.POST or None, estates=estates, divisions=divisions)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.co_governance_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已设立共治委员会，请登记成员"))
            return redirect("people:body_detail", body_id=body.pk)
    return render(request, "people/body_form.html", {"form": form, "title": _("设立共治委员会")})


def _manager(user, body):
    if not permissions.can_manage_posts(user, body):
        raise PermissionDenied(_("只有本区域的管理员可以登记任职"))


@member_required
def post_add(request, body_id):
    user = request.user
    body = _body(user, body_id)
    _manager(user, body)
    form = PostForm(request.POST or None, people=Person.objects.visible_to(user),
                    picker_url=reverse("people:body_people", kwargs={"body_id": body.pk}))
    pickers.take_query(form, request)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_record(organization=body, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已登记任职"))
            return redirect("people:body_detail", body_id=body.pk)
    return render(request, "people/body_form.html", {"form": form, "body": body,
                                                     "title": _("登记任职：%(body)s") % {"body": body.name}})


@member_required
def body_people(request, body_id):
    """htmx: the person picker's search among the people the admin sees."""
    user = request.user
    body = _body(user, body_id)
    _manager(user, body)
    return pickers.picker_results(request, Person.objects.visible_to(user), name="person")


@member_required
def post_end(request, post_id):
    user = request.user
    post = get_object_or_404(Post.objects.select_related("person", "organization"), pk=post_id)
    body = _body(user, post.organization_id)
    _manager(user, body)
    form = PostEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_finish(post=post, on=form.cleaned_data["ends_on"], reason=form.cleaned_data["reason"],
                                 actor=user)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已登记离任"))
            return redirect("people:body_detail", body_id=body.pk)
    return render(request, "people/body_form.html", {
        "form": form, "body": body,
        "title": _("离任：%(name)s（%(title)s）") % {"name": post.person.name, "title": post.get_title_display()}})
