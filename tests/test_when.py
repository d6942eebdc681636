"""Dates as staff type them for a selection: days, months, years and words, on the run's clock."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscli.config import Site
from newscli.errors import UsageError
from newscli.when import parse_date, period
from tests.conftest import NOW, STOCKHOLM

SITE = Site()


def local(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=STOCKHOLM)  # type: ignore[misc]


LAST = (23, 59, 59, 999999)


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("2022-02-03", local(2022, 2, 3), local(2022, 2, 3, *LAST)),
        ("2022-02", local(2022, 2, 1), local(2022, 2, 28, *LAST)),
        ("2024-2", local(2024, 2, 1), local(2024, 2, 29, *LAST)),
        ("2022-12", local(2022, 12, 1), local(2022, 12, 31, *LAST)),
        ("2022", local(2022, 1, 1), local(2022, 12, 31, *LAST)),
        # NOW is Monday 2026-11-23 10:00 in Stockholm.
        ("today", local(2026, 11, 23), local(2026, 11, 23, *LAST)),
        ("IDAG", local(2026, 11, 23), local(2026, 11, 23, *LAST)),
        ("yesterday", local(2026, 11, 22), local(2026, 11, 22, *LAST)),
        ("igår", local(2026, 11, 22), local(2026, 11, 22, *LAST)),
        ("igar", local(2026, 11, 22), local(2026, 11, 22, *LAST)),
        ("7d", local(2026, 11, 16), local(2026, 11, 16, *LAST)),
        ("0d", local(2026, 11, 23), local(2026, 11, 23, *LAST)),
        ("2w", local(2026, 11, 9), local(2026, 11, 9, *LAST)),
        ("2v", local(2026, 11, 9), local(2026, 11, 9, *LAST)),
        ("2022-02-03 14:00", local(2022, 2, 3, 14), local(2022, 2, 3, 14)),
    ],
)
def test_each_form_of_a_date_is_a_period_in_the_newsrooms_timezone(
    typed: str, first: dt.datetime, last: dt.datetime
) -> None:
    assert period(typed, SITE, NOW) == (first, last)


def test_today_is_the_newsrooms_day_not_the_clocks_zone() -> None:
    # 23:30 UTC on the 22nd is already the 23rd in Stockholm.
    late = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC)
    assert period("today", SITE, late)[0] == local(2026, 11, 23)


def test_a_day_across_a_change_to_summer_time_is_23_hours_long() -> None:
    first, last = period("2022-03-27", SITE, NOW)
    assert last.timestamp() - first.timestamp() < 23 * 3600
    assert last.utcoffset() == dt.timedelta(hours=2)


@pytest.mark.parametrize("typed", ["x", "2022-13", "2022-00", "13/02/2022", "7y", "", "igårdag"])
def test_a_date_that_cannot_be_read_lists_the_forms_that_can(typed: str) -> None:
    with pytest.raises(UsageError, match=r"2022-02-03, 2022-02, 2022, today \(idag\)"):
        period(typed, SITE, NOW)


def test_a_moment_is_read_in_the_newsrooms_timezone_unless_it_has_an_offset() -> None:
    assert parse_date("2021-11-23 14:00", SITE) == local(2021, 11, 23, 14)
    assert parse_date("2021-11-23T14:00+00:00", SITE).utcoffset() == dt.timedelta(0)
    with pytest.raises(UsageError, match="cannot read date"):
        parse_date("igår", SITE)


@given(st.text(max_size=20))
def test_any_text_is_a_period_or_a_usage_error(typed: str) -> None:
    try:
        first, last = period(typed, SITE, NOW)
    except UsageError:
        return
    assert first <= last
