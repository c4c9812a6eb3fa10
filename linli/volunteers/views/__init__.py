"""Pages of volunteers, activities, points and rewards (phone first; the large-type switch is the whole site's, in the top bar)."""

import datetime
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.access import get_visible_or_404, member_required, staff_required
from linli.core.dbrouter import replica_reads
from linli.people import pickers
from linli.people.models import Person
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate
from linli.volunteers import filters, forms, selectors, services
from linli.volunteers.models import (
    Activity,
    BoardEntry,
    Participation,
    PointsEntry,
    Redemption,
    Reward,
    Team,
    Volunteer,
)
from linli.volunteers.permissions import can_manage
from linli.volunteers.sections import sections
from linli.volunteers.wishes import wishes_claimed_by


def _page(request, qs, size=50):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def apply(request, fn, **kwargs):
    """Call a service; a ValidationError becomes an error message and None (PermissionDenied → 403)."""
    try:
        return fn(actor=request.user, **kwargs)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        return None


def _person(request):
    person_id = scope_for(request.user).person_id
    return Person.objects.filter(pk=person_id).first() if person_id else None


def _back(request, fallback):
    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect(fallback)


# -- my page -------------------------------------------------------------------------------------------


@member_required
def me(request):
    """A volunteer's own page: points, activities, wishes claimed and visits due."""
    person = _person(request)
    context = {"person": person, "managed": forms.managed_communities(request.user)}
    if person is not None:
        context.update(
            volunteer=Volunteer.objects.filter(person=person).prefetch_related("teams").first(),
            balance=services.balance(person),
            entries=PointsEntry.objects.filter(account__person=person).select_related("community")[:10],
            participations=(Participation.objects.filter(person=person).select_related("activity")
                            .order_by("-activity__starts_at")[:10]),
            upcoming=(Activity.objects.visible_to(request.user).filter(status="open", ends_at__gte=timezone.now())
                      .order_by("starts_at")[:5]),
            redemptions=Redemption.objects.filter(person=person).select_related("reward")[:5],
        )
    for key, loader in _extras():
        context[key] = loader(request.user, person)
    return render(request, "volunteers/me.html", context)


def _extras():
    """Sections of this app (wishes claimed) and of the apps above it (care: visits due, see sections.py)."""
    return [("wishes", lambda user, person: wishes_claimed_by(person) if person else []), *sections()]


# -- volunteers and teams ----------------------------------------------------------------------------------


@staff_required
def volunteer_list(request):
    qs = Volunteer.objects.visible_to(request.user).select_related("person", "community").prefetch_related("teams")
    qs = filters.VolunteerFilterSet(request.GET, queryset=qs).qs  # the API's filters; a bad value is ignored here
    skill, team = request.GET.get("skill", ""), request.GET.get("team", "")
    return render(request, "volunteers/volunteer_list.html", {
        "page": _page(request, qs), "skills": forms.Skill.choices, "skill": skill, "team": team,
        "teams": Team.objects.visible_to(request.user), "can_add": forms.managed_communities(request.user).exists(),
    })


@member_required
def volunteer_new(request):
    """A community admin registers anyone in their area; a resident registers themselves."""
    managed = forms.managed_communities(request.user).exists()
    person = _person(request)
    if not managed and (person is None or Volunteer.objects.filter(person=person).exists()):
        raise Http404
    form = forms.VolunteerForm(request.POST or None, user=request.user, self_only=not managed)
    pickers.take_query(form, request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        target = data.pop("person", None) or person
        volunteer = apply(request, services.volunteer_enrol, person=target, **data)
        if volunteer:
            messages.success(request, _("已登记志愿者 %(n)s") % {"n": volunteer.person})
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return render(request, "volunteers/form.html", {"form": form, "title": _("登记志愿者")})


@member_required
def volunteer_detail(request, pk):
    volunteer = get_visible_or_404(Volunteer.objects.select_related("person", "community"), request.user, pk=pk)
    return render(request, "volunteers/volunteer_detail.html", {
        "v": volunteer, "balance": services.balance(volunteer.person),
        "can_manage": can_manage(request.user, volunteer.community),
        "hours": sum(p.minutes for p in volunteer.person.participations.all()) / 60,
    })


@member_required
def team_list(request):
    form = forms.TeamForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid() and apply(request, services.team_create, **form.cleaned_data):
            messages.success(request, _("已创建队伍"))
            return redirect("volunteers:team_list")
        if not form.is_valid() and not forms.managed_communities(request.user).exists():
            raise services.PermissionDenied
    teams = Team.objects.visible_to(request.user).select_related("community")
    return render(request, "volunteers/team_list.html", {
        "teams": teams, "form": form, "can_add": forms.managed_communities(request.user).exists(),
    })


# -- activities ----------------------------------------------------------------------------------------------


@member_required
def activity_list(request):
    qs = Activity.objects.visible_to(request.user).select_related("community", "estate")
    when = request.GET.get("when", "upcoming")
    now = timezone.now()
    qs = qs.filter(ends_at__gte=now).order_by("starts_at") if when == "upcoming" else qs.filter(ends_at__lt=now)
    return render(request, "volunteers/activity_list.html", {
        "page": _page(request, qs), "when": when, "can_add": forms.managed_communities(request.user).exists(),
    })


@member_required
def activity_new(request):
    if not forms.managed_communities(request.user).exists():
        raise services.PermissionDenied
    form = forms.ActivityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        activity = apply(request, services.activity_create, **form.cleaned_data)
        if activity:
            return redirect("volunteers:activity_detail", pk=activity.pk)
    return render(request, "volunteers/form.html", {"form": form, "title": _("发布志愿活动")})


@member_required
def activity_detail(request, pk):
    activity = get_visible_or_404(Activity.objects.select_related("community", "estate", "team", "organiser"),
                                  request.user, pk=pk)
    person = _person(request)
    runs = services.can_run(request.user, activity)
    context = {
        "a": activity, "runs": runs,
        "mine": Participation.objects.filter(activity=activity, person=person).first() if person else None,
        "taken": activity.participations.exclude(status="cancelled").count(),
    }
    if runs:
        context["roster"] = activity.participations.select_related("person").order_by("status", "person__name")
        context["qr_url"] = request.build_absolute_uri(reverse("volunteers:checkin", args=[services.qr_token(activity)]))
    return render(request, "volunteers/activity_detail.html", context)


@require_POST
@member_required
def activity_sign_up(request, pk):
    activity = get_visible_or_404(Activity, request.user, pk=pk)
    person = _person(request)
    if person is None:
        raise Http404
    if request.POST.get("cancel"):
        part = Participation.objects.filter(activity=activity, person=person).first()
        if part and apply(request, services.activity_cancel_sign_up, participation=part):
            messages.success(request, _("已取消报名"))
    elif apply(request, services.activity_sign_up, activity=activity, person=person):
        messages.success(request, _("报名成功"))
    return redirect("volunteers:activity_detail", pk=pk)


@require_POST
@member_required
def activity_roster(request, pk):
    """The organiser checks a person in or out (or signs them up)."""
    activity = get_visible_or_404(Activity, request.user, pk=pk)
    if not services.can_run(request.user, activity):
        raise services.PermissionDenied
    person = get_visible_or_404(Person, request.user, pk=request.POST.get("person") or 0) if request.POST.get(
        "person", "").isdigit() else None
    if person is None:
        raise Http404
    action = request.POST.get("action")
    fn = {"in": services.activity_check_in, "out": services.activity_check_out,
          "signup": services.activity_sign_up}.get(action)
    if fn is None:
        raise Http404
    if apply(request, fn, activity=activity, person=person):
        messages.success(request, _("已登记：%(p)s") % {"p": person})
    return redirect("volunteers:activity_detail", pk=pk)


@member_required
def activity_qr(request, pk):
    """The QR code (SVG) of the activity's check-in address, for the organiser to show or print."""
    activity = get_visible_or_404(Activity, request.user, pk=pk)
    if not services.can_run(request.user, activity):
        raise services.PermissionDenied
    import segno

    url = request.build_absolute_uri(reverse("volunteers:checkin", args=[services.qr_token(activity)]))
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=6, border=2)
    return HttpResponse(buf.getvalue(), content_type="image/svg+xml")


@require_POST
@member_required
def activity_qr_renew(request, pk):
    activity = get_visible_or_404(Activity, request.user, pk=pk)
    if apply(request, services.activity_renew_qr, activity=activity):
        messages.success(request, _("已更换二维码，旧的二维码不再有效"))
    return redirect("volunteers:activity_detail", pk=pk)


@login_required
def checkin(request, token):
    """Opened by scanning the activity's QR code: check in, and later check out, with one tap."""
    activity = services.activity_for_token(token)
    person = _person(request)
    if activity is None or person is None:
        raise Http404
    if request.method == "POST":
        fn = services.activity_check_out if request.POST.get("action") == "out" else services.activity_check_in
        part = apply(request, fn, activity=activity, person=person, via=Participation.Via.QR)
        if part is not None:
            if part.status == Participation.Status.DONE:
                messages.success(request, _("签退成功：服务 %(h)s 小时，获得 %(p)s 积分") % {
                    "h": part.hours, "p": part.points})
            else:
                messages.success(request, _("签到成功"))
        return redirect("volunteers:checkin", token=token)
    part = Participation.objects.filter(activity=activity, person=person).first()
    return render(request, "volunteers/checkin.html", {"a": activity, "part": part,
                                                       "balance": services.balance(person)})


# -- points and rewards ----------------------------------------------------------------------------------------


@member_required
def points(request):
    """My ledger; for staff, the ledger of the communities they serve (with grants for admins)."""
    scope = scope_for(request.user)
    person = _person(request)
    form = forms.PointsForm(request.POST or None, user=request.user)
    pickers.take_query(form, request)
    if request.method == "POST":
        if not forms.managed_communities(request.user).exists():
            raise services.PermissionDenied
        if form.is_valid() and apply(request, services.points_adjust, **form.cleaned_data):
            messages.success(request, _("已记入积分流水"))
            return redirect("volunteers:points")
    if scope.is_staff_member:
        qs = PointsEntry.objects.visible_to(request.user)
    else:
        qs = PointsEntry.objects.filter(account__person=person)
    qs = qs.select_related("account__person", "community", "estate", "actor")
    return render(request, "volunteers/points.html", {
        "page": _page(request, qs), "form": form, "staff": scope.is_staff_member,
        "balance": services.balance(person) if person else None,
        "can_grant": forms.managed_communities(request.user).exists(),
    })


@require_POST
@member_required
def points_reverse(request, pk):
    entry = get_visible_or_404(PointsEntry.objects.select_related("account__person", "community"), request.user, pk=pk)
    if apply(request, services.points_reverse, entry=entry, reason=request.POST.get("reason", "")):
        messages.success(request, _("已冲正"))
    return redirect("volunteers:points")


@member_required
def reward_list(request):
    form = forms.RewardForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not forms.managed_communities(request.user).exists():
            raise services.PermissionDenied
        if form.is_valid() and apply(request, services.reward_create, **form.cleaned_data):
            messages.success(request, _("已上架"))
            return redirect("volunteers:reward_list")
    person = _person(request)
    rewards = Reward.objects.visible_to(request.user).filter(active=True).select_related("community")
    return render(request, "volunteers/reward_list.html", {
        "rewards": rewards, "form": form, "balance": services.balance(person) if person else None,
        "person": person, "can_add": forms.managed_communities(request.user).exists(),
    })


@require_POST
@member_required
def reward_redeem(request, pk):
    reward = get_visible_or_404(Reward, request.user, pk=pk)
    person = _person(request)
    if person is None:
        raise Http404
    quantity = int(request.POST.get("quantity", "1") or 1) if request.POST.get("quantity", "1").isdigit() else 1
    redemption = apply(request, services.redeem, reward=reward, person=person, quantity=quantity)
    if redemption:
        messages.success(request, _("兑换成功：%(n)s，扣除 %(p)s 积分。请到社区领取。") % {
            "n": reward.name, "p": redemption.points})
    return redirect("volunteers:reward_list")


@member_required
def redemption_list(request):
    scope = scope_for(request.user)
    qs = Redemption.objects.visible_to(request.user) if scope.is_staff_member else Redemption.objects.filter(
        person_id=scope.person_id)
    qs = qs.select_related("reward__community", "person")
    return render(request, "volunteers/redemption_list.html", {"page": _page(request, qs)})


@require_POST
@member_required
def redemption_action(request, pk):
    redemption = get_visible_or_404(Redemption.objects.select_related("reward__community", "person"), request.user,
                                    pk=pk)
    if request.POST.get("action") == "void":
        done = apply(request, services.redemption_void, redemption=redemption, reason=request.POST.get("reason", ""))
    else:
        done = apply(request, services.redemption_hand_over, redemption=redemption)
    if done:
        messages.success(request, _("已更新"))
    return redirect("volunteers:redemption_list")


# -- rankings and the 红黑榜 ------------------------------------------------------------------------------------


def _period(request):
    today = timezone.localdate()
    try:
        start = datetime.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today.replace(day=1)
    try:
        end = datetime.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    return start, min(max(end, start), start + datetime.timedelta(days=366))


@member_required
@replica_reads
def rankings(request):
    """Rankings per community and per estate for a period (staff see names, residents see masked names)."""
    start, end = _period(request)
    scope = scope_for(request.user)
    communities = Division.objects.visible_to(request.user).filter(level="community").order_by("path")
    estates = Estate.objects.visible_to(request.user).order_by("name")
    community = communities.filter(pk=request.GET.get("community") or 0).first() if request.GET.get(
        "community", "").isdigit() else communities.first()
    estate = estates.filter(pk=request.GET.get("estate")).first() if request.GET.get("estate", "").isdigit() else None
    rows = selectors.ranking(start=start, end=end, community=None if estate else community, estate=estate,
                             limit=50) if (community or estate) else []
    return render(request, "volunteers/rankings.html", {
        "rows": rows, "start": start, "end": end, "communities": communities, "estates": estates,
        "community": community, "estate": estate, "full_names": scope.is_staff_member,
    })


@replica_reads
def board_page(request, code):
    """The public 红黑榜 of a community, its rules beside it; names are masked, nothing else is shown."""
    community = Division.objects.filter(code=code, level=Division.Level.COMMUNITY).first()
    if community is None:
        raise Http404
    form = None
    if request.user.is_authenticated and can_manage(request.user, community):
        form = forms.BoardEntryForm(request.POST or None, user=request.user)
        pickers.take_query(form, request)
        if request.method == "POST":
            if request.POST.get("void"):
                entry = BoardEntry.objects.filter(community=community, pk=request.POST.get("void")).first()
                if entry and apply(request, services.board_entry_void, entry=entry,
                                   reason=request.POST.get("reason", "")):
                    messages.success(request, _("已撤下"))
                return redirect("volunteers:board", code=code)
            if form.is_valid() and apply(request, services.board_entry_add, community=community,
                                         **form.cleaned_data):
                messages.success(request, _("已登记"))
                return redirect("volunteers:board", code=code)
    elif request.method == "POST":
        if scope_for(request.user).is_member:
            raise services.PermissionDenied
        raise Http404
    return render(request, "volunteers/board.html", {"community": community, "b": selectors.board(community=community),
                                                     "form": form})


@staff_required
def people_search(request):
    """htmx: the person picker of the volunteer forms (registering a volunteer, points, the board, a need, a wish), among
    the people the user sees; only for those who run a community's volunteers (others 404)."""
    if not forms.managed_communities(request.user).exists() and not scope_for(request.user).sees_sensitive:
        raise Http404
    # The field's name is that of the form's picker: "person", or the wish form's "beneficiary".
    name = "beneficiary" if "beneficiary_q" in request.GET else "person"
    return pickers.picker_results(request, Person.objects.visible_to(request.user), name=name)
