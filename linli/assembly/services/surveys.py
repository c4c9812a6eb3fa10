"""Surveys that ask every household (逐户征求意见): drafting, publishing, closing, and one answer per home.

A survey is an opinion survey, not a vote (see linli/assembly/models/surveys.py): it counts homes, not area, and
decides nothing under Civil Code art. 278. Who may do what: linli/assembly/permissions.py (the surveys block).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assembly import permissions
from linli.assembly.models import Survey, SurveyOption, SurveyQuestion, SurveyResponse
from linli.notify.services import notify, recipients
from linli.people.models import Occupancy, Organization, User
from linli.people.scopes import scope_for
from linli.places.models import Building, Division, Estate, Home

MAX_QUESTIONS = 20
MAX_OPTIONS = 12
MAX_TEXT = 500  # characters of one text answer
MAX_DAYS = 92  # a survey is open for at most about three months


def _place(scope: str, *, estate, building, community):
    if scope == Survey.Scope.BUILDING:
        if building is None:
            raise ValidationError({"building": _("楼栋征询必须指定楼栋")})
        return building.estate.community, building.estate, building
    if scope == Survey.Scope.ESTATE:
        if estate is None:
            raise ValidationError({"estate": _("小区征询必须指定小区")})
        return estate.community, estate, None
    if scope == Survey.Scope.COMMUNITY:
        if community is None or community.level != Division.Level.COMMUNITY:
            raise ValidationError({"community": _("社区征询必须指定社区")})
        return community, None, None
    raise ValidationError({"scope": _("未知的征询范围")})


def _clean_questions(questions) -> list[dict]:
    out = []
    for q in questions:
        text = (q.get("text") or "").strip()
        if not text:
            continue
        kind = q.get("kind") or SurveyQuestion.Kind.SINGLE
        if kind not in SurveyQuestion.Kind.values:
            raise ValidationError({"questions": _("第%(n)s题：未知的题型") % {"n": len(out) + 1}})
        options = [o.strip() for o in q.get("options") or [] if o and o.strip()]
        if kind == SurveyQuestion.Kind.TEXT:
            options = []
        elif len(options) < 2:
            raise ValidationError({"questions": _("第%(n)s题：选择题至少要有两个选项") % {"n": len(out) + 1}})
        elif len(options) > MAX_OPTIONS:
            raise ValidationError({"questions": _("第%(n)s题：选项最多%(m)s个") % {"n": len(out) + 1, "m": MAX_OPTIONS}})
        out.append({"text": text[:300], "kind": kind, "required": bool(q.get("required", True)),
                    "options": [o[:150] for o in options]})
    if not out:
        raise ValidationError({"questions": _("请至少填写一个问题")})
    if len(out) > MAX_QUESTIONS:
        raise ValidationError({"questions": _("问题最多%(m)s个") % {"m": MAX_QUESTIONS}})
    return out


@transaction.atomic
def survey_create(*, title: str, scope: str, opens_on: datetime.date, closes_on: datetime.date, questions,
                  actor, intro: str = "", estate: Estate | None = None, building: Building | None = None,
                  community: Division | None = None, now=None) -> Survey:
    """Draft a survey with its questions (``questions``: dicts of text, kind, required, options). Drafted by a
    committee member (not an admin of the area), it is the committee's survey (Beijing art. 44(5), art. 56)."""
    community, estate, building = _place(scope, estate=estate, building=building, community=community)
    permissions.require(permissions.can_draft_survey(actor, estate=estate, community=community),
                        _("只有本区域的管理员或本小区业委会/物管会成员可以发起意见征询"))
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写标题")})
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("截止日期不能早于开始日期")})
    if (closes_on - opens_on).days > MAX_DAYS:
        raise ValidationError({"closes_on": _("征询期最长%(d)s天") % {"d": MAX_DAYS}})
    cleaned = _clean_questions(questions)
    committee = None
    if not permissions.can_write(actor, estate=estate, division=community if estate is None else None):
        committee = Organization.objects.filter(
            pk__in=scope_for(actor).committee_org_ids, estate=estate).order_by("pk").first()
    survey = Survey.objects.create(title=title.strip(), intro=(intro or "").strip(), scope=scope, community=community,
                                   estate=estate, building=building, opens_on=opens_on, closes_on=closes_on,
                                   committee=committee, created_by=actor, created_at=now or timezone.now())
    for position, q in enumerate(cleaned, start=1):
        question = SurveyQuestion.objects.create(survey=survey, position=position, kind=q["kind"], text=q["text"],
                                                 required=q["required"])
        SurveyOption.objects.bulk_create(SurveyOption(question=question, position=i, label=label)
                                         for i, label in enumerate(q["options"], start=1))
    return survey


@transaction.atomic
def survey_publish(*, survey: Survey, actor, now=None) -> Survey:
    """Publish a draft: from now its questions are fixed and the homes may answer from ``opens_on``. A committee's
    survey goes live without the street's review (it decides nothing); the street can close it."""
    permissions.require(permissions.can_run_survey(actor, survey))
    now = now or timezone.now()
    if survey.published_at is not None:
        raise ValidationError(_("征询已发布"))
    if survey.closed_at is not None:
        raise ValidationError(_("征询已关闭"))
    if survey.closes_on < timezone.localdate(now):
        raise ValidationError({"closes_on": _("截止日期已过，不能发布")})
    survey.published_at, survey.published_by = now, actor
    survey.save(update_fields=["published_at", "published_by"])
    _tell_residents(survey)
    return survey


def _tell_residents(survey: Survey) -> None:
    """One notification per person living now in the homes asked (inbox and their channel), once per survey."""
    homes = Occupancy.objects.current().filter(home__in=survey.homes())
    users = recipients(User.objects.filter(is_active=True, person_id__in=homes.values("person_id")))
    notify(users=list(users), title=_("意见征询：%(t)s") % {"t": survey.title},
           body=_("请每户答复，截止 %(d)s；这是意见征询，不是业主表决") % {"d": survey.closes_on.isoformat()},
           kind="survey", link=reverse("assembly:survey_answer", args=[survey.pk]), key=f"survey:{survey.pk}")


@transaction.atomic
def survey_close(*, survey: Survey, reason: str, actor, now=None) -> Survey:
    """Close a survey early (or withdraw a draft), with who and why; the answers given stay."""
    permissions.require(permissions.can_close_survey(actor, survey), _("只有发起方或街道、社区可以关闭征询"))
    if survey.closed_at is not None:
        raise ValidationError(_("征询已关闭"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写关闭原因")})
    survey.closed_at, survey.closed_by, survey.closed_reason = now or timezone.now(), actor, reason.strip()[:200]
    survey.save(update_fields=["closed_at", "closed_by", "closed_reason"])
    return survey


def _clean_answers(survey: Survey, answers: dict) -> dict:
    """``answers`` by question id (int or str): a list of option ids (or one) for a choice, a text for a text
    question. Every required question answered, a single choice exactly one option of its own question."""
    out, errors = {}, []
    for q in survey.questions.prefetch_related("options"):
        raw = answers.get(q.pk, answers.get(str(q.pk)))
        if q.is_choice:
            values = raw if isinstance(raw, list | tuple) else ([raw] if raw not in (None, "") else [])
            try:
                picked = sorted({int(v) for v in values})
            except (TypeError, ValueError):
                picked = [-1]
            valid = {o.pk for o in q.options.all()}
            if any(p not in valid for p in picked):
                errors.append(_("第%(n)s题：选项无效") % {"n": q.position})
                continue
            if q.kind == SurveyQuestion.Kind.SINGLE and len(picked) > 1:
                errors.append(_("第%(n)s题：只能选一项") % {"n": q.position})
                continue
            if picked:
                out[str(q.pk)] = picked
        else:
            text = (raw or "").strip() if isinstance(raw, str) else ""
            if len(text) > MAX_TEXT:
                errors.append(_("第%(n)s题：最多%(m)s字") % {"n": q.position, "m": MAX_TEXT})
                continue
            if text:
                out[str(q.pk)] = text
        if q.required and str(q.pk) not in out:
            errors.append(_("第%(n)s题为必答题") % {"n": q.position})
    if errors:
        raise ValidationError({"answers": errors})
    return out


def current_response(survey: Survey, home) -> SurveyResponse | None:
    """The home's answer that counts: the latest, which no correction supersedes."""
    return SurveyResponse.objects.filter(survey=survey, home=home, superseded_by__isnull=True).first()


@transaction.atomic
def survey_answer(*, survey: Survey, home: Home, answers: dict, actor, channel: str = SurveyResponse.Channel.ONLINE,
                  paper_no: str = "", replace: bool = False, now=None) -> SurveyResponse:
    """Record a home's answer (逐户, one per home). Online by an occupant of the home; from a paper form by the staff
    or a volunteer who entered it (with the form's number). The first answer counts; a later one is a correction,
    a new row that supersedes it (a paper form over an existing answer only with ``replace``, so that a form is
    never entered twice by mistake). Nothing is changed or deleted."""
    if channel == SurveyResponse.Channel.ONLINE:
        permissions.require(permissions.can_answer_survey_online(actor, survey, home), _("只能为本人居住的房屋答复"))
    elif channel == SurveyResponse.Channel.PAPER:
        permissions.require(permissions.can_enter_survey_paper(actor, survey), _("只有工作人员或志愿者可以录入纸质表"))
        if not survey.covers(home):
            raise ValidationError({"home": _("该房屋不在本次征询范围内")})
        paper_no = (paper_no or "").strip()
        if not paper_no:
            raise ValidationError({"paper_no": _("请填写纸质表编号")})
    else:
        raise ValidationError({"channel": _("未知的答复方式")})
    now = now or timezone.now()
    if not survey.is_open(timezone.localdate(now)):
        raise ValidationError(_("不在征询期内，不能答复"))
    cleaned = _clean_answers(survey, answers)
    # One answer per home: the home's rows are taken in order; the constraints refuse a second first answer and a
    # second correction of the same row if two arrive at once.
    list(Home.objects.select_for_update().filter(pk=home.pk))
    before = current_response(survey, home)
    if before is not None and channel == SurveyResponse.Channel.PAPER and not replace:
        raise ValidationError({"replace": _("该户已于%(at)s答复（%(how)s）；如纸质表是更正，请勾选“更正该户答复”") % {
            "at": timezone.localtime(before.at).strftime("%Y-%m-%d %H:%M"), "how": before.get_channel_display()}})
    person_id = getattr(actor, "person_id", None) if channel == SurveyResponse.Channel.ONLINE else None
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                survey=survey, home=home, kind=channel, actor=actor, person_id=person_id, at=now,
                paper_no=paper_no[:40], supersedes=before, data={"answers": cleaned})
    except IntegrityError:
        raise ValidationError(_("该户的答复刚刚已由他人提交，请刷新后再试")) from None
