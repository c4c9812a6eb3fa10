"""`linli retention`: personal data past its period is cleared or deleted, once; --dry-run changes nothing."""

import datetime
import io

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone

from linli.care import services as care
from linli.care.models import CareSubject, Problem, Visit
from linli.core.exports import command_username
from linli.core.testing import add_volunteers
from linli.notify.models import Notification
from linli.notify.services import notify
from linli.people.models import AccessLog, ApiKey, AuditEvent
from linli.workorders.models import Status, WorkOrder, WorkOrderEvent
from linli.workorders.retention import mask_numbers

NOW = timezone.now()
YEARS_AGO = NOW - datetime.timedelta(days=4 * 365)
LAST_MONTH = NOW - datetime.timedelta(days=30)


def order(code, *, status, closed_at=None, event_at=None, **fields):
    defaults = {"channel": "h5", "text": "楼道灯坏了，请打 138-1234-5678 找我", "title": "灯坏了 13812345678",
                "contact_name": "王先生", "contact_phone": "13812345678", "reply_text": "已修好，回电 023 6888 1234"}
    o = WorkOrder.objects.create(code=code, status=status, closed_at=closed_at, **{**defaults, **fields})
    WorkOrderEvent.objects.create(order=o, kind="create", at=event_at or closed_at or NOW,
                                  note="来电 13812345678，3栋2单元")
    return o


@pytest.fixture
def old_data(world, settings):
    """A world with personal data on both sides of every period."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"  # the sessions below live in the database
    w = add_volunteers(world)
    data = {
        "closed_old": order("WO-1", status=Status.CLOSED, closed_at=YEARS_AGO, reporter=w.resident),
        "cancelled_old": order("WO-2", status=Status.CANCELLED, event_at=YEARS_AGO),
        "closed_recent": order("WO-3", status=Status.CLOSED, closed_at=LAST_MONTH),
        "open_old": order("WO-4", status=Status.DISPATCHED, event_at=YEARS_AGO),
    }
    subject = care.subject_enrol(actor=w.community_admin, person=w.resident, guardian_contact="女儿 13900001111",
                                 note="独居，有高血压")
    plan = care.plan_create(actor=w.community_admin, subject=subject, frequency="weekly", visitors=[w.volunteer_a])
    visit = care.visit_record(actor=w.volunteer_a, subject=subject, visited_at=YEARS_AGO, condition="good",
                              notes="血压偏高", problems=["水管漏水"])
    notify(users=[w.volunteer_a], title="请探访周莲秀", kind="care", link=f"/care/subjects/{subject.pk}/",
           key=care.care_key(plan.pk, YEARS_AGO.date()))
    care.subject_close(actor=w.community_admin, subject=subject, reason="搬去女儿家")
    kept = care.subject_enrol(actor=w.community_admin, person=w.neighbour, kinds=["hardship"], guardian_contact="儿子",
                              note="在关护中")
    CareSubject.objects.filter(pk=subject.pk).update(closed_at=YEARS_AGO)
    AccessLog.objects.create(actor=w.community_admin, person=w.resident, at=YEARS_AGO)
    AccessLog.objects.create(actor=w.community_admin, person=w.resident, at=LAST_MONTH)
    AuditEvent.objects.create(kind="login", username="old", at=YEARS_AGO)
    AuditEvent.objects.create(kind="login", username="recent", at=LAST_MONTH)
    ApiKey.objects.create(name="old", user=w.street_admin, prefix="a", key_hash="a", revoked_at=YEARS_AGO)
    ApiKey.objects.create(name="recent", user=w.street_admin, prefix="b", key_hash="b", revoked_at=LAST_MONTH)
    ApiKey.objects.create(name="live", user=w.street_admin, prefix="c", key_hash="c", created_at=YEARS_AGO)
    Session.objects.create(session_key="expired", session_data="", expire_date=LAST_MONTH)
    Session.objects.create(session_key="live", session_data="", expire_date=NOW + datetime.timedelta(days=1))
    return {**data, "subject": subject, "kept": kept, "visit": visit}


def snapshot():
    return {
        "orders": list(WorkOrder.objects.order_by("pk").values_list(
            "contact_name", "contact_phone", "reporter", "title", "text", "reply_text")),
        "events": list(WorkOrderEvent.objects.order_by("pk").values_list("note", flat=True)),
        "subjects": list(CareSubject.objects.order_by("pk").values_list("kinds", "note", "guardian_contact")),
        "visits": list(Visit.objects.order_by("pk").values_list("notes", flat=True)),
        "problems": list(Problem.objects.order_by("pk").values_list("description", flat=True)),
        "reminders": Notification.objects.count(),
        "access_logs": AccessLog.objects.count(),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("username", flat=True)),
        "keys": sorted(ApiKey.objects.values_list("name", flat=True)),
        "sessions": sorted(Session.objects.values_list("session_key", flat=True)),
    }


def run(*args) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_numbers_are_masked_and_the_text_around_them_stays():
    assert mask_numbers("请打 138-1234-5678 或 023 6888 1234，3栋2单元 101") == (
        "请打 ***-****-**** 或 *** **** ****，3栋2单元 101")


def test_a_dry_run_prints_what_it_would_do_and_changes_nothing(old_data):
    before = snapshot()
    text = run("--dry-run")
    assert snapshot() == before
    for line in ("  工单（清除联系人、电话，号码打码）：2", "  工单处理记录（号码打码）：2", "  关护对象（清除类别、监护人联系方式、情况说明）：1",
                 "  探访记录（清除记录内容）：1", "  探访发现的问题（清除内容）：1", "  探访提醒（删除）：1",
                 "  敏感信息查看记录（删除）：1", "  安全审计记录（删除）：1", "  已停用的 API 密钥（删除）：1",
                 "  过期的登录会话（删除）：1", "共 12 条将被清理（未改动）"):
        assert line in text.splitlines(), line


def test_finished_orders_past_the_period_lose_their_contact_details_and_numbers(old_data):
    run()
    for name in ("closed_old", "cancelled_old"):
        o = WorkOrder.objects.get(pk=old_data[name].pk)
        assert (o.contact_name, o.contact_phone, o.reporter, o.title, o.text, o.reply_text, o.status) == (
            "", "", None, "灯坏了 ***********", "楼道灯坏了，请打 ***-****-**** 找我", "已修好，回电 *** **** ****",
            old_data[name].status)
        assert list(o.events.values_list("note", flat=True)) == ["来电 ***********，3栋2单元"]
    for name in ("closed_recent", "open_old"):
        o = WorkOrder.objects.get(pk=old_data[name].pk)
        assert (o.contact_name, o.contact_phone, o.text) == ("王先生", "13812345678", "楼道灯坏了，请打 138-1234-5678 找我")
        assert list(o.events.values_list("note", flat=True)) == ["来电 13812345678，3栋2单元"]


def test_ended_care_past_the_period_is_cleared_and_current_care_is_kept(old_data):
    run()
    subject = CareSubject.objects.get(pk=old_data["subject"].pk)
    assert (subject.kinds, subject.note, subject.guardian_contact, subject.active) == ([], "", "", False)
    assert list(Visit.objects.filter(subject=subject).values_list("notes", "condition")) == [("", "good")]
    assert list(Problem.objects.filter(visit__subject=subject).values_list("description", flat=True)) == [""]
    assert Notification.objects.filter(kind="care", link=f"/care/subjects/{subject.pk}/").count() == 0
    kept = CareSubject.objects.get(pk=old_data["kept"].pk)
    assert (kept.note, kept.guardian_contact) == ("在关护中", "儿子")


def test_logs_keys_and_sessions_past_the_period_are_deleted_and_the_run_is_audited(old_data):
    text = run()
    after = snapshot()
    assert (after["access_logs"], after["keys"], after["sessions"]) == (1, ["live", "recent"], ["live"])
    assert after["audit"] == ["recent", command_username()]
    event = AuditEvent.objects.get(kind="retention")
    assert (event.actor, event.count, event.data["counts"]) == (None, 12, {
        "workorder_contacts": 2, "workorder_event_notes": 2, "care_subjects": 1, "care_visits": 1, "care_problems": 1,
        "care_reminders": 1, "access_logs": 1, "audit_events": 1, "revoked_api_keys": 1, "sessions": 1})
    assert event.data["days"]["LINLI_RETAIN_WORKORDER_CONTACT_DAYS"] == 1095
    assert text.splitlines()[-1] == "共清理 12 条"


def test_a_second_run_changes_nothing(old_data):
    run()
    before = snapshot()
    text = run()
    assert snapshot() == before
    assert text.splitlines()[-1] == "共清理 0 条"


def test_a_period_of_0_keeps_that_kind_for_ever(old_data, settings):
    settings.LINLI_RETAIN_WORKORDER_CONTACT_DAYS = 0
    text = run()
    assert "已结束工单的联系人、电话及正文中的号码：长期保存（LINLI_RETAIN_WORKORDER_CONTACT_DAYS=0）" in text
    assert WorkOrder.objects.get(pk=old_data["closed_old"].pk).contact_phone == "13812345678"


@pytest.mark.parametrize(("setting", "value", "message"), [
    ("LINLI_RETAIN_AUDIT_LOG_DAYS", 90, "LINLI_RETAIN_AUDIT_LOG_DAYS 至少 180 天"),
    ("LINLI_RETAIN_CARE_DAYS", -1, "LINLI_RETAIN_CARE_DAYS 应为不小于 0 的天数"),
])
def test_a_period_that_breaks_the_rules_is_refused_before_anything_changes(old_data, settings, setting, value,
                                                                            message):
    setattr(settings, setting, value)
    before = snapshot()
    with pytest.raises(CommandError, match=message):
        run()
    assert snapshot() == before


def test_closing_care_records_when_it_ended(world):
    subject = care.subject_enrol(actor=world.community_admin, person=world.resident)
    assert subject.closed_at is None
    care.subject_close(actor=world.community_admin, subject=subject, reason="搬走")
    subject.refresh_from_db()
    assert NOW <= subject.closed_at <= timezone.now()


def test_failed_sign_in_counts_past_their_period_are_deleted_and_recent_ones_kept(world):
    from axes.models import AccessAttempt

    def attempt(name, days_ago):
        row = AccessAttempt.objects.create(username=name, ip_address="10.0.0.1", user_agent="x", get_data="",
                                           post_data="", http_accept="", path_info="/accounts/login/",
                                           failures_since_start=1)
        AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - datetime.timedelta(days=days_ago))

    attempt("old", 31)
    attempt("recent", 29)
    run()
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["recent"]
    assert AuditEvent.objects.get(kind="retention").data["counts"] == {"signin_attempts": 1}


def test_the_run_covers_every_app_that_declares_personal_data_other_apps_first():
    from linli.people.management.commands.retention import kinds

    assert [setting for setting, _label, _fn in kinds()] == [
        "LINLI_RETAIN_WORKORDER_CONTACT_DAYS", "LINLI_RETAIN_CARE_DAYS", "LINLI_RETAIN_ACCESS_LOG_DAYS",
        "LINLI_RETAIN_AUDIT_LOG_DAYS", "LINLI_RETAIN_REVOKED_APIKEY_DAYS", "LINLI_RETAIN_SIGNIN_ATTEMPT_DAYS",
        "LINLI_RETAIN_SIGNIN_ATTEMPT_DAYS"]


def test_sign_in_codes_and_unanswered_invitations_past_their_period_are_deleted(world):
    from linli.people.models import HouseholdInvitation, SignInCode

    now = timezone.now()
    for days_ago in (40, 29):
        at = now - datetime.timedelta(days=days_ago)
        SignInCode.objects.create(phone="13812345678", salt="s", code_hash="h", created_at=at,
                                  expires_at=at + datetime.timedelta(minutes=5))
        HouseholdInvitation.objects.create(home=world.home_a1, phone="13566667777", name="周小明",
                                           invited_by=world.resident_a, created_at=at,
                                           expires_at=at + datetime.timedelta(days=7))
    accepted = HouseholdInvitation.objects.create(home=world.home_a1, phone="13566668888", name="周小华",
                                                  invited_by=world.resident_a, created_at=now - datetime.timedelta(days=90),
                                                  expires_at=now - datetime.timedelta(days=83),
                                                  accepted_at=now - datetime.timedelta(days=85))
    run()
    assert SignInCode.objects.count() == 1
    assert sorted(HouseholdInvitation.objects.values_list("pk", flat=True)) == sorted(
        [accepted.pk, HouseholdInvitation.objects.exclude(pk=accepted.pk).get().pk])
    assert AuditEvent.objects.get(kind="retention").data["counts"] == {"signin_codes": 1, "household_invitations": 1}
