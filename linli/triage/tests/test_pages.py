"""Pages under /triage/: who sees them, who may write, and what they show."""

import pytest

from linli.triage.models import StreetSubcategory, TaxonomyChange, TriageCorrection

STAFF = ["street_admin", "community_admin", "grid_worker", "staff_a", "auditor", "district_admin"]


@pytest.mark.parametrize("name", ["stranger", "resident_a"])
def test_the_triage_page_is_not_found_for_strangers_and_residents(client_for, name):
    client = client_for(name)
    assert client.get("/triage/").status_code == 404
    assert client.post("/triage/try/", {"text": "电梯坏了"}).status_code == 404
    assert client.get("/triage/streets/500104001/taxonomy/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/triage/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", STAFF)
def test_staff_try_the_classifier_on_a_text(client_for, name):
    client = client_for(name)
    assert client.get("/triage/").status_code == 200
    response = client.post("/triage/try/", {"text": "3栋电梯困人了，快来人", "street": "500104001"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "公共设施设备" in body and "电梯故障" in body and "电梯困人" in body and "紧急" in body
    assert "1 小时" in body
    assert "<html" not in body  # an htmx partial


def test_the_try_form_also_works_without_htmx(client_for):
    response = client_for("street_admin").post("/triage/try/", {"text": "楼道灯不亮了"})
    assert response.status_code == 200
    assert "楼道灯路灯不亮" in response.content.decode()


def test_a_grid_worker_corrects_a_proposal_and_an_auditor_cannot(world, client_for):
    data = {"text": "楼顶太阳能支架锈断了", "street": "500104001", "subcategory": "safety.falling",
            "predicted_category": "repair", "predicted_subcategory": "repair.roof_leak", "confidence": "0.41"}
    assert client_for("auditor").post("/triage/correct/", data).status_code == 403
    assert client_for("other_street_admin").post("/triage/correct/", data).status_code == 404
    assert TriageCorrection.objects.count() == 0
    response = client_for("grid_worker").post("/triage/correct/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    corr = TriageCorrection.objects.get()
    assert (corr.subcategory, corr.predicted_subcategory, corr.confidence, corr.actor) == (
        "safety.falling", "repair.roof_leak", 0.41, world.grid_worker)
    assert "楼顶太阳能支架锈断了" in client_for("street_admin").get("/triage/").content.decode()
    assert "楼顶太阳能支架锈断了" not in client_for("other_street_admin").get("/triage/").content.decode()


def test_a_stranger_street_taxonomy_is_not_found(client_for):
    assert client_for("other_street_admin").get("/triage/streets/500104001/taxonomy/").status_code == 404
    assert client_for("street_admin").get("/triage/streets/500104002/taxonomy/").status_code == 404


def test_a_street_admin_browses_and_edits_the_streets_taxonomy(client_for):
    client = client_for("street_admin")
    body = client.get("/triage/streets/500104001/taxonomy/").content.decode()
    assert "九宫庙街道" in body and "电梯故障" in body and 'name="limit_hours"' in body
    lift = StreetSubcategory.objects.get(street__code="500104001", code="facility.lift")
    response = client.post(f"/triage/streets/500104001/taxonomy/{lift.pk}/",
                           {"name": "电梯故障", "tier": "hard", "level": "estate", "limit_hours": "8"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "已保存" in response.content.decode()
    lift.refresh_from_db()
    assert lift.limit_hours == 8


def test_a_community_admin_reads_the_taxonomy_but_may_not_edit_it(client_for):
    client = client_for("community_admin")
    body = client.get("/triage/streets/500104001/taxonomy/").content.decode()
    assert "电梯故障" in body and 'name="limit_hours"' not in body
    lift = StreetSubcategory.objects.get(street__code="500104001", code="facility.lift")
    response = client.post(f"/triage/streets/500104001/taxonomy/{lift.pk}/",
                           {"name": "电梯", "tier": "easy", "level": "estate", "limit_hours": "8"})
    assert response.status_code == 403
    lift.refresh_from_db()
    assert (lift.name, lift.limit_hours) == ("电梯故障", 24)
    assert TaxonomyChange.objects.count() == 0


def test_an_invalid_limit_is_shown_and_nothing_changes(client_for):
    client = client_for("street_admin")
    client.get("/triage/streets/500104001/taxonomy/")
    lift = StreetSubcategory.objects.get(street__code="500104001", code="facility.lift")
    response = client.post(f"/triage/streets/500104001/taxonomy/{lift.pk}/",
                           {"name": "电梯故障", "tier": "hard", "level": "estate", "limit_hours": "0"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "办理时限应在1到8760小时之间" in response.content.decode()
    lift.refresh_from_db()
    assert lift.limit_hours == 24


def test_a_correction_to_an_unknown_subcategory_is_refused_and_nothing_is_stored(client_for):
    data = {"text": "楼顶支架锈断了", "street": "500104001", "subcategory": "nope.nothing"}
    response = client_for("street_admin").post("/triage/correct/", data)
    assert response.status_code == 400
    assert "未知的分类" in response.content.decode()
    assert TriageCorrection.objects.count() == 0


def test_the_page_counts_the_last_30_days_corrections_per_proposed_category(world, client_for):
    import datetime

    from django.utils import timezone

    from linli.places.models import Division
    from linli.triage import services

    street, other = Division.objects.get(code="500104001"), Division.objects.get(code="500104002")
    now = timezone.now()

    def corrected(predicted, subcategory, *, days_ago=1, where=street):
        actor = world.street_admin if where == street else world.other_street_admin
        services.correction_record(text=f"诉求 {predicted} {subcategory}", street=where, actor=actor,
                                   subcategory=subcategory, now=now - datetime.timedelta(days=days_ago),
                                   predicted={"category": predicted, "subcategory": "", "confidence": 0.5})

    for sub in ("safety.falling", "safety.falling", "repair.drain"):
        corrected("repair", sub)
    corrected("utilities", "neighbor.leak")
    corrected("facility", "safety.ebike", where=other)
    corrected("sanitation", "greening.trim", days_ago=40)  # outside the window
    page = client_for("street_admin").get("/triage/")
    rows = page.context["corrected"]
    assert [(r["category"], r["corrections"], r["most_often_to"], r["most_often_n"]) for r in rows] == [
        ("repair", 3, "safety", 2), ("utilities", 1, "neighbor", 1)]
    body = page.content.decode()
    assert "近 30 天人工更正" in body and "消防与治安安全（2）" in body
    assert [r["category"] for r in client_for("other_street_admin").get("/triage/").context["corrected"]] == [
        "facility"]
    assert client_for("stranger").get("/triage/").status_code == 404
