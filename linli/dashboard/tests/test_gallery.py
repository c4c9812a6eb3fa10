"""The chart gallery and the sample wall screen: staff only, one chart of each kind."""

import pytest
from django.test import Client
from django.urls import reverse

PAGES = ["dashboard:chart_gallery", "dashboard:chart_wall"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(world, name):
    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("who", ["stranger", "resident_a"])
def test_a_stranger_or_a_resident_gets_404(client_for, name, who):
    assert client_for(who).get(reverse(name)).status_code == 404


def test_the_gallery_shows_one_chart_of_each_kind_to_staff(client_for):
    response = client_for("street_admin").get(reverse("dashboard:chart_gallery"))
    assert response.status_code == 200
    kinds = [c["kind"] for c in response.context["charts"]]
    assert kinds == ["line", "bar", "hbar", "stack", "pie", "map", "map"]
    html = response.content.decode()
    assert html.count('<figure class="chart"') == 7
    assert html.count('class="chart-outline"') == 1
    assert "阳光&lt;花园&gt; &amp; &quot;一期&quot;" in html
    assert "阳光<花园>" not in html


def test_the_gallery_says_which_point_was_clicked(client_for):
    response = client_for("manager_a").get(reverse("dashboard:chart_gallery"), {"picked": "<b>新工宿舍</b>"})
    assert response.status_code == 200
    assert "已选：&lt;b&gt;新工宿舍&lt;/b&gt;" in response.content.decode()


def test_the_wall_refreshes_at_the_asked_interval_within_bounds(client_for):
    client = client_for("district_admin")
    assert client.get(reverse("dashboard:chart_wall"), {"refresh": "5"}).context["refresh"] == 5
    assert client.get(reverse("dashboard:chart_wall"), {"refresh": "0"}).context["refresh"] == 1
    assert client.get(reverse("dashboard:chart_wall"), {"refresh": "x"}).context["refresh"] == 300
    html = client.get(reverse("dashboard:chart_wall"), {"refresh": "7"}).content.decode()
    assert '<body data-wall data-refresh="7">' in html
    assert html.count('<figure class="chart"') == 6
