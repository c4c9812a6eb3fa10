"""The template filters of linli/core/templatetags/linli.py."""

from linli.core.templatetags.linli import options


def test_options_selects_the_current_value_and_escapes_labels():
    html = options([("", "全部"), (3, "新<村>"), (12, "老院 & 宿舍")], 12)
    assert html == ('<option value="">全部</option><option value="3">新&lt;村&gt;</option>'
                    '<option value="12" selected>老院 &amp; 宿舍</option>')


def test_options_without_a_current_value_selects_the_empty_choice():
    assert options([("", "全部"), ("a", "甲")], None) == '<option value="" selected>全部</option><option value="a">甲</option>'
    assert options([("", "全部"), ("a", "甲")], "") == '<option value="" selected>全部</option><option value="a">甲</option>'
