import pytest

from linli.triage.engine import taxonomy

CATEGORIES = {
    "repair": "房屋与公共部位维修", "facility": "公共设施设备", "sanitation": "环境卫生", "greening": "绿化养护",
    "parking": "停车与车辆秩序", "safety": "消防与治安安全", "utilities": "水电气暖", "fees": "物业收费",
    "service": "物业服务质量", "governance": "业主自治与公共收益", "neighbor": "邻里与装修", "other": "非物业事项",
}


def test_the_default_taxonomy_has_the_twelve_categories_of_the_issue():
    assert taxonomy.default().categories == CATEGORIES


def test_every_category_has_three_to_five_subcategories_and_about_45_in_all():
    tax = taxonomy.default()
    sizes = {code: len(tax.of_category(code)) for code in CATEGORIES}
    assert all(3 <= n <= 5 for n in sizes.values()), sizes
    assert len(tax.subcategories) == 49


def test_every_subcategory_has_a_tier_a_level_and_a_time_limit():
    subcategories = list(taxonomy.default().subcategories.values())
    assert len(subcategories) == 49
    for sub in subcategories:
        assert sub.tier in ("easy", "hard", "major")
        assert sub.level in ("building", "estate", "community", "street", "department")
        assert 1 <= sub.limit_hours <= 720


def test_a_lift_fault_is_a_hard_matter_settled_in_the_estate_within_a_day():
    lift = taxonomy.default().get("facility.lift")
    assert (lift.name, lift.tier, lift.level, lift.limit_hours) == ("电梯故障", "hard", "estate", 24)


def test_a_subcategory_code_must_start_with_its_category():
    bad = {"categories": [{"code": "fees", "name": "物业收费", "subcategories": [
        {"code": "repair.x", "name": "x", "tier": "easy", "level": "estate", "limit_hours": 1}]}]}
    with pytest.raises(ValueError):
        taxonomy.parse(bad)


def test_the_labelled_set_and_the_model_cover_every_subcategory():
    from linli.triage.engine import load
    from linli.triage.engine.labelled import corpus_rows

    codes = set(taxonomy.default().subcategories)
    assert {r["label"] for r in corpus_rows()} == codes
    assert set(load().model.labels) == codes


@pytest.mark.parametrize("path, expected", [
    (("城乡建设", "城市建设和市政管理", "燃气供应"), ("utilities", "utilities.gas", "")),
    (("城乡建设", "住房保障与房地产", "物业服务"), ("service", None, "")),
    (("城乡建设", "城乡规划", "违章建筑"), ("neighbor", "neighbor.illegal_building", "")),
    (("环境保护", "环境污染", "噪音污染"), ("neighbor", "neighbor.noise", "")),
    (("政法", "户籍证件", "其他"), ("other", "other.public_service", "公安/司法")),
    (("卫生计生", "医患纠纷", "患者权益"), ("other", None, "卫健")),
    (("", "", ""), ("other", None, "")),
])
def test_a_hotline_class_maps_onto_the_taxonomy_or_to_a_department(path, expected):
    from linli.triage.engine.hotline import map_category

    result = map_category(*path)
    assert (result.category, result.subcategory, result.department) == expected


def test_every_mapped_hotline_class_names_a_real_category_or_subcategory():
    from linli.triage.engine.hotline import SECOND, THIRD

    tax = taxonomy.default()
    for code in {**THIRD, **SECOND}.values():
        assert code in tax.categories or code in tax.subcategories, code
