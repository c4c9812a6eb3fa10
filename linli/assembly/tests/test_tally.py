"""Civil Code art. 278 as tests: who must take part, which majority each matter needs, how owners are counted.

Every threshold is tested on its edge: exactly 2/3 and exactly 3/4 are enough ("以上" includes the number,
art. 1259); exactly half is not a majority ("过半数"); one square centimetre or one owner less fails.
"""

from decimal import Decimal

import pytest

from linli.assembly.tally import (
    MATTERS,
    MORE_THAN_HALF,
    THREE_QUARTERS,
    OwnedHome,
    TallyError,
    Vote,
    approval_met,
    participation_met,
    tally,
    tally_document,
)

D = Decimal


def homes(*areas, owners=None):
    """Homes h1, h2 … owned by o1, o2 … (or the given owner keys)."""
    owners = owners or [f"o{i}" for i in range(1, len(areas) + 1)]
    return [OwnedHome(id=f"h{i}", owner=o, area=D(a)) for i, (a, o) in enumerate(zip(areas, owners, strict=True), 1)]


def votes(**choices):
    return [Vote(owner=o, choice=c) for o, c in choices.items()]


# -- the nine matters and their thresholds -----------------------------------------------------------------


def test_there_are_exactly_the_nine_matters_of_article_278():
    assert list(MATTERS) == [
        "rules_of_procedure", "management_statute", "elect_committee", "hire_manager", "use_repair_fund",
        "raise_repair_fund", "rebuild", "change_common_use", "other_major",
    ]
    assert [m.item for m in MATTERS.values()] == list(range(1, 10))


def test_items_six_to_eight_need_three_quarters_and_the_others_more_than_half():
    assert {c for c, m in MATTERS.items() if m.threshold == THREE_QUARTERS} == {
        "raise_repair_fund", "rebuild", "change_common_use"
    }
    assert MATTERS["use_repair_fund"].threshold == MORE_THAN_HALF  # item (5): using, not raising, the fund
    assert MATTERS["hire_manager"].threshold == MORE_THAN_HALF


# -- participation: 2/3 of the area AND 2/3 of the owners ----------------------------------------------------


def test_exactly_two_thirds_of_area_and_owners_is_enough_to_take_part():
    assert participation_met(D("200"), D("300"), 2, 3) is True


def test_just_under_two_thirds_of_the_area_is_not_enough_even_with_all_owners_but_one():
    assert participation_met(D("199.99"), D("300"), 2, 3) is False


def test_two_thirds_of_the_area_without_two_thirds_of_the_owners_is_not_enough():
    assert participation_met(D("250"), D("300"), 1, 3) is False
    assert participation_met(D("200"), D("300"), 5, 9) is False
    assert participation_met(D("200"), D("300"), 6, 9) is True


def test_a_vote_without_quorum_is_not_approved_even_if_everyone_who_voted_agreed():
    r = tally("hire_manager", homes("100", "100", "100"), votes(o1="for"))
    assert (r.quorum_met, r.approved) == (False, False)
    assert "不足专有部分面积和人数的三分之二" in r.explanation


# -- approval: more than half ------------------------------------------------------------------------------


def test_exactly_half_of_the_participating_area_is_not_a_majority():
    # four owners of 50 m² take part; two agree: 100/200 m² and 2/4 owners — exactly half.
    r = tally("hire_manager", homes("50", "50", "50", "50"), votes(o1="for", o2="for", o3="against", o4="against"))
    assert (r.quorum_met, r.approved) == (True, False)
    assert "同意面积 50.0%（100/200 m²）≤ 1/2，未达到" in r.explanation


def test_more_than_half_of_area_and_owners_approves_an_ordinary_matter():
    r = tally("elect_committee", homes("50", "50", "50"), votes(o1="for", o2="for", o3="against"))
    assert (r.quorum_met, r.approved) == (True, True)
    assert r.explanation.endswith("事项通过。")


def test_a_majority_of_the_area_without_a_majority_of_the_owners_fails():
    # o1 owns a big flat; the two small owners vote against.
    r = tally("management_statute", homes("200", "40", "40"), votes(o1="for", o2="against", o3="against"))
    assert r.for_area == D("200") and r.for_owners == 1
    assert r.approved is False


def test_a_majority_of_the_owners_without_a_majority_of_the_area_fails():
    r = tally("management_statute", homes("200", "40", "40"), votes(o1="against", o2="for", o3="for"))
    assert r.approved is False


def test_one_hundredth_of_a_square_metre_over_half_is_a_majority():
    assert approval_met(MORE_THAN_HALF, D("100.01"), D("200.01"), 2, 3) is True
    assert approval_met(MORE_THAN_HALF, D("100.00"), D("200.00"), 2, 3) is False


# -- approval: three quarters ------------------------------------------------------------------------------


def test_exactly_three_quarters_of_area_and_owners_raises_the_repair_fund():
    r = tally("raise_repair_fund", homes("60", "60", "60", "60"), votes(o1="for", o2="for", o3="for", o4="against"))
    assert (r.quorum_met, r.approved, r.threshold) == (True, True, "3/4")
    assert "同意面积 75.0%（180/240 m²）≥ 3/4，达到" in r.explanation


def test_just_under_three_quarters_of_the_area_does_not_rebuild():
    r = tally("rebuild", homes("60", "60", "60", "60.01"), votes(o1="for", o2="for", o3="for", o4="against"))
    assert r.approved is False


def test_two_thirds_agreement_approves_an_ordinary_matter_but_not_a_change_of_common_use():
    hs, vs = homes("50", "50", "50"), votes(o1="for", o2="for", o3="against")
    assert tally("other_major", hs, vs).approved is True
    assert tally("change_common_use", hs, vs).approved is False


def test_three_quarters_of_the_owners_without_three_quarters_of_the_area_fails():
    assert approval_met(THREE_QUARTERS, D("70"), D("100"), 3, 4) is False
    assert approval_met(THREE_QUARTERS, D("75"), D("100"), 2, 4) is False
    assert approval_met(THREE_QUARTERS, D("75"), D("100"), 3, 4) is True


# -- abstentions -------------------------------------------------------------------------------------------


def test_an_abstention_counts_towards_taking_part_but_not_towards_agreeing():
    # o3 abstains: quorum is reached thanks to o3, and then 2 of 3 participants agree (> 1/2, < 3/4).
    hs = homes("50", "50", "50")
    r = tally("use_repair_fund", hs, votes(o1="for", o2="for", o3="abstain"))
    assert (r.voting_owners, r.voting_area, r.for_owners, r.abstain_owners) == (3, D("150"), 2, 1)
    assert r.approved is True
    assert tally("raise_repair_fund", hs, votes(o1="for", o2="for", o3="abstain")).approved is False


def test_an_abstention_can_turn_a_majority_into_exactly_half():
    r = tally("hire_manager", homes("50", "50", "50", "50"), votes(o1="for", o2="for", o3="abstain", o4="against"))
    assert r.approved is False


# -- how owners are counted (SPC interpretation arts. 8 and 9) ----------------------------------------------


def test_an_owner_of_several_homes_counts_once_with_the_area_of_all_of_them():
    hs = homes("60", "40", "50", "50", owners=["wang", "wang", "li", "zhao"])
    r = tally("hire_manager", hs, votes(wang="for", li="against"))
    assert (r.total_owners, r.total_area) == (3, D("200"))
    assert (r.voting_owners, r.voting_area, r.for_area) == (2, D("150"), D("100"))
    assert r.quorum_met is True  # 150/200 area, 2/3 owners
    assert r.approved is False  # 100/150 area > 1/2 but 1/2 owners is not more than half


def test_co_owners_of_a_home_are_one_owner_with_one_ballot():
    hs = homes("70", "70", "70", owners=["zhou+chen", "li", "zhao"])
    r = tally("hire_manager", hs, votes(**{"zhou+chen": "for", "li": "for"}))
    assert (r.total_owners, r.voting_owners, r.for_owners) == (3, 2, 2)
    assert r.approved is True


def test_the_developers_unsold_homes_count_as_one_owner_with_all_their_area():
    hs = homes("100", "100", "100", "100", "90", "90", owners=["developer"] * 4 + ["a", "b"])
    r = tally("hire_manager", hs, votes(a="for", b="for"))
    assert (r.total_owners, r.total_area) == (3, D("580"))
    # 2 of 3 owners took part, but only 180 of 580 m²: no quorum.
    assert r.quorum_met is False
    r = tally("hire_manager", hs, votes(developer="against", a="for", b="for"))
    assert (r.quorum_met, r.approved) == (True, False)  # 2/3 owners agree, but 180/580 m² is not > 1/2


def test_decimal_areas_are_summed_exactly():
    hs = homes("0.1", "0.2", "0.3")
    r = tally("other_major", hs, votes(o1="for", o2="for", o3="against"))
    assert r.total_area == D("0.6") and r.for_area == D("0.3")
    assert r.approved is False  # 0.3 of 0.6 is exactly half (a float would say 0.30000000000000004)


# -- invalid input -----------------------------------------------------------------------------------------


def test_a_ballot_from_someone_who_owns_no_home_is_refused():
    with pytest.raises(TallyError, match="不拥有任何房屋的人：'tenant'"):
        tally("hire_manager", homes("50"), votes(tenant="for"))


def test_two_ballots_from_one_owner_are_refused():
    with pytest.raises(TallyError, match="同一业主投了两张票：'o1'"):
        tally("hire_manager", homes("50", "50"), [Vote("o1", "for"), Vote("o1", "against")])


@pytest.mark.parametrize("area", ["0", "-1", "abc", "NaN", "Infinity", None, True, ""])
def test_a_bad_area_is_refused(area):
    with pytest.raises(TallyError, match="面积无效"):
        tally_document({"matter": "rebuild", "homes": [{"id": "1", "owner": "a", "area": area}], "ballots": []})


def test_an_unknown_matter_is_refused():
    with pytest.raises(TallyError, match="未知的表决事项：'buy_a_boat'"):
        tally("buy_a_boat", homes("50"), [])


def test_an_unknown_choice_is_refused():
    with pytest.raises(TallyError, match="表决意见无效：'yes'"):
        tally("hire_manager", homes("50"), votes(o1="yes"))


def test_a_home_listed_twice_is_refused():
    with pytest.raises(TallyError, match="房屋 1 重复列出"):
        tally_document({"matter": "rebuild", "homes": [{"id": 1, "owner": "a", "area": 5}, {"id": 1, "owner": "b",
                                                                                             "area": 5}], "ballots": []})


def test_an_empty_electorate_cannot_decide_anything():
    with pytest.raises(TallyError, match="没有任何房屋"):
        tally("hire_manager", [], [])


def test_the_explanation_names_the_article_item_and_the_figures():
    r = tally("raise_repair_fund", homes("71.2", "28.8"), votes(o1="for", o2="for"))
    assert r.explanation == (
        "表决事项：筹集建筑物及其附属设施的维修资金（民法典第二百七十八条第一款第（六）项），"
        "同意须达参与表决面积和人数的四分之三以上（≥ 3/4）。"
        "参与表决面积 100.0%（100.0/100.0 m²）≥ 2/3，达到；参与表决人数 100.0%（2/2 人）≥ 2/3，达到。"
        "同意面积 100.0%（100.0/100.0 m²）≥ 3/4，达到；同意人数 100.0%（2/2 人）≥ 3/4，达到。事项通过。"
    )
