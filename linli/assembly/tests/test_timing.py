"""Issue 15 item 3: a vote has a notice period before it opens and a minimum voting period, per city.

Reproduced on the demo: a seven-minute vote was accepted. 物业管理条例 art. 14 and Beijing art. 35: the meeting is
announced 15 days before; the minimum voting period is Linli's documented default (seven days, linli/assembly/rules.py).
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from linli.assembly import rules, services
from linli.assembly.models import Motion, MotionEvent
from linli.core.testing import DAY, HOUR
from linli.places.models import Division, Estate

MINUTE = timezone.timedelta(minutes=1)


def create(world, *, opens_at, closes_at, estate=None, **kw):
    return services.motion_create(estate=estate or world.estate_a, matter="use_repair_fund", title="维修屋面",
                                  opens_at=opens_at, closes_at=closes_at, actor=world.street_admin, **kw)


def test_a_seven_minute_vote_is_refused(world):
    """The reproduction: announced 16 days ahead (notice met), open for seven minutes."""
    opens = timezone.now() + 16 * DAY
    with pytest.raises(ValidationError) as refused:
        create(world, opens_at=opens, closes_at=opens + 7 * MINUTE)
    assert list(refused.value.message_dict) == ["closes_at"]
    assert "表决期不得少于 7 日（最短表决期" in refused.value.messages[0]
    assert Motion.objects.count() == 0


def test_a_vote_opening_before_the_notice_period_is_refused_naming_the_article(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        create(world, opens_at=now + HOUR, closes_at=now + 10 * DAY)
    assert list(refused.value.message_dict) == ["opens_at"]
    assert "公告后至少 15 日（通知期，《物业管理条例》第十四条）" in refused.value.messages[0]
    create(world, opens_at=now + 15 * DAY + MINUTE, closes_at=now + 22 * DAY + MINUTE)  # the periods: accepted


def test_beijing_estates_cite_the_beijing_regulation(world):
    beijing = Division.objects.create(name="东城区", code="110101", level="district")
    street = Division.objects.create(name="东华门街道", code="110101001", level="street", parent=beijing)
    community = Division.objects.create(name="多福巷社区", code="110101001001", level="community", parent=street)
    estate = Estate.objects.create(name="北京小区", community=community, kind="old")
    assert rules.rules_for(estate).notice_source == "《北京市物业管理条例》第三十五条"
    assert rules.rules_for(world.estate_a).notice_source == "《物业管理条例》第十四条"


def test_a_city_configures_its_own_periods(world, settings):
    settings.LINLI_VOTE_RULES = {"5001": {"notice_days": 20, "min_voting_days": 10}, "500104": {"notice_days": 18}}
    r = rules.rules_for(world.estate_a)  # district 500104: the longest prefix wins
    assert (r.notice_days, r.min_voting_days) == (18, 7)
    now = timezone.now()
    with pytest.raises(ValidationError, match="公告后至少 18 日"):
        create(world, opens_at=now + 16 * DAY, closes_at=now + 30 * DAY)
    settings.LINLI_VOTE_RULES = {"5001": {"notice_days": 20, "min_voting_days": 10}}
    with pytest.raises(ValidationError, match="表决期不得少于 10 日（最短表决期，本市配置）"):
        create(world, opens_at=now + 21 * DAY, closes_at=now + 28 * DAY)


def test_a_documented_exception_is_recorded_and_shown(world, client_for):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        create(world, opens_at=now + HOUR, closes_at=now + 2 * DAY, timing_exception="屋面漏雨，紧急维修")
    assert list(refused.value.message_dict) == ["timing_exception_document"]
    motion = create(world, opens_at=now + HOUR, closes_at=now + 2 * DAY, timing_exception="屋面漏雨，紧急维修",
                    timing_exception_document="九宫庙街道〔2026〕12号")
    assert motion.has_timing_exception
    assert MotionEvent.objects.get(motion=motion, kind="created").data["timing_exception"] == {
        "reason": "屋面漏雨，紧急维修", "document": "九宫庙街道〔2026〕12号"}
    services.motion_open(motion=motion, actor=world.street_admin)
    page = client_for("street_admin").get(reverse("assembly:motion_detail", args=[motion.pk])).content.decode()
    assert "屋面漏雨，紧急维修" in page and "九宫庙街道〔2026〕12号" in page


def test_opening_checks_the_periods_again(world, settings):
    """A draft made under one city rule is opened under the rule in force when it opens."""
    now = timezone.now()
    motion = create(world, opens_at=now + 16 * DAY, closes_at=now + 23 * DAY)
    settings.LINLI_VOTE_RULES = {"500104": {"notice_days": 30}}
    with pytest.raises(ValidationError, match="公告后至少 30 日"):
        services.motion_open(motion=motion, actor=world.street_admin)
    assert Motion.objects.get().status == "draft"


def test_the_form_names_the_rule_and_keeps_the_draft_unmade(world, client_for):
    now = timezone.localtime()
    data = {"estate": world.estate_a.pk, "matter": "use_repair_fund", "title": "维修屋面",
            "opens_at": (now + 16 * DAY).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + 16 * DAY + 7 * MINUTE).strftime("%Y-%m-%dT%H:%M")}
    response = client_for("community_admin").post(reverse("assembly:motion_new"), data)
    assert response.status_code == 200
    assert "最短表决期" in str(response.context["form"].errors["closes_at"])
    assert Motion.objects.count() == 0


def test_the_api_refuses_a_seven_minute_vote(world, client_for):
    from linli.core.testing import post

    opens = timezone.now() + 16 * DAY
    response = post(client_for("street_admin"), "/api/v1/assembly/motions/", {
        "estate": world.estate_a.pk, "matter": "use_repair_fund", "title": "维修屋面", "opens_at": opens.isoformat(),
        "closes_at": (opens + 7 * MINUTE).isoformat()})
    assert response.status_code == 400 and "最短表决期" in response.content.decode()
