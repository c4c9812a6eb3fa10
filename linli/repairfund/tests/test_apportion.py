"""The apportionment by floor area (Beijing 物业管理条例 art. 86(1)), exact to the cent by the largest remainder."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linli.repairfund.apportion import apportion


def test_three_equal_homes_share_100_with_the_extra_cent_to_the_smallest_id():
    assert apportion(Decimal("100.00"), {7: Decimal("50"), 3: Decimal("50"), 5: Decimal("50")}) == {
        3: Decimal("33.34"), 5: Decimal("33.33"), 7: Decimal("33.33")}


def test_areas_with_many_decimals_sum_exactly():
    areas = {1: Decimal("33.333333"), 2: Decimal("66.6666667"), 3: Decimal("0.0000003")}
    shares = apportion(Decimal("0.10"), areas)
    assert sum(shares.values()) == Decimal("0.10")
    assert shares == {1: Decimal("0.03"), 2: Decimal("0.07"), 3: Decimal("0.00")}


def test_one_home_takes_the_whole_amount():
    assert apportion(Decimal("12345.67"), {9: Decimal("48.00")}) == {9: Decimal("12345.67")}


def test_the_largest_remainder_gets_the_cent_not_the_largest_home():
    # exact shares: 62.50/110.50 × 1000 = 565.6108…, 48/110.50 × 1000 = 434.3891…
    assert apportion(Decimal("1000.00"), {1: Decimal("62.50"), 2: Decimal("48.00")}) == {
        1: Decimal("565.61"), 2: Decimal("434.39")}


def test_a_worked_example_of_the_docs():
    shares = apportion(Decimal("10000.00"), {1: Decimal("62.50"), 2: Decimal("48.00"), 3: Decimal("48.00")})
    assert shares == {1: Decimal("3943.22"), 2: Decimal("3028.39"), 3: Decimal("3028.39")}


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="no homes"):
        apportion(Decimal("1.00"), {})
    with pytest.raises(ValueError, match="two decimals"):
        apportion(Decimal("1.001"), {1: Decimal("1")})
    with pytest.raises(ValueError, match="> 0"):
        apportion(Decimal("1.00"), {1: Decimal("0")})


amounts = st.integers(min_value=0, max_value=10**11).map(lambda c: Decimal(c) / 100)
areas = st.dictionaries(st.integers(min_value=1, max_value=10**6),
                        st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("100000"), places=4),
                        min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(amount=amounts, areas=areas)
def test_the_shares_sum_to_the_amount_and_each_is_within_a_cent_of_its_exact_share(amount, areas):
    shares = apportion(amount, areas)
    assert set(shares) == set(areas)
    assert sum(shares.values()) == amount
    total = sum(Fraction(a) for a in areas.values())
    for home, share in shares.items():
        exact = Fraction(amount) * Fraction(areas[home]) / total
        assert abs(Fraction(share) - exact) < Fraction(1, 100)
        assert share >= 0 and share == share.quantize(Decimal("0.01"))
