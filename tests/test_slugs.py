"""Swedish-aware slugs for article paths, and accent folding for search."""

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from newscli.slugs import MAX_SLUG, fold, is_valid_slug, make_slug, unique_slug
from tests.conftest import Invoke


def test_swedish_letters_fold_the_swedish_way() -> None:
    assert make_slug("Jäv för") == "jav-for"
    assert make_slug("Åsa öppnar Älvsbyn") == "asa-oppnar-alvsbyn"
    assert make_slug("Café på Österbo") == "cafe-pa-osterbo"


def test_long_titles_are_cut_at_a_word_boundary() -> None:
    title = "Förbättrad ekonomisk prognos för socialtjänsten, utökat brandskydd och satsning på barn som anhöriga"
    slug = make_slug(title)
    assert len(slug) <= MAX_SLUG
    assert slug.startswith("forbattrad-ekonomisk-prognos-for-socialtjansten")
    assert (
        title.lower()
        .replace("å", "a")
        .replace("ä", "a")
        .replace("ö", "o")
        .replace(",", "")
        .replace(" ", "-")
        .startswith(slug)
    )


def test_hostile_titles_give_safe_slugs() -> None:
    for title in ("../../x", "/etc/passwd", "<script>alert(1)</script>", "..", "\x00\x07"):
        slug = make_slug(title)
        assert is_valid_slug(slug), slug
        assert "/" not in slug and ".." not in slug


def test_a_title_without_letters_still_gets_a_slug() -> None:
    assert make_slug("!!! ???") == "artikel"


def test_clashing_slugs_get_numbers() -> None:
    assert unique_slug("nyhet", set()) == "nyhet"
    assert unique_slug("nyhet", {"nyhet"}) == "nyhet-2"
    assert unique_slug("nyhet", {"nyhet", "nyhet-2"}) == "nyhet-3"
    long = "a" * MAX_SLUG
    numbered = unique_slug(long, {long})
    assert numbered.endswith("-2") and len(numbered) <= MAX_SLUG


def test_search_folding() -> None:
    assert fold("Förbättrad") == "forbattrad"
    assert fold("ÅÄÖ é") == "aao e"


@given(st.text(max_size=200))
def test_every_title_gives_a_valid_slug(title: str) -> None:
    assert is_valid_slug(make_slug(title))


def test_search_finds_a_word_with_a_soft_hyphen_or_zero_width_space_inside(
    invoke: Invoke, newsroom_path: Path
) -> None:
    story = newsroom_path / "articles/2021/11/forbattrad-ekonomisk-prognos-for-socialtjansten.md"
    text = story.read_text(encoding="utf-8")
    text = text.replace("brandskydd", "brand\u00adskydd").replace("Österbo", "Öster\u200bbo")
    story.write_text(text, encoding="utf-8")
    for index in ([], ["--no-index"]):
        for word in ("brandskydd", "österbo", "Brand\u00adskydd"):
            found = invoke("list", "--search", word, "--format", "paths", *index)
            assert found.stdout.strip().endswith(
                "forbattrad-ekonomisk-prognos-for-socialtjansten.md"
            )
