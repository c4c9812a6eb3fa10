"""Issue 15 item 7: a problem found on a care visit becomes a work order that does not expose the person (PIPL arts.
28 and 6): the order says what is wrong and where, never why someone went there; only care staff see the link back."""

import pytest
from django.utils import timezone

from linli.care import services
from linli.care.models import Problem
from linli.notify.models import Notification
from linli.workorders.models import WorkOrder

CARE_WORDS = ("关爱", "探访", "独居", "老人", "残疾", "困难", "留守", "关护")


def _problem(vworld, subject, text, *, place):
    visit = services.visit_record(actor=vworld.volunteer_a, subject=subject, visited_at=timezone.now(),
                                  condition="poor", problems=[text], problem_place=place)
    return visit.problems.get()


def test_the_order_from_a_visit_says_nothing_of_care_reproduced_on_the_demo(vworld, subject):
    """Reproduction: on main the order read "关爱探访发现：热水器坏了" at the person's own flat."""
    problem = _problem(vworld, subject, "热水器坏了", place="home")
    services.problem_to_work_order(actor=vworld.community_admin, problem=problem)
    order = WorkOrder.objects.get()
    assert order.text == "热水器坏了"
    assert [w for w in CARE_WORDS if w in order.text + order.title] == []
    assert (order.home, order.estate, order.channel, order.kind) == (vworld.home_a1, vworld.estate_a, "patrol", "help")


def test_a_problem_in_the_shared_part_is_placed_on_the_building_not_the_flat(vworld, subject):
    problem = _problem(vworld, subject, "楼道灯坏了", place="common")
    services.problem_to_work_order(actor=vworld.community_admin, problem=problem)
    order = WorkOrder.objects.get()
    assert (order.text, order.home, order.building, order.estate) == (
        "楼道灯坏了", None, vworld.home_a1.building, vworld.estate_a)


def test_staff_may_reword_the_problem_but_not_name_the_care(vworld, subject):
    problem = _problem(vworld, subject, "老人家里热水器坏了", place="home")
    with pytest.raises(services.ValidationError) as refused:
        services.problem_to_work_order(actor=vworld.community_admin, problem=problem)
    assert list(refused.value.message_dict) == ["text"]
    assert WorkOrder.objects.count() == 0 and Problem.objects.get().status == "open"
    services.problem_to_work_order(actor=vworld.community_admin, problem=problem, text="热水器不出热水",
                                   place="home")
    assert WorkOrder.objects.get().text == "热水器不出热水"


def test_the_problem_keeps_its_order(vworld, subject):
    problem = _problem(vworld, subject, "楼道灯坏了", place="common")
    problem = services.problem_to_work_order(actor=vworld.community_admin, problem=problem)
    order = WorkOrder.objects.get()
    assert (problem.status, problem.work_order, problem.work_order_ref) == ("converted", order, order.code)


def test_the_community_is_told_when_a_visit_finds_a_problem(vworld, subject):
    problem = _problem(vworld, subject, "楼道灯坏了", place="common")
    notes = Notification.objects.filter(kind="care").order_by("user__username")
    assert [(n.user.username, n.title, n.link) for n in notes] == [
        ("community_admin", "探访发现 1 个问题（周**）", f"/care/subjects/{subject.pk}/#problem-{problem.pk}"),
        ("grid_worker", "探访发现 1 个问题（周**）", f"/care/subjects/{subject.pk}/#problem-{problem.pk}"),
    ]


def test_a_visit_without_problems_tells_nobody(vworld, subject):
    services.visit_record(actor=vworld.volunteer_a, subject=subject, visited_at=timezone.now(), condition="good")
    assert Notification.objects.count() == 0


def _order_for(vworld, subject, place="home"):
    problem = _problem(vworld, subject, "热水器坏了", place=place)
    services.problem_to_work_order(actor=vworld.community_admin, problem=problem)
    return WorkOrder.objects.get(), problem


def test_only_care_staff_see_the_link_from_the_order_to_the_care_record(vworld, subject, client_for):
    from linli.workorders import services as wo

    order, problem = _order_for(vworld, subject)
    order = wo.workorder_dispatch(order=order, to=vworld.company, actor=vworld.street_admin, note="派物业")
    link = f'href="/care/subjects/{subject.pk}/#problem-{problem.pk}"'
    seen = {}
    for name in ("community_admin", "grid_worker", "street_admin", "manager_a", "staff_a"):
        page = client_for(name).get(f"/workorders/{order.code}/")
        assert page.status_code == 200, name
        body = page.content.decode()
        assert "热水器坏了" in body and "周莲秀" not in body and "独居" not in body, name
        seen[name] = link in body
    assert seen == {"community_admin": True, "grid_worker": True, "street_admin": True, "manager_a": False,
                    "staff_a": False}
    wo.workorder_dispatch(order=order, to=vworld.department, actor=vworld.street_admin, note="转城管")
    page = client_for("department_handler").get(f"/workorders/{order.code}/")
    assert page.status_code == 200 and link not in page.content.decode() and "关护" not in page.content.decode()
    # The resident did not report it and does not see the order at all.
    assert client_for("resident_a").get(f"/workorders/{order.code}/").status_code == 404
    assert services.order_links(vworld.users["resident_a"], order) == []


def test_the_page_after_conversion_links_the_new_order(vworld, subject, client_for):
    problem = _problem(vworld, subject, "楼道灯坏了", place="home")
    page = client_for("community_admin").post(f"/care/problems/{problem.pk}/work_order/",
                                              {"text": "楼道灯不亮", "place": "common"}, follow=True)
    order = WorkOrder.objects.get()
    assert (order.text, order.home, order.building) == ("楼道灯不亮", None, vworld.home_a1.building)
    body = page.content.decode()
    assert page.redirect_chain == [(f"/care/subjects/{subject.pk}/#problem-{problem.pk}", 302)]
    assert f'已转为工单 <a href="/workorders/{order.code}/">{order.code}</a>' in body
    assert f'<a class="order-link" href="/workorders/{order.code}/">' in body


def test_a_conversion_that_names_the_care_is_refused_on_the_page(vworld, subject, client_for):
    problem = _problem(vworld, subject, "楼道灯坏了", place="home")
    page = client_for("community_admin").post(f"/care/problems/{problem.pk}/work_order/",
                                              {"text": "独居老人家楼道灯坏了", "place": "common"}, follow=True)
    assert WorkOrder.objects.count() == 0
    assert "不要写出“独居、老人”等透露关护对象的字眼" in page.content.decode()


@pytest.mark.parametrize("name", ["manager_a", "staff_a", "department_handler", "resident_a", "volunteer_a"])
def test_who_is_not_care_staff_cannot_convert(vworld, subject, client_for, name):
    problem = _problem(vworld, subject, "楼道灯坏了", place="home")
    response = client_for(name).post(f"/care/problems/{problem.pk}/work_order/", {"text": "灯坏了", "place": "home"})
    assert response.status_code in (403, 404)
    assert WorkOrder.objects.count() == 0 and Problem.objects.get().status == "open"


def test_the_visit_form_asks_where_the_problem_is(vworld, subject, client_for):
    client = client_for("volunteer_a")
    client.post(f"/care/subjects/{subject.pk}/visit/", {
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "condition": "fair",
        "problems": "楼道扶手松了", "problem_place": "common"})
    assert list(Problem.objects.values_list("description", "place")) == [("楼道扶手松了", "common")]
