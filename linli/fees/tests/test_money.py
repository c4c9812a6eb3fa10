"""The arithmetic of fees: exact to the fen, rounded once, half up."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from linli.fees.money import (
    add_months,
    clip,
    monthly_charge,
    parse_money,
    parse_period,
    prorated,
    relief_share,
    to_fen,
)

D = datetime.date


def test_half_a_fen_rounds_up():
    assert to_fen(Fraction(1, 200)) == Decimal("0.01")
    assert to_fen(Fraction(1, 201)) == Decimal("0.00")
    assert to_fen(Decimal("2.345")) == Decimal("2.35")
    assert to_fen(Fraction(-1, 200)) == Decimal("-0.01")


def test_periods_are_months_quarters_and_years():
    assert parse_period("2026-12").start == D(2026, 12, 1)
    assert parse_period("2026-12").end == D(2026, 12, 31)
    q = parse_period("2026-q4")
    assert (q.code, q.frequency, q.start, q.end) == ("2026-Q4", "quarterly", D(2026, 10, 1), D(2026, 12, 31))
    assert len(parse_period("2026").months()) == 12
    assert parse_period("2027-01").previous().code == "2026-12"
    with pytest.raises(ValueError):
        parse_period("2026-13")
    with pytest.raises(ValueError):
        parse_period("12/2026")


def test_adding_months_clamps_to_the_end_of_a_short_month():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)


def test_a_monthly_charge_per_square_metre_is_kept_exact():
    assert monthly_charge(basis="per_area", rate=Decimal("0.85"), type_rates=[], area=Decimal("62.50")) == Decimal(
        "53.1250"
    )


def test_a_home_type_charge_takes_the_first_area_band_that_fits():
    bands = [{"up_to": "50", "amount": "7"}, {"up_to": "80", "amount": "8.5"}, {"up_to": None, "amount": "10"}]
    assert monthly_charge(basis="per_type", rate=0, type_rates=bands, area=Decimal("48")) == Decimal("7")
    assert monthly_charge(basis="per_type", rate=0, type_rates=bands, area=Decimal("50.00")) == Decimal("7")
    assert monthly_charge(basis="per_type", rate=0, type_rates=bands, area=Decimal("62.5")) == Decimal("8.5")
    assert monthly_charge(basis="per_type", rate=0, type_rates=bands, area=Decimal("120")) == Decimal("10")


def test_moving_in_on_the_11th_of_december_pays_21_of_31_days():
    exact, days = prorated(Decimal("10"), parse_period("2026-12"), [(D(2026, 12, 11), D(9999, 12, 31))])
    assert days == 21
    assert exact == Fraction(210, 31)
    assert to_fen(exact) == Decimal("6.77")


def test_a_quarter_is_prorated_month_by_month_and_rounded_once():
    # 53.125 a month; moved out on 15 November: all of October, 15 of 30 days of November.
    exact, days = prorated(Decimal("53.125"), parse_period("2026-Q4"), [(D(2000, 1, 1), D(2026, 11, 15))])
    assert days == 46
    assert to_fen(exact) == Decimal("79.69")  # 53.125 + 26.5625 = 79.6875 → 79.69, not 53.13 + 26.56


def test_a_full_month_costs_exactly_the_monthly_charge_whatever_its_length():
    for code in ("2026-02", "2026-04", "2026-12"):
        period = parse_period(code)
        assert to_fen(prorated(Decimal("8.5"), period, [(period.start, period.end)])[0]) == Decimal("8.50")


def test_overlapping_stays_are_counted_once():
    assert clip([(D(2026, 1, 1), D(2026, 1, 20)), (D(2026, 1, 10), D(2026, 2, 5))], D(2026, 1, 5), D(2026, 1, 31)) == [
        (D(2026, 1, 5), D(2026, 1, 31))
    ]


def test_relief_is_prorated_like_the_bill():
    period = parse_period("2026-12")
    billable = [(period.start, period.end)]
    half = (D(2026, 12, 1), D(2026, 12, 15))
    assert relief_share(kind="exempt", value=0, monthly=Decimal("31"), period=period, billable=billable,
                        relief=half) == 15
    assert relief_share(kind="percent", value=Decimal("50"), monthly=Decimal("31"), period=period,
                        billable=billable, relief=(period.start, period.end)) == Fraction(31, 2)
    assert relief_share(kind="fixed", value=Decimal("40"), monthly=Decimal("31"), period=period,
                        billable=billable, relief=(period.start, period.end)) == 31  # never more than the charge


def test_amounts_typed_by_people_are_checked():
    assert parse_money("1,200.5") == Decimal("1200.50")
    for bad in ("0", "-3", "1.234", "abc", "NaN"):
        with pytest.raises((ValueError, ArithmeticError)):
            parse_money(bad)


def test_a_bad_period_is_named_in_the_readers_language():
    from django.utils import translation

    with pytest.raises(ValueError) as caught:
        parse_period("2026-13")
    with translation.override("zh-hans"):
        assert str(caught.value) == "月份应为 01–12：2026-13"
    with translation.override("en"):
        assert str(caught.value) == "The month must be 01–12: 2026-13"


@pytest.mark.parametrize("code", ["0797-08", "0797-Q3", "0797"])
def test_a_period_code_reads_back_as_the_same_period(code):
    # A billing run stores the code and parses it again for each chunk: "797-08" was refused (a 500 in the API).
    period = parse_period(code)
    assert (period.code, parse_period(period.code)) == (code, period)
