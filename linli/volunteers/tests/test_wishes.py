"""Micro-wishes: posted, checked, public without personal details, claimed, fulfilled; overdue claims go back."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.core.tests import samples
from linli.volunteers import wishes as w
from linli.volunteers.models import Wish

T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
PNG = samples.png()


def photo(name="done.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _open_wish(vworld, now=T0):
    wish = w.wish_post(actor=vworld.resident_a, beneficiary=vworld.resident, title="想要一台收音机",
                       detail="独居，耳背，家住1栋1单元101", now=now)
    return w.wish_review(actor=vworld.community_admin, wish=wish, approve=True, now=now)


def test_a_wish_goes_from_posted_to_fulfilled_with_a_photo_and_a_thank_you(vworld):
    wish = w.wish_post(actor=vworld.resident_a, beneficiary=vworld.resident, title="想要一台收音机", now=T0)
    assert (wish.status, wish.community, wish.estate) == ("pending", vworld.c1, vworld.estate_a)
    assert list(Wish.objects.public()) == []
    wish = w.wish_review(actor=vworld.community_admin, wish=wish, approve=True, now=T0)
    assert list(Wish.objects.public()) == [wish]
    wish = w.wish_claim(actor=vworld.volunteer_a, wish=wish, now=T0 + datetime.timedelta(hours=1))
    assert (wish.status, wish.claim_due) == ("claimed", T0 + datetime.timedelta(days=14, hours=1))
    wish = w.wish_fulfil(actor=vworld.volunteer_a, wish=wish, photo=photo(), note="已送到",
                         now=T0 + datetime.timedelta(days=2))
    wish = w.wish_thank(actor=vworld.resident_a, wish=wish, thanks="谢谢小李！", now=T0 + datetime.timedelta(days=2))
    assert (wish.status, wish.thanks, wish.photo.name.endswith(".jpg")) == ("fulfilled", "谢谢小李！", True)
    assert list(wish.events.values_list("kind", flat=True)) == ["posted", "approved", "claimed", "fulfilled", "thanked"]


def test_staff_enter_a_wish_from_a_paper_form_but_a_neighbour_cannot(vworld):
    wish = w.wish_post(actor=vworld.grid_worker, beneficiary=vworld.resident, title="理发", source="paper")
    assert (wish.source, wish.entered_by) == ("paper", vworld.grid_worker)
    with pytest.raises(PermissionDenied):
        w.wish_post(actor=vworld.volunteer_a, beneficiary=vworld.resident, title="理发")
    with pytest.raises(PermissionDenied):
        w.wish_post(actor=vworld.manager_a, beneficiary=vworld.resident, title="理发")


def test_a_wish_is_claimed_once_only(vworld):
    wish = _open_wish(vworld)
    w.wish_claim(actor=vworld.volunteer_a, wish=wish, now=T0)
    with pytest.raises(ValidationError, match="该心愿已被认领或不在认领中"):
        w.wish_claim(actor=vworld.volunteer_b, wish=wish, now=T0)
    assert Wish.objects.get().claimed_by_user == vworld.volunteer_a


def test_an_organisation_claims_through_its_staff(vworld):
    wish = _open_wish(vworld)
    wish = w.wish_claim(actor=vworld.manager_a, wish=wish, organization=vworld.company, now=T0)
    assert wish.claimant_public_name == "重庆锦绣物业服务有限公司"
    with pytest.raises(PermissionDenied):
        w.wish_claim(actor=vworld.volunteer_b, wish=_open_wish(vworld), organization=vworld.company, now=T0)


def test_someone_who_is_not_a_volunteer_cannot_claim(vworld):
    with pytest.raises(PermissionDenied):
        w.wish_claim(actor=vworld.stranger, wish=_open_wish(vworld), now=T0)


def test_fulfilling_needs_a_photo_of_an_image_type(vworld):
    wish = w.wish_claim(actor=vworld.volunteer_a, wish=_open_wish(vworld), now=T0)
    with pytest.raises(ValidationError) as refused:
        w.wish_fulfil(actor=vworld.volunteer_a, wish=wish, photo=None)
    assert list(refused.value.message_dict) == ["photo"]
    with pytest.raises(ValidationError) as refused:
        w.wish_fulfil(actor=vworld.volunteer_a, wish=wish, photo=SimpleUploadedFile("x.exe", b"MZ"))
    assert list(refused.value.message_dict) == ["photo"]
    with pytest.raises(PermissionDenied):
        w.wish_fulfil(actor=vworld.volunteer_b, wish=wish, photo=photo())
    assert Wish.objects.get().status == "claimed"


def test_an_overdue_claim_returns_to_the_pool_and_the_sweep_is_idempotent(vworld):
    wish = w.wish_claim(actor=vworld.volunteer_a, wish=_open_wish(vworld), now=T0)
    assert w.wishes_release_overdue(now=T0 + datetime.timedelta(days=14)) == []  # due exactly now: not yet
    late = T0 + datetime.timedelta(days=14, minutes=1)
    assert w.wishes_release_overdue(now=late) == [wish.pk]
    assert w.wishes_release_overdue(now=late) == []
    wish.refresh_from_db()
    assert (wish.status, wish.claimed_by_user, wish.claim_due) == ("open", None, None)
    assert wish.events.filter(kind="released_overdue").count() == 1
    w.wish_claim(actor=vworld.volunteer_b, wish=wish, now=late)  # back in the pool: someone else may claim it


def test_the_sweep_uses_the_frozen_clock(vworld, monkeypatch):
    from django.utils import timezone

    wish = w.wish_claim(actor=vworld.volunteer_a, wish=_open_wish(vworld), now=T0)
    monkeypatch.setattr(timezone, "now", lambda: T0 + datetime.timedelta(days=20))
    assert w.wishes_release_overdue() == [wish.pk]


def test_a_rejected_wish_needs_a_reason_and_never_goes_public(vworld):
    wish = w.wish_post(actor=vworld.resident_a, beneficiary=vworld.resident, title="张三 13812345678 要钱")
    with pytest.raises(ValidationError) as refused:
        w.wish_review(actor=vworld.community_admin, wish=wish, approve=False)
    assert list(refused.value.message_dict) == ["reason"]
    w.wish_review(actor=vworld.community_admin, wish=wish, approve=False, reason="含个人信息，请重新填写")
    assert list(Wish.objects.public()) == []


def test_the_full_record_is_seen_by_sensitive_roles_the_beneficiary_and_the_claimant_only(vworld):
    wish = w.wish_claim(actor=vworld.volunteer_a, wish=_open_wish(vworld), now=T0)
    who = ["community_admin", "grid_worker", "street_admin", "resident_a", "volunteer_a", "volunteer_b", "manager_a",
           "staff_a", "auditor", "department_handler", "other_street_admin", "stranger"]
    seen = [name for name in who if Wish.objects.visible_to(vworld.users[name]).filter(pk=wish.pk).exists()]
    assert seen == ["community_admin", "grid_worker", "street_admin", "resident_a", "volunteer_a"]
