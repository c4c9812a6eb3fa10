"""The overviews kept in the shared cache and computed ahead by the job (linli/dashboard/store.py)."""

import datetime

import pytest
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from linli.dashboard import selectors as sel
from linli.dashboard import store
from linli.dashboard.models import OverviewVisit
from linli.dashboard.tasks import warm_overviews
from linli.workorders import daily
from linli.workorders import services as s
from linli.workorders.models import SummaryMark

NOVEMBER = "2026-11"


def report(estate, when):
    return s.workorder_create(place=s.resolve_place(estate=estate), now=when, channel="resident", text="楼道灯坏了",
                              category="facility")


def at(day):
    return timezone.make_aware(datetime.datetime(2026, 11, day, 9))


@pytest.fixture
def cast(desk):
    report(desk.estate_a, at(2))
    report(desk.estate_b, at(3))
    daily.rebuild()
    cache.clear()
    return desk


@pytest.fixture
def computed(monkeypatch):
    """Counts the overviews actually computed (not read from the cache)."""
    calls = []
    real = sel.overview

    def counting(user, area, period, *, parts=None):
        calls.append((user.username, area.code, period.key, parts))
        return real(user, area, period, parts=parts)

    monkeypatch.setattr(sel, "overview", counting)
    return calls


def move_summary(seconds):
    SummaryMark.objects.update(refreshed_at=F("refreshed_at") + datetime.timedelta(seconds=seconds))


def test_an_opened_overview_is_served_from_the_cache_by_any_process(cast, client_for, computed):
    url = f"/dashboard/{cast.street.code}/?period={NOVEMBER}"
    client = client_for("street_admin")
    assert client.get(url).context["figures"].orders["received"] == 2
    assert client.get(url).context["figures"].orders["received"] == 2
    assert client_for("street_admin").get(url).status_code == 200  # another session of the same user
    assert len(computed) == 1


def test_another_user_never_gets_someone_elses_overview(cast, client_for, computed):
    url = f"/dashboard/{cast.street.code}/"
    client_for("street_admin").get(url)
    client_for("district_admin").get(url)
    assert [c[0] for c in computed] == ["street_admin", "district_admin"]


def test_an_overview_too_far_behind_the_summary_or_too_old_is_computed_again(cast, client_for, computed,
                                                                              monkeypatch):
    url = f"/dashboard/{cast.street.code}/?period={NOVEMBER}"
    client = client_for("street_admin")
    client.get(url)
    move_summary(30)  # within the minute: still served
    client.get(url)
    assert len(computed) == 1
    move_summary(31)  # now 61 s behind
    client.get(url)
    assert len(computed) == 2
    later = store.time.time() + store.KEEP + 1
    monkeypatch.setattr(store.time, "time", lambda: later)
    client.get(url)
    assert len(computed) == 3


def test_with_the_memo_off_every_view_computes(cast, client_for, computed, settings):
    settings.LINLI_DASHBOARD_MEMO_SECONDS = 0
    url = f"/dashboard/{cast.street.code}/"
    client = client_for("street_admin")
    client.get(url)
    client.get(url)
    assert len(computed) == 2
    assert not OverviewVisit.objects.exists()


def test_the_page_and_the_api_record_what_was_opened_once_per_ten_minutes(cast, client_for):
    client = client_for("street_admin")
    client.get(f"/dashboard/{cast.street.code}/?period={NOVEMBER}")
    client.get(f"/dashboard/{cast.street.code}/?period={NOVEMBER}")
    client.get("/dashboard/")
    client.get(f"/dashboard/{cast.street.code}/wall/")
    client.get(f"/api/v1/dashboard/?division={cast.c1.code}")
    client.get("/dashboard/?period=soon")  # unreadable: recorded as the default period
    rows = {(v.area_code, v.period_text, v.parts) for v in OverviewVisit.objects.filter(
        user=cast.users["street_admin"])}
    assert rows == {(cast.street.code, NOVEMBER, ""), (cast.street.code, "", ""),
                    (cast.street.code, "", "backlog,hotline,children"), (cast.c1.code, "", "")}


def test_the_job_computes_ahead_what_people_opened_so_the_next_opening_computes_nothing(cast, client_for, computed):
    url = f"/dashboard/{cast.street.code}/?period={NOVEMBER}"
    street, district = client_for("street_admin"), client_for("district_admin")
    street.get(url)
    district.get(f"/api/v1/dashboard/?period={NOVEMBER}")
    report(cast.estate_a, at(4))
    move_summary(120)  # and a new order: the stored figures are now behind
    del computed[:]
    # Both runs in the same minute of the schedule (the guard's period), whatever the clock reads between them.
    minute = timezone.now().replace(second=0, microsecond=0).isoformat()
    result = warm_overviews.apply(kwargs={"now": minute}).get()
    assert result["computed"] == 2 and result["dropped"] == 0
    assert sorted(c[0] for c in computed) == ["district_admin", "street_admin"]
    del computed[:]
    page = street.get(url)
    assert page.context["figures"].orders["received"] == 3  # the job brought the summary up to date first
    assert district.get(f"/api/v1/dashboard/?period={NOVEMBER}").json()["orders"]["received"] == 3
    assert computed == []
    # A second run in the same minute is skipped by the guard; called directly, the work finds them up to date.
    assert warm_overviews.apply(kwargs={"now": minute}).get() is None
    assert store.warm()["ready"] == 2


def test_the_job_forgets_an_area_the_user_no_longer_serves_and_old_openings(cast, client_for, computed):
    client_for("street_admin").get(f"/dashboard/{cast.street.code}/")
    client_for("district_admin").get("/dashboard/")
    cast.users["street_admin"].memberships.all().delete()
    OverviewVisit.objects.filter(user=cast.users["district_admin"]).update(
        last_seen=timezone.now() - datetime.timedelta(days=2))
    del computed[:]
    result = store.warm()
    assert result["dropped"] == 1 and result["computed"] == 0 and computed == []
    assert not OverviewVisit.objects.filter(user=cast.users["street_admin"]).exists()
