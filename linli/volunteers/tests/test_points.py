"""Volunteers, activities and the points ledger: the rules as functions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.core.events import AppendOnlyError
from linli.volunteers import services as s
from linli.volunteers.models import Participation, PointsEntry, Redemption, Volunteer
from linli.volunteers.selectors import board, ranking

T0 = datetime.datetime(2026, 3, 7, 9, 0, tzinfo=datetime.UTC)


def _activity(vworld, **kw):
    data = dict(title="垃圾分类值守", kind="garbage", community=vworld.c1, estate=vworld.estate_a,
                starts_at=T0, ends_at=T0 + datetime.timedelta(hours=3), points_fixed=5, points_per_hour=10,
                points_cap=30)
    data.update(kw)
    return s.activity_create(actor=vworld.community_admin, **data)


def test_a_resident_can_enrol_themselves_as_a_volunteer_of_their_community(world):
    world.resident_a.person = world.resident
    v = s.volunteer_enrol(actor=world.resident_a, person=world.resident, skills=["companionship"], weekdays=[1])
    assert (v.community, v.skills, v.weekdays, v.badge) == (world.c1, ["companionship"], [1], "")


def test_only_the_community_gives_a_badge(world):
    with pytest.raises(PermissionDenied):
        s.volunteer_enrol(actor=world.resident_a, person=world.resident, badge="red_steward")
    v = s.volunteer_enrol(actor=world.community_admin, person=world.resident, badge="red_steward")
    assert v.get_badge_display() == "红管家"


def test_a_property_manager_cannot_enrol_volunteers(world):
    with pytest.raises(PermissionDenied):
        s.volunteer_enrol(actor=world.manager_a, person=world.resident)
    assert Volunteer.objects.count() == 0


def test_only_a_party_member_can_show_party_identity(world):
    with pytest.raises(ValidationError) as refused:
        s.volunteer_enrol(actor=world.community_admin, person=world.resident, shows_party_identity=True)
    assert list(refused.value.message_dict) == ["shows_party_identity"]
    v = s.volunteer_enrol(actor=world.community_admin, person=world.neighbour, shows_party_identity=True,
                          duty="楼栋长", pledge="每周巡查一次")
    assert v.shows_party_identity is True


def test_unknown_skills_are_refused(world):
    with pytest.raises(ValidationError) as refused:
        s.volunteer_enrol(actor=world.community_admin, person=world.resident, skills=["flying"])
    assert list(refused.value.message_dict) == ["skills"]


def test_the_points_rule_counts_full_hours_and_is_capped(vworld):
    a = _activity(vworld)
    assert [s.points_for(a, m) for m in (0, 59, 60, 119, 120, 180, 600)] == [5, 5, 15, 15, 25, 30, 30]


def test_hours_count_only_inside_the_activity_time(vworld):
    a = _activity(vworld)
    early, late = T0 - datetime.timedelta(minutes=20), T0 + datetime.timedelta(hours=4)
    assert s.counted_minutes(a, early, late) == 180
    assert s.counted_minutes(a, T0 + datetime.timedelta(minutes=15), T0 + datetime.timedelta(minutes=100)) == 85


def test_sign_up_check_in_and_out_by_the_organiser_grants_the_rule_points(vworld):
    a = _activity(vworld)
    p = vworld.neighbour
    s.activity_sign_up(actor=vworld.volunteer_a, activity=a, person=p, now=T0 - datetime.timedelta(days=1))
    s.activity_check_in(actor=vworld.community_admin, activity=a, person=p, now=T0 - datetime.timedelta(minutes=5))
    part = s.activity_check_out(actor=vworld.community_admin, activity=a, person=p,
                                now=T0 + datetime.timedelta(minutes=130))
    assert (part.status, part.minutes, part.points, part.checked_in_via) == ("done", 130, 25, "organiser")
    assert s.balance(p) == 25
    entry = PointsEntry.objects.get()
    assert (entry.kind, entry.amount, entry.community, entry.estate) == ("activity", 25, vworld.c1, vworld.estate_a)


def test_checking_out_twice_grants_points_once(vworld):
    a = _activity(vworld)
    p = vworld.neighbour
    s.activity_check_in(actor=vworld.community_admin, activity=a, person=p, now=T0)
    s.activity_check_out(actor=vworld.community_admin, activity=a, person=p, now=T0 + datetime.timedelta(hours=1))
    s.activity_check_out(actor=vworld.community_admin, activity=a, person=p, now=T0 + datetime.timedelta(hours=2))
    assert (s.balance(p), PointsEntry.objects.count()) == (15, 1)


def test_a_qr_scan_checks_in_only_the_person_scanning(vworld):
    a = _activity(vworld)
    with pytest.raises(PermissionDenied):
        s.activity_check_in(actor=vworld.volunteer_a, activity=a, person=vworld.wang, via="qr", now=T0)
    part = s.activity_check_in(actor=vworld.volunteer_a, activity=a, person=vworld.neighbour, via="qr", now=T0)
    assert (part.status, part.checked_in_via) == ("checked_in", "qr")


def test_a_qr_code_does_not_work_long_before_or_after_the_activity(vworld):
    a = _activity(vworld)
    for when, message in ((T0 - datetime.timedelta(minutes=31), "活动还没有开始签到"),
                          (T0 + datetime.timedelta(hours=3, minutes=31), "活动已结束，二维码失效")):
        with pytest.raises(ValidationError, match=message):
            s.activity_check_in(actor=vworld.volunteer_a, activity=a, person=vworld.neighbour, via="qr", now=when)
    assert Participation.objects.count() == 0


def test_a_volunteer_cannot_check_someone_else_in_as_organiser(vworld):
    a = _activity(vworld)
    with pytest.raises(PermissionDenied):
        s.activity_check_in(actor=vworld.volunteer_a, activity=a, person=vworld.wang, now=T0)


def test_the_qr_token_names_the_activity_and_stops_working_when_renewed(vworld):
    a = _activity(vworld)
    token = s.qr_token(a)
    assert s.activity_for_token(token) == a
    assert s.activity_for_token(token[:-2] + "xx") is None
    s.activity_renew_qr(actor=vworld.community_admin, activity=a)
    assert s.activity_for_token(token) is None
    assert s.activity_for_token(s.qr_token(a)) == a


def test_a_full_activity_refuses_more_sign_ups(vworld):
    a = _activity(vworld, capacity=1)
    s.activity_sign_up(actor=vworld.volunteer_a, activity=a, person=vworld.neighbour, now=T0)
    with pytest.raises(ValidationError, match="名额已满"):
        s.activity_sign_up(actor=vworld.volunteer_b, activity=a, person=vworld.wang, now=T0)


def _grant(vworld, person, amount, reason="楼道清理", when=None):
    return s.points_adjust(actor=vworld.community_admin, person=person, amount=amount, reason=reason,
                           community=vworld.c1, estate=vworld.estate_a, now=when)


def test_points_by_hand_need_a_reason_and_an_admin(vworld):
    with pytest.raises(ValidationError) as refused:
        _grant(vworld, vworld.neighbour, 10, reason=" ")
    assert list(refused.value.message_dict) == ["reason"]
    with pytest.raises(PermissionDenied):
        s.points_adjust(actor=vworld.grid_worker, person=vworld.neighbour, amount=10, reason="x", community=vworld.c1)
    _grant(vworld, vworld.neighbour, 10)
    assert s.balance(vworld.neighbour) == 10


def test_a_deduction_can_never_take_the_balance_below_zero(vworld):
    _grant(vworld, vworld.neighbour, 10)
    with pytest.raises(ValidationError) as refused:
        _grant(vworld, vworld.neighbour, -11, reason="扣减")
    assert list(refused.value.message_dict) == ["amount"]
    _grant(vworld, vworld.neighbour, -10, reason="扣减")
    assert s.balance(vworld.neighbour) == 0


def test_the_ledger_is_append_only(vworld):
    entry = _grant(vworld, vworld.neighbour, 10)
    entry.amount = 1000
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert PointsEntry.objects.get().amount == 10


def test_a_reversal_is_a_new_opposite_entry_and_only_once(vworld):
    entry = _grant(vworld, vworld.neighbour, 10)
    rev = s.points_reverse(actor=vworld.community_admin, entry=entry, reason="登记错人")
    assert (rev.amount, rev.kind, rev.reverses) == (-10, "reversal", entry)
    with pytest.raises(ValidationError, match="该记录已冲正"):
        s.points_reverse(actor=vworld.community_admin, entry=entry, reason="再来一次")
    assert (s.balance(vworld.neighbour), PointsEntry.objects.count()) == (0, 2)


def _reward(vworld, stock=1, cost=20):
    return s.reward_create(actor=vworld.community_admin, community=vworld.c1, name="环保袋", cost=cost, stock=stock)


def test_a_redemption_takes_points_and_stock_together(vworld):
    _grant(vworld, vworld.neighbour, 50)
    reward = _reward(vworld, stock=3)
    r = s.redeem(actor=vworld.volunteer_a, reward=reward, person=vworld.neighbour, quantity=2)
    reward.refresh_from_db()
    assert (r.points, reward.stock, s.balance(vworld.neighbour)) == (40, 1, 10)


def test_a_redemption_without_enough_points_changes_nothing(vworld):
    _grant(vworld, vworld.neighbour, 19)
    reward = _reward(vworld)
    with pytest.raises(ValidationError, match="积分不足"):
        s.redeem(actor=vworld.volunteer_a, reward=reward, person=vworld.neighbour)
    reward.refresh_from_db()
    assert (reward.stock, s.balance(vworld.neighbour), Redemption.objects.count()) == (1, 19, 0)


def test_the_last_item_goes_to_one_person_only(vworld):
    _grant(vworld, vworld.neighbour, 50)
    _grant(vworld, vworld.wang, 50)
    reward = _reward(vworld, stock=1)
    s.redeem(actor=vworld.volunteer_a, reward=reward, person=vworld.neighbour)
    with pytest.raises(ValidationError, match="库存不足"):
        s.redeem(actor=vworld.volunteer_b, reward=reward, person=vworld.wang)
    assert (s.balance(vworld.neighbour), s.balance(vworld.wang)) == (30, 50)


def test_nobody_spends_someone_elses_points(vworld):
    _grant(vworld, vworld.wang, 50)
    with pytest.raises(PermissionDenied):
        s.redeem(actor=vworld.volunteer_a, reward=_reward(vworld), person=vworld.wang)


def test_voiding_a_redemption_gives_back_points_and_stock(vworld):
    _grant(vworld, vworld.neighbour, 50)
    reward = _reward(vworld, stock=1)
    r = s.redeem(actor=vworld.volunteer_a, reward=reward, person=vworld.neighbour)
    r = s.redemption_void(actor=vworld.community_admin, redemption=r, reason="居民放弃")
    reward.refresh_from_db()
    assert (reward.stock, s.balance(vworld.neighbour), r.status) == (1, 50, "voided")
    with pytest.raises(ValidationError, match="已领取或已作废的兑换不能作废"):
        s.redemption_void(actor=vworld.community_admin, redemption=r, reason="再来一次")


def test_the_ranking_counts_earned_points_in_the_period_and_shares_ranks(vworld):
    day = timezone.localdate()
    now = timezone.now()
    _grant(vworld, vworld.neighbour, 30, when=now)
    _grant(vworld, vworld.wang, 30, when=now)
    _grant(vworld, vworld.resident, 10, when=now)
    _grant(vworld, vworld.resident, 100, when=now - datetime.timedelta(days=40))  # outside the period
    reward = _reward(vworld, stock=5, cost=25)
    s.redeem(actor=vworld.volunteer_a, reward=reward, person=vworld.neighbour)  # spending does not lower the rank
    rows = ranking(start=day - datetime.timedelta(days=29), end=day, community=vworld.c1)
    assert [(r.rank, r.name, r.points) for r in rows] == [(1, "李建国", 30), (1, "王芳", 30), (3, "周莲秀", 10)]
    assert [r.masked_name for r in rows] == ["李**", "王*", "周**"]
    assert ranking(start=day, end=day, estate=vworld.estate_b) == []


def test_the_board_shows_masked_names_and_its_rules(vworld):
    _grant(vworld, vworld.neighbour, 30)
    s.board_entry_add(actor=vworld.community_admin, community=vworld.c1, kind="black", person=vworld.wang,
                      reason="楼道堆物经三次劝导未清理")
    b = board(community=vworld.c1)
    assert [r.masked_name for r in b["top"]] == ["李**"]
    assert [(e.public_name, e.reason) for e in b["black"]] == [("王*", "楼道堆物经三次劝导未清理")]
    assert "前 10 名" in b["rules"][0]
