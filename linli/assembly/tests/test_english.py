"""In English, the rules of the vote speak English: the tally's errors, the matters, thresholds and the account
of the count (written in Chinese in linli/assembly/tally.py, translated through the catalogue when shown)."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from linli.assembly import tally
from linli.assembly.models import Motion
from linli.core.testing import post

HOMES = [tally.OwnedHome("1", "a", Decimal("60")), tally.OwnedHome("2", "b", Decimal("40"))]


def test_a_tally_error_is_chinese_by_default_and_english_in_english():
    with pytest.raises(tally.TallyError) as caught:
        tally.tally("rebuild", HOMES + [HOMES[0]], [])
    with translation.override("zh-hans"):
        assert str(caught.value) == "房屋 1 重复列出"
    with translation.override("en"):
        assert str(caught.value) == "Home 1 is listed twice"


def test_the_account_of_the_count_is_written_in_the_active_language():
    votes = [tally.Vote("a", "for"), tally.Vote("b", "against")]
    with translation.override("zh-hans"):
        chinese = tally.tally("rebuild", HOMES, votes).explanation
    with translation.override("en"):
        english = tally.tally("rebuild", HOMES, votes).explanation
    assert chinese.startswith("表决事项：改建、重建建筑物及其附属设施（民法典第二百七十八条第一款第（七）项）")
    assert chinese.endswith("事项未通过。")
    assert english.startswith("Matter: Rebuilding or reconstructing the buildings and their ancillary facilities "
                              "(Civil Code art. 278(1), item (7)); approval needs three quarters or more (≥ 3/4)")
    assert english.endswith("The matter is not approved.")
    assert "Participating area 100.0% (100/100 m²) ≥ 2/3, met" in english


def test_a_closed_motion_explains_its_count_in_the_readers_language():
    motion = Motion(matter="rebuild", quorum_met=False, approved=False, total_area=Decimal("100.00"), total_owners=2,
                    voting_area=Decimal("40.00"), voting_owners=1, for_area=Decimal("40.00"), for_owners=1,
                    explanation="（关闭时写下的中文）")
    with translation.override("en"):
        assert motion.explanation_text.endswith("the vote is void and the matter is not approved.")
        assert motion.get_matter_display() == ("Rebuilding or reconstructing the buildings and their ancillary "
                                               "facilities")
        assert motion.threshold_label == "three quarters or more (≥ 3/4)"
    assert Motion(matter="rebuild").explanation_text == ""


def test_the_tally_endpoint_answers_in_english_to_an_english_reader(world, client_for):
    doc = {"matter": "rebuild", "homes": [{"id": "1", "owner": "a", "area": "60"}],
           "ballots": [{"owner": "a", "choice": "for"}, {"owner": "a", "choice": "against"}]}
    client = client_for("resident_a")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = post(client, "/api/v1/assembly/tally/", doc)
    assert response.status_code == 400
    assert response.json()["message"] == "The same owner cast two ballots: 'a'"


@pytest.mark.parametrize(("language", "steps"), [("zh-hans", ["创建表决事项", "开始表决", "计票并公示结果", "启动选聘"]),
                                                 ("en", ["Motion drafted", "Voting opened", "Votes counted and the "
                                                         "result posted", "Selection opened"])])
def test_the_steps_of_a_motion_and_a_case_are_named_not_coded(world, client_for, language, steps):
    from django.urls import reverse

    from linli.assembly import services
    from linli.core.testing import decided

    motion = decided(world)
    case = services.selection_open(estate=world.estate_b, actor=world.street_admin,
                                   deadline=timezone.localdate(motion.closes_at))
    client = client_for("street_admin")
    motion_page = client.get(reverse("assembly:motion_detail", args=[motion.pk]), HTTP_ACCEPT_LANGUAGE=language)
    case_page = client.get(reverse("assembly:case_detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE=language)
    text = motion_page.content.decode() + case_page.content.decode()
    assert [step in text for step in steps] == [True] * 4
    codes = "created|opened|closed|mode_decided|hired|self_managed|custodian_appointed"
    assert re.findall(rf"\d\d:\d\d (?:· )?(?:{codes})\b", text) == []
