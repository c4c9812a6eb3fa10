"""Issue 18 item 6: the errors people read are in plain words — no "变量" (variable), "字段" (field), "主键" (primary
key), Python type names or exception text, no field names. Django's and DRF's Chinese catalogues are corrected where
they speak like programmers (linli/locale/zh_Hans/), the API's parse errors are reworded in its one handler, and no
template prints a form's errors by field name."""

import json
import re
from pathlib import Path

import pytest
from django import forms
from django.utils import translation

from linli.dashboard import selectors as dashboard_selectors

JARGON = re.compile(r"变量|字段|主键|对象不存在|null|None|\bstr\b|\bint\b|Expecting value|parse error|Hidden field|隐藏字段|编码类型")


class Sheet(forms.Form):
    title = forms.CharField(label="议题", max_length=3, min_length=2)
    replaces = forms.IntegerField(widget=forms.HiddenInput)
    scan = forms.FileField(label="扫描件")


@pytest.fixture
def chinese():
    with translation.override("zh-hans"):
        yield


def test_a_form_says_how_many_characters_without_calling_the_field_a_variable(chinese):
    too_long, too_short = Sheet({"title": "太长的议题"}).errors["title"], Sheet({"title": "短"}).errors["title"]
    assert too_long == ["最多只能填 3 个字（现在是 5 个）。"]
    assert too_short == ["至少要填 2 个字（现在是 1 个）。"]


def test_a_missing_answer_is_asked_for_in_plain_words(chinese):
    errors = Sheet({}).errors
    assert errors["title"] == ["此项必填，请填写。"]
    assert not JARGON.search(str(errors.as_data()))


def test_a_hidden_fields_error_on_a_page_names_no_field(chinese):
    html = Sheet({"title": "议题", "replaces": "x"}).as_p()
    assert "replaces" not in re.sub(r"<[^>]+>", "", html) and not JARGON.search(re.sub(r"<[^>]+>", "", html))


def test_a_file_missing_from_the_form_is_asked_for_again_without_the_encoding(chinese):
    field = forms.FileField()
    with pytest.raises(forms.ValidationError) as caught:
        field.clean("not a file")
    assert caught.value.messages == ["没有收到文件，请重新选择文件后再提交。"]


def test_the_english_keeps_djangos_own_words():
    with translation.override("en"):
        assert Sheet({}).errors["title"] == ["This field is required."]


# -- the API --------------------------------------------------------------------------------------------------------


def test_a_body_that_is_not_json_is_refused_without_pythons_words(world, client_for):
    client = client_for("street_admin")
    response = client.post("/api/v1/workorders/", "{not json", content_type="application/json")
    body = response.json()
    assert (response.status_code, body["code"]) == (400, "parse_error")
    assert body["message"] == "提交的内容无法读取：请以 JSON 或表单格式提交"
    english = client.post("/api/v1/workorders/", "{not json", content_type="application/json",
                          HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["message"] == "The request body could not be read: send JSON or form data"


def test_a_wrong_kind_of_value_for_a_record_is_refused_in_plain_words(world, client_for):
    response = client_for("street_admin").post("/api/v1/assembly/meetings/", json.dumps({
        "kind": "hearing", "level": "estate", "estate": ["x"], "title": "议题", "notified_on": "2026-01-01",
        "held_on": "2026-01-02"}), content_type="application/json")
    assert response.status_code == 400
    messages = [e["message"] for errors in response.json()["fields"].values() for e in errors]
    assert messages and not any(JARGON.search(m) for m in messages), messages


# -- pages and their messages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2026-02-30", "2026-W60"])
def test_an_unreadable_day_or_week_is_explained_in_plain_words(chinese, text):
    with pytest.raises(ValueError) as caught:
        dashboard_selectors.parse_period(text)
    assert str(caught.value).startswith(f"无法识别的统计期间：{text}；可用 2026-11")


def test_no_template_prints_a_forms_errors_by_field_name():
    """``{{ form.errors }}`` renders each field's errors under its Python name ("provider", "__all__")."""
    root = Path(__file__).resolve().parents[2]
    bare = re.compile(r"\{\{\s*\w*form\.errors\s*\}\}")
    found = [str(p.relative_to(root)) for p in root.rglob("templates/**/*.html") if bare.search(p.read_text())]
    assert found == []


def test_the_shared_error_list_names_each_field_by_its_label(chinese):
    from django.template.loader import render_to_string

    html = render_to_string("core/_form_errors.html", {"form": Sheet({"title": "太长的议题", "replaces": "x"})})
    text = re.sub(r"<[^>]+>", "", html)
    assert "议题：最多只能填 3 个字" in text and "扫描件：此项必填" in text
    assert "title" not in text and "replaces" not in text and "__all__" not in text


def test_no_message_of_linli_calls_things_variables_keys_or_objects():
    """Linli's own translatable strings (what pages and the API show) use none of the programmer's words."""
    import ast

    root = Path(__file__).resolve().parents[2]
    words = re.compile(r"变量|主键|该对象|此对象|字段名|异常")
    found = []
    for path in root.rglob("*.py"):
        if {"tests", "management", "migrations"} & set(path.relative_to(root).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in
                    ("_", "gettext", "gettext_lazy", "ngettext", "pgettext") and node.args
                    and isinstance(node.args[0], ast.Constant) and words.search(str(node.args[0].value))):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == []
