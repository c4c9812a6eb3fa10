"""Issue 18 item 3: staff register residents at the walk-in desk, residents invite family members by phone, owners
remove them (linli/people/household.py and views_household.py); each page refuses whoever may not use it."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from linli.notify.tests.fakes import FakeChannel
from linli.people.models import AuditEvent, HouseholdInvitation, Membership, Occupancy, Person, User

DESK = "/people/desk/"


@pytest.fixture
def sms(settings):
    settings.LINLI_NOTIFY_CHANNELS = {"sms": "linli.notify.tests.fakes.FakeChannel"}
    settings.CELERY_TASK_ALWAYS_EAGER = True
    FakeChannel.reset()
    yield FakeChannel
    FakeChannel.reset()


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    def do(client, url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return do


def household_url(home):
    return f"/people/homes/{home.pk}/household/"


# -- the walk-in desk ------------------------------------------------------------------------------------------------

def test_the_community_admin_registers_a_resident_who_is_told_by_sms(world, client_for, sms, post):
    client = client_for("community_admin")
    assert client.get(DESK).status_code == 200
    response = post(client, DESK, {"home": world.home_a2.pk, "name": "刘旭", "phone": "１３９ ８８８８ ７７７７",
                                   "relation": "tenant"})
    assert response.status_code == 302 and response["Location"] == household_url(world.home_a2)
    user = User.objects.get(person__name="刘旭")
    assert user.person.phone == "13988887777" and not user.has_usable_password()
    assert list(Occupancy.objects.current().filter(person=user.person).values_list("home_id", "relation")) == [
        (world.home_a2.pk, "tenant")]
    assert list(Membership.objects.filter(user=user).values_list("role", "estate_id")) == [
        ("resident", world.estate_a.pk)]
    assert [(address, key) for address, _t, key in sms.sent] == [("13988887777", f"welcome:{user.pk}")]
    assert "手机验证码登录" in sms.sent[0][1]
    assert AuditEvent.objects.filter(kind="desk_register", actor=world.community_admin).count() == 1


def test_property_staff_register_in_the_estates_their_company_manages(world, client_for, sms, post):
    response = post(client_for("staff_a"), DESK, {"home": world.home_a2.pk, "name": "刘旭", "phone": "13988887777",
                                                  "relation": "owner"})
    assert response.status_code == 302 and User.objects.filter(person__phone="13988887777").count() == 1


def test_a_home_outside_the_staffs_scope_is_not_offered_nor_accepted(world, client_for, sms, post):
    client = client_for("staff_a")  # company X manages estate A only
    page = client.get(DESK, {"home_q": "新工"}).content.decode()
    assert "新工宿舍" not in page and "没有找到" in page
    found = client.get("/people/desk/homes/", {"home_q": "锦霞 1-102"}).content.decode()
    assert f'value="{world.home_a2.pk}"' in found and f'value="{world.home_a1.pk}"' not in found
    response = post(client, DESK, {"home": world.home_b1.pk, "name": "刘旭", "phone": "13988887777",
                                   "relation": "owner"})
    assert response.status_code == 200 and "请先查找并选择房屋" in response.content.decode()
    assert not Person.objects.filter(phone="13988887777").exists() and sms.sent == []


@pytest.mark.parametrize("who", ["stranger", "resident_a", "grid_worker", "auditor", "department_handler"])
def test_the_desk_is_not_for_residents_strangers_or_read_only_roles(world, client_for, who, sms, post):
    client = client_for(who)
    assert client.get(DESK).status_code == 404
    assert client.get("/people/desk/homes/", {"home_q": "锦霞"}).status_code == 404
    assert post(client, DESK, {"home": world.home_a2.pk, "name": "刘旭", "phone": "13988887777",
                               "relation": "owner"}).status_code == 404
    assert not Person.objects.filter(phone="13988887777").exists()


def test_anonymous_visitors_are_sent_to_sign_in(world):
    for url in (DESK, "/people/desk/homes/", "/people/household/", household_url(world.home_a1)):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_phone_that_has_an_account_is_refused_by_name(world, client_for, sms, post):
    response = post(client_for("community_admin"), DESK, {"home": world.home_a2.pk, "name": "张三",
                                                          "phone": "+86 13812345678", "relation": "owner"})
    page = response.content.decode()
    assert response.status_code == 200 and "手机号 138****5678 已有账号（周**）" in page
    assert User.objects.filter(person__phone="13812345678").count() == 1 and sms.sent == []


def test_a_registry_person_with_that_phone_and_name_is_reused(world, client_for, sms, post):
    # 李建国 lives in A-1-102 (from the registry) and has no account yet.
    response = post(client_for("community_admin"), DESK, {"home": world.home_a2.pk, "name": "李建国",
                                                          "phone": "13900001111", "relation": "owner"})
    assert response.status_code == 302
    assert Person.objects.filter(phone="13900001111").count() == 1
    assert User.objects.get(person=world.neighbour).display_name == "李建国"
    assert Occupancy.objects.current().filter(person=world.neighbour).count() == 1


# -- households ----------------------------------------------------------------------------------------------------

def test_a_resident_sees_the_members_of_their_home(world, client_for):
    wang = Person.objects.create(name="周小明", phone="13566667777")
    Occupancy.objects.create(person=wang, home=world.home_a1, relation="family")
    page = client_for("resident_a").get("/people/household/").content.decode()
    assert "周莲秀" in page and "周小明" in page and "135****7777" in page and "13566667777" not in page
    assert "李建国" not in page  # the neighbour in A-1-102


def test_a_resident_cannot_see_another_homes_members(world, client_for):
    client = client_for("resident_a")
    assert client.get(household_url(world.home_a2)).status_code == 404
    assert client.get(household_url(world.home_a1)).status_code == 200
    assert client.post(household_url(world.home_a2), {"name": "x", "phone": "13566667777"}).status_code == 404


@pytest.mark.parametrize("who", ["stranger", "grid_worker", "other_street_admin"])
def test_others_cannot_see_a_households_members(world, client_for, who):
    assert client_for(who).get(household_url(world.home_a1)).status_code == 404
    assert client_for(who).get("/people/household/").status_code == 404


def test_the_owner_invites_a_family_member_by_phone(world, client_for, sms, post):
    client = client_for("resident_a")
    response = post(client, household_url(world.home_a1), {"name": "周小明", "phone": "135-6666-7777"})
    assert response.status_code == 302 and response["Location"] == "/people/household/"
    invitation = HouseholdInvitation.objects.get()
    assert (invitation.home, invitation.phone, invitation.name, invitation.invited_by) == (
        world.home_a1, "13566667777", "周小明", world.resident_a)
    assert [(address, key) for address, _t, key in sms.sent] == [("13566667777", f"invite:{invitation.pk}")]
    assert "周**" in sms.sent[0][1] and "周莲秀" not in sms.sent[0][1]
    assert not Occupancy.objects.filter(home=world.home_a1, relation="family").exists()  # not before they sign in
    assert "135****7777" in client.get("/people/household/").content.decode()


def test_an_invitation_cannot_name_a_member_already_there(world, client_for, sms, post):
    response = post(client_for("resident_a"), household_url(world.home_a1), {"name": "周莲秀", "phone": "13812345678"})
    assert "已是这户的成员" in response.content.decode() and not HouseholdInvitation.objects.exists()


def test_a_family_member_cannot_invite_or_remove(world, client_for, sms, post):
    kid = Person.objects.create(name="周小明", phone="13566667777")
    Occupancy.objects.create(person=kid, home=world.home_a1, relation="family")
    kid_user = User.objects.create_user(username="kid", person=kid)
    client = Client()
    client.force_login(kid_user)
    assert client.get("/people/household/").status_code == 200
    assert post(client, household_url(world.home_a1), {"name": "x", "phone": "13500000001"}).status_code == 403
    owner = Occupancy.objects.get(person=world.resident)
    assert client.post(f"/people/household/members/{owner.pk}/remove/").status_code == 403
    assert not HouseholdInvitation.objects.exists() and Occupancy.objects.current().filter(home=world.home_a1).count() == 2


def test_the_owner_removes_a_family_member(world, client_for):
    kid = Person.objects.create(name="周小明", phone="13566667777")
    occ = Occupancy.objects.create(person=kid, home=world.home_a1, relation="family")
    client = client_for("resident_a")
    response = client.post(f"/people/household/members/{occ.pk}/remove/")
    assert response.status_code == 302
    occ.refresh_from_db()
    assert occ.end == timezone.localdate() - datetime.timedelta(days=1)
    assert not Occupancy.objects.current().filter(person=kid).exists()
    assert AuditEvent.objects.filter(kind="household", data__removed=kid.pk).count() == 1


def test_the_owner_cannot_remove_themself_nor_members_of_another_home(world, client_for):
    client = client_for("resident_a")
    mine = Occupancy.objects.get(person=world.resident)
    theirs = Occupancy.objects.create(person=Person.objects.create(name="李小", phone=""), home=world.home_a2,
                                      relation="family")
    assert client.post(f"/people/household/members/{mine.pk}/remove/").status_code == 403
    assert client.post(f"/people/household/members/{theirs.pk}/remove/").status_code == 404
    assert Occupancy.objects.current().filter(pk__in=[mine.pk, theirs.pk]).count() == 2


def test_the_desk_links_a_member_at_once(world, client_for, sms, post):
    client = client_for("community_admin")
    assert client.get(household_url(world.home_a1)).status_code == 200
    response = post(client, household_url(world.home_a1), {"name": "周小明", "phone": "13566667777"})
    assert response.status_code == 302 and response["Location"] == household_url(world.home_a1)
    person = Person.objects.get(phone="13566667777")
    assert list(Occupancy.objects.current().filter(person=person).values_list("home_id", "relation")) == [
        (world.home_a1.pk, "family")]
    assert not HouseholdInvitation.objects.exists()


def test_a_home_gets_at_most_ten_invitations_a_day(world, client_for, sms, post):
    client = client_for("resident_a")
    for n in range(10):
        post(client, household_url(world.home_a1), {"name": "亲戚", "phone": f"1350000{n:04d}"})
    refused = post(client, household_url(world.home_a1), {"name": "亲戚", "phone": "13500009999"})
    assert "邀请已达上限" in refused.content.decode()
    assert HouseholdInvitation.objects.count() == 10 and len(sms.sent) == 10
