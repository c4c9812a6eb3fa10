"""Users read the names of categories and subcategories, in Chinese or English, never their internal codes
(``facility``, ``neighbor``, ``governance.committee``): the triage pages, the rates page and an order's page."""

import html
import re

import pytest
from django.urls import reverse

from linli.triage import services as triage_services
from linli.triage.engine import taxonomy
from linli.workorders import services as s

TAXONOMY = taxonomy.default()
SUBCATEGORIES = list(TAXONOMY.subcategories)
# In English text a category code can be an ordinary word ("other", "service"); these never are.
NOT_ENGLISH_WORDS = ["facility", "neighbor", "sanitation", "greening", "utilities"]
WEIGHTS = ["response", "resolution", "satisfaction"]


def visible_text(response) -> str:
    """What a reader sees: the page without scripts, styles, comments and tags (attribute values are not shown)."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", " ", body, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def codes_in(text: str, codes) -> list[str]:
    return [c for c in codes if re.search(rf"(?<![\w.-]){re.escape(c)}(?!\.?[\w-])", text)]


def shown_codes(text: str, language: str) -> list[str]:
    if language == "zh-hans":  # no code of any kind belongs in Chinese text
        return codes_in(text, SUBCATEGORIES + list(TAXONOMY.categories) + WEIGHTS)
    return codes_in(text, SUBCATEGORIES + NOT_ENGLISH_WORDS)


def test_the_checker_finds_a_code_in_text_but_not_a_word_that_contains_it():
    assert shown_codes("分类 facility / governance.committee", "zh-hans") == ["governance.committee", "facility"]
    assert shown_codes("Shared facilities; Owners' self-governance", "en") == []
    assert shown_codes("类别 neighbor 12", "en") == ["neighbor"]


@pytest.fixture
def orders(desk):
    lift = s.workorder_create(channel="phone", text="5栋电梯坏了，老人下不了楼", actor=desk.users["street_admin"],
                              place=s.resolve_place(estate=desk.estate_a), category="facility",
                              subcategory="facility.lift")
    committee = s.workorder_create(channel="phone", text="胜利新村业委会的公章被前主任拿走不还，业委会没法开会",
                                   actor=desk.users["street_admin"], place=s.resolve_place(estate=desk.estate_a))
    noise = s.workorder_create(channel="phone", text="楼上装修噪音大，中午也在施工", actor=desk.users["street_admin"],
                               place=s.resolve_place(estate=desk.estate_a), category="neighbor")
    triage_services.correction_record(
        text="胜利新村业委会的公章被前主任拿走不还", street=desk.street, actor=desk.users["street_admin"],
        subcategory="governance.committee",
        predicted={"category": "neighbor", "subcategory": "neighbor.noise", "confidence": 0.41})
    return lift, committee, noise


NAMES = {
    "zh-hans": {"lift": "电梯故障", "committee": "业委会成立与履职", "facility": "公共设施设备", "noise": "噪音扰民"},
    "en": {"lift": "Lift out of order", "committee": "Setting up and running the owners&#x27; committee",
           "facility": "Shared facilities and equipment", "noise": "Noise nuisance"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_triage_pages_show_names_not_codes(orders, client_for, language):
    client = client_for("street_admin")
    names = {k: html.unescape(v) for k, v in NAMES[language].items()}
    pages = {
        "index": client.get(reverse("triage:index"), HTTP_ACCEPT_LANGUAGE=language),
        "try": client.post(reverse("triage:try"), {"text": "12栋电梯又坏了，老人下不了楼", "street": "500104001"},
                           HTTP_ACCEPT_LANGUAGE=language),
        "taxonomy": client.get(reverse("triage:street_taxonomy", args=["500104001"]), HTTP_ACCEPT_LANGUAGE=language),
        "taxonomy, read only": client_for("community_admin").get(
            reverse("triage:street_taxonomy", args=["500104001"]), HTTP_ACCEPT_LANGUAGE=language),
    }
    texts = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        texts[name] = visible_text(response)
        assert shown_codes(texts[name], language) == [], name
    assert names["committee"] in texts["index"] and names["noise"] in texts["index"]
    assert names["lift"] in texts["try"] and names["facility"] in texts["try"]
    assert names["lift"] in texts["taxonomy"] and names["facility"] in texts["taxonomy"]
    assert names["lift"] in texts["taxonomy, read only"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rates_page_names_the_categories_and_the_weights(orders, client_for, language):
    response = client_for("street_admin").get(reverse("workorders:rates_division", args=["500104001"]),
                                              HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    text = visible_text(response)
    assert shown_codes(text, language) == []
    assert html.unescape(NAMES[language]["facility"]) in text
    assert ("响应率 1/10" if language == "zh-hans" else "Response rate 1/10") in text


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_order_page_names_its_category_and_the_triage_proposal(orders, client_for, language):
    lift, committee, _noise = orders
    client = client_for("street_admin")
    for order in (lift, committee):
        response = client.get(reverse("workorders:order", args=[order.code]), HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert shown_codes(visible_text(response), language) == []
    text = visible_text(client.get(reverse("workorders:order", args=[lift.code]), HTTP_ACCEPT_LANGUAGE=language))
    assert html.unescape(NAMES[language]["lift"]) in text
