"""Dates as staff type them, one reader for every option: days, months, years, words and
month names in Swedish and English, moments, on the run's clock and the newsroom's."""

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from newscli.config import Site
from newscli.errors import UsageError
from newscli.labels import long_date, month_name
from newscli.when import moment, period
from tests.conftest import NOW, STOCKHOLM, Invoke
from tests.support.newsrooms import story, write_article

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
    assert moment("2021-11-23 14:00", SITE, NOW) == local(2021, 11, 23, 14)
    assert moment("2021-11-23T14:00+00:00", SITE, NOW).utcoffset() == dt.timedelta(0)
    assert moment("igår", SITE, NOW) == local(2026, 11, 22)
    with pytest.raises(UsageError, match="cannot read date"):
        moment("förra veckan", SITE, NOW)


@given(st.text(max_size=20))
def test_any_text_is_a_period_or_a_usage_error(typed: str) -> None:
    try:
        first, last = period(typed, SITE, NOW)
    except UsageError:
        return
    assert first <= last


# -- one reader: the forms people write, in Swedish and English --------------------------------


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("3 mars 2024", local(2024, 3, 3), local(2024, 3, 3, *LAST)),
        ("3 mar 2024", local(2024, 3, 3), local(2024, 3, 3, *LAST)),
        ("3 mar. 2024 14.00", local(2024, 3, 3, 14), local(2024, 3, 3, 14)),
        ("den 3 mars 2024 kl. 14.00", local(2024, 3, 3, 14), local(2024, 3, 3, 14)),
        ("15 June 2026", local(2026, 6, 15), local(2026, 6, 15, *LAST)),
        ("June 15, 2026", local(2026, 6, 15), local(2026, 6, 15, *LAST)),
        ("15 okt 2026 9:05", local(2026, 10, 15, 9, 5), local(2026, 10, 15, 9, 5)),
        ("23 november 2021 14:05:30", local(2021, 11, 23, 14, 5, 30), None),
        ("mars 2022", local(2022, 3, 1), local(2022, 3, 31, *LAST)),
        ("December 2022", local(2022, 12, 1), local(2022, 12, 31, *LAST)),
        ("imorgon", local(2026, 11, 24), local(2026, 11, 24, *LAST)),
        ("i morgon kl 9", local(2026, 11, 24, 9), None),
        ("tomorrow at 14:00", local(2026, 11, 24, 14), None),
        ("idag 16.30", local(2026, 11, 23, 16, 30), None),
        ("igår 8:00", local(2026, 11, 22, 8), None),
        ("nu", NOW, NOW),
        ("NOW", NOW, NOW),
        ("+7d", local(2026, 11, 30), local(2026, 11, 30, *LAST)),
        ("-1w", local(2026, 11, 16), local(2026, 11, 16, *LAST)),
    ],
)
def test_swedish_and_english_words_month_names_and_times_are_read(
    typed: str, first: dt.datetime, last: dt.datetime | None
) -> None:
    assert period(typed, SITE, NOW) == (first, last or first)


def test_a_bare_duration_counts_forward_for_a_moment_ahead() -> None:
    assert moment("7d", SITE, NOW) == local(2026, 11, 16)
    assert moment("7d", SITE, NOW, ahead=True) == local(2026, 11, 30)
    assert moment("2w", SITE, NOW, ahead=True) == local(2026, 12, 7)


@pytest.mark.parametrize(
    "typed", ["31 februari 2024", "3 marsch 2024", "idag 25:00", "idag 14", "3 mars 2024 14:7"]
)
def test_a_wrong_day_or_time_is_the_one_error_listing_every_form(typed: str) -> None:
    with pytest.raises(UsageError) as error:
        moment(typed, SITE, NOW)
    for form in ("2022-02-03", "today (idag)", "3 mars 2024", "15 June 2026", "now (nu)"):
        assert form in str(error.value)


# -- daylight saving --------------------------------------------------------------------------


def test_a_local_time_that_never_happens_is_a_usage_error_naming_why() -> None:
    with pytest.raises(UsageError, match=r"does not exist in Europe/Stockholm.*2027-03-28 03:30"):
        moment("2027-03-28 02:30", SITE, NOW)


def test_a_local_time_that_happens_twice_is_the_first_in_summer_time() -> None:
    twice = moment("2027-10-31 02:30", SITE, NOW)
    assert twice.utcoffset() == dt.timedelta(hours=2)
    assert twice == dt.datetime(2027, 10, 31, 0, 30, tzinfo=dt.UTC)


# -- everything newscli prints, it reads back --------------------------------------------------

MOMENTS = st.datetimes(
    min_value=dt.datetime(1900, 1, 1),
    max_value=dt.datetime(2200, 12, 31),
    timezones=st.just(dt.UTC),
).map(lambda value: value.replace(second=0, microsecond=0).astimezone(STOCKHOLM))


@given(MOMENTS, st.sampled_from(["sv", "en"]))
def test_every_date_newscli_prints_reads_back_as_what_it_showed(
    value: dt.datetime, language: str
) -> None:
    day = period(value.strftime("%Y-%m-%d"), SITE, NOW)
    assert period(long_date(value, language), SITE, NOW) == day  # cards, show, pages
    assert day[0] <= value <= day[1]
    month = period(f"{month_name(language, value.month)} {value.year}", SITE, NOW)  # archives
    assert month == period(f"{value.year}-{value.month:02}", SITE, NOW)
    utc = value.astimezone(dt.UTC)  # == across zones is False for a time that happens twice
    assert moment(value.isoformat(), SITE, NOW).astimezone(dt.UTC) == utc  # json, build --next
    shown = moment(value.strftime("%Y-%m-%d %H:%M"), SITE, NOW)  # the table, log
    assert shown.replace(tzinfo=None) == value.replace(tzinfo=None)
    twice = value.replace(fold=1).utcoffset() != value.replace(fold=0).utcoffset()
    assume(not twice)  # a time that happens twice reads back as the first (tested above)
    assert shown.astimezone(dt.UTC) == utc


# -- every option reads the same way ---------------------------------------------------------


@pytest.fixture
def draft(newsroom_path: Path) -> Path:
    return write_article(newsroom_path, story("ett-utkast", status="draft"))


def test_every_option_takes_the_forms_newscli_prints(invoke: Invoke, draft: Path) -> None:
    assert invoke("list", "--since", "3 mars 2022", "--format", "paths").exit_code == 0
    created = invoke("new", "Sommar", "--date", "15 June 2026", "--no-input")
    assert created.exit_code == 0 and created.stdout.startswith("articles/2026/06/")
    assert invoke("new", "Vår", "--date", "3 mar 2024 14.00", "--no-input").exit_code == 0
    published = invoke("publish", "ett-utkast", "--at", "nu")
    assert published.exit_code == 0, published.stderr
    assert "date = 2026-11-23 10:00:00+01:00" in draft.read_text(encoding="utf-8")
    assert invoke("expire", "ett-utkast", "--at", "imorgon 9:00").exit_code == 0
    assert "expires = 2026-11-24 09:00:00+01:00" in draft.read_text(encoding="utf-8")


def test_every_option_gives_the_same_error_for_a_date_it_cannot_read(
    invoke: Invoke, draft: Path
) -> None:
    for args in (
        ("list", "--since", "förra veckan"),
        ("new", "X", "--date", "förra veckan", "--no-input"),
        ("publish", "ett-utkast", "--at", "förra veckan"),
        ("expire", "ett-utkast", "--at", "förra veckan"),
    ):
        result = invoke(*args)
        assert result.exit_code == 2
        assert "cannot read date 'förra veckan'; use 2022-02-03, 2022-02, 2022" in result.stderr
        assert "3 mars 2024, 15 June 2026" in result.stderr


def test_publish_at_a_time_that_never_happens_is_a_usage_error_not_a_broken_story(
    invoke: Invoke, draft: Path
) -> None:
    for command in ("publish", "expire"):
        result = invoke(command, "ett-utkast", "--at", "2027-03-28 02:30")
        assert result.exit_code == 2, result.stdout
        assert "does not exist in Europe/Stockholm" in result.stderr
        assert "broken" not in result.stdout + result.stderr
    new = invoke("new", "X", "--date", "2027-03-28 02:30", "--no-input")
    assert new.exit_code == 2 and "does not exist" in new.stderr


def test_publish_at_a_time_that_happens_twice_publishes_at_the_first(
    invoke: Invoke, draft: Path
) -> None:
    published = invoke("publish", "ett-utkast", "--at", "2027-10-31 02:30")
    assert published.exit_code == 0, published.stdout + published.stderr
    assert "1 story changed" in published.stdout
    assert "date = 2027-10-31 02:30:00+02:00" in draft.read_text(encoding="utf-8")
    expired = invoke("expire", "ett-utkast", "--at", "2027-10-31 02:30")
    assert expired.exit_code == 0, expired.stdout + expired.stderr


def test_publish_now_in_the_hour_that_happens_twice_is_not_broken(
    invoke: Invoke, draft: Path
) -> None:
    second = dt.datetime(2027, 10, 31, 1, 30, tzinfo=dt.UTC)  # 02:30 the second time
    published = invoke("publish", "ett-utkast", "--at", "now", clock=second.astimezone)
    assert published.exit_code == 0, published.stdout + published.stderr
    assert "date = 2027-10-31 02:30:00+01:00" in draft.read_text(encoding="utf-8")


def test_new_takes_an_expiry_and_a_review_date_in_the_same_forms(
    invoke: Invoke, newsroom_path: Path
) -> None:
    created = invoke(
        "new", "Kampanj", "--expires", "31 december 2026 23.59", "--review-by", "2w", "--no-input"
    )
    assert created.exit_code == 0, created.stderr
    text = (newsroom_path / created.stdout.strip()).read_text(encoding="utf-8")
    assert "expires = 2026-12-31 23:59:00+01:00" in text
    assert "review_by = 2026-12-07 00:00:00+01:00" in text  # two weeks ahead, its day's start
