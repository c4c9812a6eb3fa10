"""A committee member reads their estate's work orders (issue 19; Beijing art. 44(5)): read-only, the reporter's name
and phone masked and numbers in the texts masked (art. 47(8)), no step offered; another estate's orders and every
other role get 404; the member sees nothing more through the staff pages."""

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.testing import report_order
from linli.workorders import services as s
from linli.workorders.models import WorkOrder, WorkOrderEvent


@pytest.fixture
def orders(cworld):
    mine = report_order(cworld, text="1栋楼道灯坏了，请联系周莲秀 13812345678")
    far = report_order(cworld, place=s.resolve_place(estate=cworld.estate_far), text="百花园电梯停了")
    return mine, far


def test_a_member_lists_the_orders_of_their_estate_only(cworld, orders, client_for):
    mine, far = orders
    page = client_for("committee_member").get(reverse("workorders:committee_orders"))
    text = page.content.decode()
    assert page.status_code == 200
    assert mine.code in text and far.code not in text
    assert "13812345678" not in text and "周莲秀" not in text


def test_an_order_is_read_with_the_reporter_masked_and_no_step_offered(cworld, orders, client_for):
    mine, _far = orders
    page = client_for("committee_chair").get(reverse("workorders:committee_order", args=[mine.code]))
    text = page.content.decode()
    assert page.status_code == 200
    assert (page.context["contact_name"], page.context["contact_phone"]) == ("周**", "138****5678")
    assert "13812345678" not in text and "周莲秀" not in text
    assert "138****5678" in text
    assert f"/workorders/{mine.code}/act/" not in text and 'name="note"' not in text  # no step is offered


def test_an_anonymous_report_names_nobody(cworld, client_for):
    order = report_order(cworld, anonymous=True)
    page = client_for("committee_member").get(reverse("workorders:committee_order", args=[order.code]))
    assert (page.context["contact_name"], page.context["contact_phone"]) == ("匿名", "")


def test_an_order_of_another_estate_is_404(cworld, orders, client_for):
    _mine, far = orders
    assert client_for("committee_member").get(reverse("workorders:committee_order", args=[far.code])).status_code \
        == 404


def test_the_member_sees_no_more_through_the_staff_pages_and_takes_no_step(cworld, orders, client_for):
    mine, _far = orders
    client = client_for("committee_member")
    assert client.get(reverse("workorders:order", args=[mine.code])).status_code == 404
    assert client.get(reverse("workorders:inbox")).status_code == 404
    before = WorkOrderEvent.objects.count()
    assert client.post(reverse("workorders:order_act", args=[mine.code, "accept"]), {"note": "x"}).status_code == 404
    assert WorkOrderEvent.objects.count() == before
    assert WorkOrder.objects.visible_to(cworld.users["committee_member"]).count() == 0


@pytest.mark.parametrize("who", ["stranger", "resident_a", "manager_a", "street_admin"])
def test_every_other_role_gets_404(cworld, orders, client_for, who):
    mine, _far = orders
    client = client_for(who)
    assert client.get(reverse("workorders:committee_orders")).status_code == 404
    assert client.get(reverse("workorders:committee_order", args=[mine.code])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(cworld, orders):
    response = Client().get(reverse("workorders:committee_orders"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_figures_count_work_in_hand_and_overdue_of_the_estate(cworld, orders):
    from linli.workorders.selectors import estate_order_figures

    mine, far = orders
    WorkOrder.objects.filter(pk=mine.pk).update(overdue=True)
    got = estate_order_figures([cworld.estate_a.pk, cworld.estate_b.pk])
    assert got == {cworld.estate_a.pk: {"open": 1, "overdue": 1, "received": 0},
                   cworld.estate_b.pk: {"open": 0, "overdue": 0, "received": 0}}


def test_the_desk_offers_the_list_to_a_member_and_a_resident_is_not_offered_it(cworld, client_for):
    # The committee member's desk is their menu (the top bar keeps only the desk itself).
    url = reverse("workorders:committee_orders")
    desk = client_for("committee_member").get(reverse("assembly:committee_desk")).content.decode()
    assert f'href="{url}?estate={cworld.estate_a.pk}"' in desk
    assert url not in client_for("resident_a").get(reverse("workorders:mine")).content.decode()
