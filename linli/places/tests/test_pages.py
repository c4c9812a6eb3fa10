"""Registry pages: a stranger is refused, read-only roles cannot write, the right role succeeds."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.places.models import Stewardship


def test_anonymous_visitors_are_sent_to_sign_in(world):
    from django.test import Client

    response = Client().get(reverse("places:estate_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["places:division_list", "places:estate_list", "places:coverage"])
def test_a_stranger_gets_404_on_registry_pages(client_for, name):
    assert client_for("stranger").get(reverse(name)).status_code == 404


def test_a_resident_gets_404_on_staff_lists(client_for):
    assert client_for("resident_a").get(reverse("places:estate_list")).status_code == 404


def test_the_estate_list_shows_the_street_estates_to_its_admin(world, client_for):
    response = client_for("street_admin").get(reverse("places:estate_list"))
    assert response.status_code == 200
    assert [e.name for e in response.context["page"]] == ["锦霞小区", "新工宿舍"]
    assert "百花园" not in response.content.decode()


def test_the_estate_list_finds_an_estate_by_pinyin_initials(world, client_for):
    response = client_for("district_admin").get(reverse("places:estate_list"), {"q": "jxxq"})
    assert [e.name for e in response.context["page"]] == ["锦霞小区"]


def test_the_estate_list_finds_an_estate_typed_in_traditional_characters(world, client_for):
    response = client_for("district_admin").get(reverse("places:estate_list"), {"q": "錦霞"})
    assert [e.name for e in response.context["page"]] == ["锦霞小区"]


def test_the_estate_list_filters_by_mode(world, client_for):
    response = client_for("district_admin").get(reverse("places:estate_list"), {"mode": "none"})
    assert [e.name for e in response.context["page"]] == ["新工宿舍"]


def test_an_htmx_search_returns_only_the_rows(world, client_for):
    response = client_for("district_admin").get(reverse("places:estate_list"), {"q": "bh"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert "百花园" in body and "锦霞小区" not in body


def test_the_division_list_finds_jgm(world, client_for):
    response = client_for("district_admin").get(reverse("places:division_list"), {"q": "jgm"})
    assert [d.name for d in response.context["page"]] == ["九宫庙街道"]


def test_a_property_manager_sees_only_the_managed_estate(world, client_for):
    response = client_for("manager_a").get(reverse("places:estate_list"))
    assert [e.name for e in response.context["page"]] == ["锦霞小区"]


def test_an_estate_outside_the_scope_is_404(world, client_for):
    url = reverse("places:estate_detail", args=[world.estate_far.pk])
    assert client_for("street_admin").get(url).status_code == 404
    assert client_for("stranger").get(url).status_code == 404
    assert client_for("other_street_admin").get(url).status_code == 200


def test_the_estate_page_shows_buildings_and_history_to_staff(world, client_for):
    response = client_for("manager_a").get(reverse("places:estate_detail", args=[world.estate_a.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "1栋" in body and "重庆锦绣物业服务有限公司" in body
    assert list(response.context["history"]) == list(world.estate_a.stewardships.all())


def test_a_resident_sees_the_public_part_of_the_estate_and_only_their_home(world, client_for):
    response = client_for("resident_a").get(reverse("places:estate_detail", args=[world.estate_a.pk]))
    assert response.status_code == 200
    assert response.context["staff_view"] is False
    assert list(response.context["my_homes"]) == [world.home_a1]
    assert "history" not in response.context
    assert "李建国" not in response.content.decode()


def test_a_resident_cannot_open_another_estate(world, client_for):
    assert client_for("resident_a").get(reverse("places:estate_detail", args=[world.estate_b.pk])).status_code == 404


def test_the_homes_of_a_building_list_occupants_with_masked_phones(world, client_for):
    response = client_for("community_admin").get(reverse("places:building_homes", args=[world.building_a.pk]))
    body = response.content.decode()
    assert "周莲秀" in body and "138****5678" in body and "13812345678" not in body


def test_the_homes_of_a_building_are_404_for_a_stranger_and_a_resident(world, client_for):
    url = reverse("places:building_homes", args=[world.building_a.pk])
    assert client_for("stranger").get(url).status_code == 404
    assert client_for("resident_a").get(url).status_code == 404


def _change_form(world, **overrides):
    # The street may appoint an emergency service itself (Beijing art. 77: documented, six months at most).
    data = {"mode": "custodian", "provider": world.custodian.pk, "start": timezone.localdate().isoformat(),
            "end": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
            "basis_kind": "emergency", "basis": "街道应急物业服务指定 2026-1号"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("name", ["auditor", "manager_a", "grid_worker", "department_handler"])
def test_a_read_only_role_cannot_change_the_stewardship(world, client_for, name):
    url = reverse("places:stewardship_new", args=[world.estate_a.pk])
    before = Stewardship.objects.count()
    assert client_for(name).post(url, _change_form(world)).status_code == 403
    assert Stewardship.objects.count() == before


def test_a_stranger_cannot_reach_the_stewardship_form(world, client_for):
    url = reverse("places:stewardship_new", args=[world.estate_a.pk])
    assert client_for("stranger").post(url, _change_form(world)).status_code == 404


def test_a_street_admin_hands_an_estate_to_the_custodian_and_history_is_kept(world, client_for):
    url = reverse("places:stewardship_new", args=[world.estate_a.pk])
    response = client_for("street_admin").post(url, _change_form(world))
    assert response.status_code == 302
    rows = list(world.estate_a.stewardships.order_by("start"))
    assert [r.mode for r in rows] == ["market", "custodian"]
    assert rows[0].end == timezone.localdate() - datetime.timedelta(days=1)
    assert rows[1].end == timezone.localdate() + datetime.timedelta(days=90)
    assert (rows[1].basis_kind, rows[1].created_by.username) == ("emergency", "street_admin")


def test_a_community_admin_cannot_change_an_estate_of_another_community(world, client_for):
    url = reverse("places:stewardship_new", args=[world.estate_b.pk])
    assert client_for("community_admin").post(url, _change_form(world)).status_code == 404


def test_an_illegal_stewardship_is_refused_with_a_message(world, client_for):
    url = reverse("places:stewardship_new", args=[world.estate_b.pk])
    response = client_for("street_admin").post(url, _change_form(world, mode="market", provider=""))
    assert response.status_code == 200
    assert "市场化物业和国有托管必须填写服务单位" in response.content.decode()
    assert world.estate_b.stewardships.count() == 1


def test_the_coverage_page_counts_estates_and_homes_by_mode(world, client_for):
    response = client_for("street_admin").get(reverse("places:coverage_division", args=["500104001"]))
    figures = response.context["figures"]
    assert figures.estates_by_mode == {"market": 1, "none": 1}
    assert figures.homes_by_mode == {"market": 2, "none": 1}
    assert [e.name for e in figures.unmanaged] == ["新工宿舍"]
    assert [s.estate.name for s in figures.expiring] == ["锦霞小区"]
    assert "<svg" in response.content.decode()


def test_the_coverage_tables_link_each_row_and_escape_what_people_named(world, client_for):
    """The tables' rows are written in the view (places.views._coverage_rows): each unmanaged estate and expiring
    contract links to its estate, each child to its coverage, every name escaped."""
    from linli.places.models import Estate

    hostile = Estate.objects.create(name='<script>alert(1)</script>"小区', community=world.c1)
    body = client_for("street_admin").get(reverse("places:coverage_division", args=["500104001"])).content.decode()
    unmanaged = body.split("无人管理的小区（")[1].split("</table>")[0]
    assert "<script>" not in body.split('id="main"')[1]
    assert (f'<a href="{reverse("places:estate_detail", args=[hostile.pk])}">&lt;script&gt;alert(1)&lt;/script&gt;'
            f'&quot;小区</a></td><td>锦霞社区</td><td>0</td>') in unmanaged
    assert f'<a href="{reverse("places:estate_detail", args=[world.estate_b.pk])}">新工宿舍</a>' in unmanaged
    expiring = body.split("90 天内到期的物业合同（")[1].split("</table>")[0]
    assert f'<a href="{reverse("places:estate_detail", args=[world.estate_a.pk])}">锦霞小区</a>' in expiring
    district = client_for("district_admin").get(reverse("places:coverage_division", args=["500104"])).content.decode()
    children = district.split("下级区划")[1].split("</table>")[0]
    assert f'<a href="{reverse("places:coverage_division", args=["500104001"])}">九宫庙街道</a>' in children


def test_the_coverage_tables_say_when_they_are_empty(world, client_for):
    Stewardship.objects.all().delete()  # no contract ends within 90 days
    body = client_for("street_admin").get(reverse("places:coverage_division", args=["500104001"])).content.decode()
    assert "没有即将到期的合同" in body and "没有无人管理的小区" not in body


def test_the_district_coverage_lists_its_streets(world, client_for):
    response = client_for("district_admin").get(reverse("places:coverage_division", args=["500104"]))
    assert [c.name for c, _ in response.context["children"]] == ["九宫庙街道", "新山村街道"]
    assert str(response.context["figures"].professional_share) == "0.75"


def test_a_street_admin_cannot_see_the_district_coverage(world, client_for):
    assert client_for("street_admin").get(reverse("places:coverage_division", args=["500104"])).status_code == 404


def test_coverage_without_a_code_opens_the_top_division_of_the_user(world, client_for):
    response = client_for("street_admin").get(reverse("places:coverage"))
    assert response.status_code == 302 and response.url.endswith("/500104001/")


def _statements(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_coverage_page_reads_a_fixed_number_of_statements_whatever_the_children_and_estates(world, client_for):
    """Issue 13: at most 10 statements, the same with 2 streets as with 6 and 40 more estates (one read of the
    district's estates and homes, summed per child here; not four statements per child). The homes per estate are
    counted again on the first view after a home is added (the memo's key holds the highest home id), and the
    figures include homes written in bulk at once."""
    from linli.places.models import Building, Division, Estate, Home

    client = client_for("district_admin")
    url = reverse("places:coverage_division", args=["500104"])
    _statements(client, url)  # warm the per-process memos
    few = _statements(client, url)
    for i in range(4):
        street = Division.objects.create(name=f"新街道{i}", code=f"50010409{i}", level="street", parent=world.district)
        community = Division.objects.create(name=f"新社区{i}", code=f"50010409{i}001", level="community",
                                            parent=street)
        for j in range(10):
            estate = Estate.objects.create(name=f"新小区{i}-{j}", community=community)
            building = Building.objects.create(estate=estate, number="1栋")
            Home.objects.bulk_create(Home(estate=estate, building=building, number=f"{k}", area=60) for k in range(3))
    recount = _statements(client, url)  # new homes: the first view counts the district's homes again
    many = _statements(client, url)
    assert recount == many + 1
    response = client.get(url)
    assert len(response.context["children"]) == 6 and response.context["figures"].estates_total == 43
    assert [(c.name, cov.estates_total, cov.homes_total, len(cov.unmanaged)) for c, cov in
            response.context["children"]][2:] == [(f"新街道{i}", 10, 30, 10) for i in range(4)]
    assert (few, many) == (few, few) and many <= 10


def test_the_coverage_counts_a_home_added_in_bulk_by_another_process_at_once(world, client_for):
    """The homes per estate are kept per process; a home written without a signal (``bulk_create``, another
    process) still shows on the next view, because the memo's key holds the highest home id."""
    from linli.places.models import Home

    client = client_for("street_admin")
    url = reverse("places:coverage_division", args=["500104001"])
    before = client.get(url).context["figures"].homes_by_mode
    home = world.estate_b.homes.first()
    Home.objects.bulk_create([Home(estate=world.estate_b, building=home.building, number="999", area=50)])
    after = client.get(url).context["figures"].homes_by_mode
    assert (before, after) == ({"market": 2, "none": 1}, {"market": 2, "none": 2})
