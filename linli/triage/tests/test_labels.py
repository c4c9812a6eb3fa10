"""Users read the names of the taxonomy's codes, in Chinese or in English, never the codes."""

from django.utils import translation

from linli.triage import labels
from linli.triage.engine import taxonomy


def test_every_category_and_subcategory_has_an_english_name_and_every_category_a_group():
    tax = taxonomy.default()
    assert [c.code for c in tax.details.values() if not (c.name_en and c.group and c.group_en)] == []
    assert [s.code for s in tax.subcategories.values() if not s.name_en] == []


def test_a_category_is_named_in_the_active_language():
    with translation.override("zh-hans"):
        assert labels.category_label("facility") == "公共设施设备"
        assert labels.subcategory_label("governance.committee") == "业委会成立与履职"
    with translation.override("en"):
        assert labels.category_label("facility") == "Shared facilities and equipment"
        assert labels.subcategory_label("governance.committee") == "Setting up and running the owners' committee"


def test_choices_built_once_follow_the_language_of_each_request():
    choices = labels.category_choices()
    with translation.override("en"):
        assert str(dict(choices)["neighbor"]) == "Neighbours and renovation"
    with translation.override("zh-hans"):
        assert str(dict(choices)["neighbor"]) == "邻里与装修"


def test_a_name_the_street_changed_is_shown_as_the_street_wrote_it():
    with translation.override("en"):
        assert labels.subcategory_label("facility.lift", "电梯故障") == "Lift out of order"
        assert labels.subcategory_label("facility.lift", "电梯停运") == "电梯停运"


def test_an_unknown_code_is_shown_as_it_is():
    assert labels.category_label("elevator") == "elevator"
    assert labels.category_label("") == ""
