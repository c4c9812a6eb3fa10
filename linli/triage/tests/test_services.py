import datetime
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from linli.triage import services
from linli.triage.models import StreetSubcategory, TaxonomyChange, TriageCorrection


def test_a_street_gets_its_own_copy_of_the_taxonomy_once(world):
    first = services.taxonomy_seed(street=world.street)
    again = services.taxonomy_seed(street=world.street)
    assert len(first) == 49
    assert [i.pk for i in again] == [i.pk for i in first]
    assert StreetSubcategory.objects.filter(street=world.street2).count() == 0


def test_only_streets_have_a_taxonomy(world):
    with pytest.raises(ValidationError, match="分类只能按街道设置"):
        services.taxonomy_seed(street=world.c1)


def test_a_street_admin_changes_a_limit_and_the_change_is_recorded(world):
    services.taxonomy_seed(street=world.street)
    lift = StreetSubcategory.objects.get(street=world.street, code="facility.lift")
    services.subcategory_update(item=lift, actor=world.street_admin, name="电梯故障", tier="hard", level="street",
                                limit_hours=12)
    lift.refresh_from_db()
    assert (lift.level, lift.limit_hours, lift.updated_by) == ("street", 12, world.street_admin)
    change = TaxonomyChange.objects.get()
    assert change.before == {"name": "电梯故障", "tier": "hard", "level": "estate", "limit_hours": 24}
    assert change.after["limit_hours"] == 12
    result = services.classify("3栋电梯又坏了，停了两天", street=world.street)
    assert (result["level"], result["explanation"]["limit_hours"]) == ("street", 12)
    other = services.classify("3栋电梯又坏了，停了两天", street=world.street2)
    assert (other["level"], other["explanation"]["limit_hours"]) == ("estate", 24)


def test_a_community_admin_may_not_change_the_streets_taxonomy(world):
    services.taxonomy_seed(street=world.street)
    lift = StreetSubcategory.objects.get(street=world.street, code="facility.lift")
    with pytest.raises(PermissionDenied):
        services.subcategory_update(item=lift, actor=world.community_admin, name="电梯", tier="easy",
                                    level="estate", limit_hours=5)
    lift.refresh_from_db()
    assert (lift.name, lift.limit_hours) == ("电梯故障", 24)
    assert TaxonomyChange.objects.count() == 0


def test_invalid_settings_are_refused(world):
    services.taxonomy_seed(street=world.street)
    lift = StreetSubcategory.objects.get(street=world.street, code="facility.lift")
    for kwargs, message in (({"tier": "huge"}, "难易或办理层级无效"), ({"level": "moon"}, "难易或办理层级无效"),
                            ({"limit_hours": 0}, "办理时限应在1到8760小时之间"), ({"name": ""}, "名称不能为空")):
        args = {"name": "电梯", "tier": "hard", "level": "estate", "limit_hours": 24, **kwargs}
        with pytest.raises(ValidationError, match=message):
            services.subcategory_update(item=lift, actor=world.street_admin, **args)


def test_staff_corrections_are_stored_and_readonly_roles_cannot_correct(world):
    corr = services.correction_record(text="楼顶太阳能支架锈断了要掉下来", street=world.street,
                                      actor=world.grid_worker, subcategory="safety.falling",
                                      predicted={"category": "repair", "subcategory": "repair.roof_leak",
                                                 "confidence": 0.41})
    assert (corr.category, corr.predicted_subcategory, corr.actor) == ("safety", "repair.roof_leak",
                                                                             world.grid_worker)
    with pytest.raises(PermissionDenied):
        services.correction_record(text="x", street=world.street, actor=world.auditor, subcategory="safety.falling")
    with pytest.raises(PermissionDenied):
        services.correction_record(text="x", street=world.street, actor=world.other_street_admin,
                                   subcategory="safety.falling")
    with pytest.raises(ValidationError, match="未知的分类：nope.x"):
        services.correction_record(text="x", street=world.street, actor=world.street_admin, subcategory="nope.x")
    assert TriageCorrection.objects.count() == 1


def test_a_phone_number_in_a_corrected_text_is_masked(world):
    corr = services.correction_record(text="电梯坏了，联系我13812345678", street=world.street,
                                      actor=world.street_admin, subcategory="facility.lift")
    assert corr.text == "电梯坏了，联系我138****5678"


def test_corrections_are_visible_only_to_staff_of_that_street(world):
    services.correction_record(text="楼顶支架要掉下来", street=world.street, actor=world.street_admin,
                               subcategory="safety.falling")
    seen = {name: TriageCorrection.objects.visible_to(getattr(world, name)).count() for name in
            ("street_admin", "community_admin", "district_admin", "staff_a", "auditor", "other_street_admin",
             "resident_a", "stranger")}
    assert seen == {"street_admin": 1, "community_admin": 1, "district_admin": 1, "staff_a": 1, "auditor": 1,
                    "other_street_admin": 0, "resident_a": 0, "stranger": 0}


def test_retrain_learns_from_corrections(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    text = "小区东门那棵黄葛树的气根垂到车顶上了"
    services.correction_record(text=text, street=world.street, actor=world.street_admin,
                               subcategory="greening.trim")
    base = tmp_path / "base.csv"  # a small base set keeps the test fast; the real one is the default
    base.write_text("text,label\n" + "".join(f"{t},{lb}\n" for t, lb in [
        ("楼下的树太高挡住阳光", "greening.trim"), ("树枝伸到窗户上", "greening.trim"),
        ("停车位太少", "parking.spaces"), ("车位不够停", "parking.spaces"),
        ("门口有车乱停", "parking.disorder"), ("车停在单元门口出不去", "parking.disorder")]), encoding="utf-8")
    out = io.StringIO()
    call_command("triage", "retrain", "--corpus", str(base), stdout=out)
    assert "1 条人工更正" in out.getvalue()
    assert services.current_model_path() == tmp_path / "triage" / "model.npz"
    result = json.loads(_classify(text))
    assert result["subcategory"] == "greening.trim"


def _classify(text):
    out = io.StringIO()
    call_command("triage", "classify", text, stdout=out)
    return out.getvalue()


def test_propose_repeats_takes_work_order_like_objects_and_dicts(world):
    now = datetime.datetime(2026, 5, 10, 12, 0, tzinfo=datetime.UTC)

    class Order:
        def __init__(self, pk, description, created_at, caller_phone=""):
            self.pk, self.description, self.created_at, self.caller_phone = pk, description, created_at, caller_phone
            self.estate_id, self.building_id = world.estate_a.pk, world.building_a.pk

    new = Order(None, "1栋电梯又坏了，老人下不了楼", now, "13812345678")
    candidates = [
        Order(7, "1栋电梯坏了，停了两天", now - datetime.timedelta(days=1)),
        {"id": 8, "text": "物业费怎么交", "estate_id": 999, "created": now - datetime.timedelta(days=2),
         "phone": "13812345678"},
    ]
    result = services.propose_repeats(new, candidates, now=now)
    assert [p["id"] for p in result["proposals"]] == [7]
    assert "同一类别" in result["proposals"][0]["reasons"]
    assert result["repeated_caller"] is True
    assert result["caller_items"] == [8]


def test_the_demo_adds_the_streets_taxonomy_and_example_corrections_once(world):
    from linli.triage import demo

    lines = []
    demo.load(out=lines.append)
    demo.load(out=lines.append)
    assert StreetSubcategory.objects.filter(street=world.street).count() == 49
    assert TriageCorrection.objects.filter(street=world.street).count() == 3
    assert lines == ["智能分拣：九宫庙街道分类设置 49 个小类，新增人工更正示例 3 条。",
                     "智能分拣：九宫庙街道分类设置 49 个小类，新增人工更正示例 0 条。"]
