import datetime

from linli.workorders.calendar import add_working_days, is_workday
from linli.workorders.data_loader import read_holidays


def test_weekends_are_not_working_days(db):
    assert is_workday(datetime.date(2026, 11, 20)) is True  # Friday
    assert is_workday(datetime.date(2026, 11, 21)) is False  # Saturday


def test_national_day_is_a_holiday_and_the_adjusted_saturday_is_a_working_day(db):
    assert is_workday(datetime.date(2026, 10, 1)) is False
    assert is_workday(datetime.date(2026, 10, 10)) is True  # Saturday worked in exchange (调休)


def test_five_working_days_from_friday_end_on_the_next_friday(db):
    start = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    due = add_working_days(start, 5)
    assert (due.date(), due.hour, due.minute) == (datetime.date(2026, 11, 27), 9, 30)


def test_working_days_skip_the_national_holiday_and_count_the_adjusted_saturday(db):
    start = datetime.datetime(2026, 9, 30, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    # 10-01..10-07 off, 10-08 Thu, 10-09 Fri, 10-10 Sat (worked), 10-12 Mon
    assert add_working_days(start, 4).date() == datetime.date(2026, 10, 12)


def test_the_holiday_file_has_both_kinds_of_rows():
    rows = read_holidays()
    assert {w for _, w, _ in rows} == {True, False}
    assert len({d for d, _, _ in rows}) == len(rows)
