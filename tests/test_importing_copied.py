"""Copied pages: the two seed pages read as the sample newsroom's five stories, and the shapes
and bytes a browser copy (or the editor it was saved in) can give."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscli.article import Article
from newscli.importing.copied import decode_page, parse_page, read_page, read_text
from newscli.importing.incoming import Incoming, Unreadable
from newscli.markdown import plain_text
from newscli.newsroom import Newsroom
from tests.conftest import REPO
from tests.support.fuzz import FUZZ

COPIED = REPO / "tests" / "fixtures" / "import" / "copied"
LISTING = COPIED / "000_187f951b2794131d.txt"
STORY = COPIED / "002_d63b6bedf3edc624.txt"


def sample_articles() -> dict[str, Article]:
    """The sample newsroom's articles by title, read by newscli's own parser."""
    newsroom = Newsroom(REPO)
    return {a.title: a for a in (newsroom.load(p) for p in newsroom.article_files())}


def stories(read: list[Incoming | Unreadable]) -> list[Incoming]:
    assert all(isinstance(entry, Incoming) for entry in read), read
    return [entry for entry in read if isinstance(entry, Incoming)]


def problems(read: list[Incoming | Unreadable]) -> list[str]:
    return [entry.problem for entry in read if isinstance(entry, Unreadable)]


def test_the_seed_fixtures_are_the_seed_pages_byte_for_byte() -> None:
    seeds = REPO.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("the shared seeds are not beside this checkout")
    for page in (LISTING, STORY):
        assert page.read_bytes() == (seeds / page.name).read_bytes()


# -- the two seed pages against the sample newsroom ------------------------------------------


def test_the_two_seed_pages_give_the_sample_newsrooms_five_stories() -> None:
    imported = stories(read_text([LISTING, STORY]))
    assert sorted(i.title for i in imported) == sorted(sample_articles())


def test_the_story_page_gives_the_sample_story_field_by_field() -> None:
    [story] = stories(read_text([STORY]))
    sample = sample_articles()[story.title]
    assert story.lead == sample.teaser == sample.lead
    assert story.author == sample.author == "Piteå kommun"
    assert sample.source is not None
    assert story.source_name == sample.source.name == "Piteå kommun, Piteå"
    # The page names no topic and no address: the sample's topics and url were chosen by hand.
    assert story.topics == ()
    assert story.source_url == ""
    assert story.photo is None and sample.image is None
    assert story.date is None  # copied text has no date; the writer asks for one

    ours = story.body.split("\n\n")
    theirs = sample.body.strip("\n").split("\n\n")
    # Rule "the pointer to the original is the source's note": the sample keeps that line as
    # the body's last paragraph; the reader moves it into [source].
    assert (
        story.source_note
        == theirs.pop()
        == ("Detta inlägg finns i sin helhet på Piteå kommun – Aktuellt hemsida.")
    )
    assert len(ours) == len(theirs) == 11
    assert ours[4] == theirs[4] == "## Brandskydd, anhörigstöd till barn och kompetensutmaningen"
    changed = 0
    for mine, sample_paragraph in zip(ours, theirs, strict=True):
        if sample_paragraph.startswith("-"):
            # Rule "quotes open with the Swedish dash": the sample keeps the seed's "-Det"
            # as written; the reader makes it "– Det" like the seed's own "– Vår".
            assert mine == "– " + sample_paragraph[1:]
            changed += 1
        else:
            assert mine == sample_paragraph
    assert changed == 4
    assert ours[-1].startswith("– Vår största utmaning")  # the en-dash quote, kept


def test_the_listing_page_gives_one_draft_per_teaser_with_the_sample_fields() -> None:
    imported = stories(read_text([LISTING]))
    samples = sample_articles()
    assert [i.title for i in imported] == [
        "Framtidens socialtjänst i fokus under årets kvalitetsmässa",
        "Piteå kommun deltar i kampanjen En vecka fri från våld",
        "Socialnämnden har minskat sitt budgetunderskott med 31 miljoner på två år",
        "Socialtjänsten erbjuder stöd till anhöriga genom ny organisation",
    ]
    for teaser in imported:
        sample = samples[teaser.title]
        assert teaser.status == "draft"
        assert teaser.topics == ("Familjefrågor",)
        assert "Familjefrågor" in sample.topics
        # The sample's lead is its teaser, or (for the last) its body's first paragraph.
        assert teaser.lead == sample.lead
        assert teaser.body == ""
        # A listing carries no byline; the sample's author was set by hand.
        assert teaser.author == "" and sample.author == "Piteå kommun"
        assert teaser.photo is not None and sample.image is not None
        assert teaser.photo.url == ""
        assert teaser.photo.caption == sample.image.caption
        assert teaser.photo.credit == sample.image.credit


def test_the_headline_shown_twice_on_the_listing_is_the_photos_alt_text() -> None:
    imported = {i.title: i for i in stories(read_text([LISTING]))}
    samples = sample_articles()
    title = "Socialnämnden har minskat sitt budgetunderskott med 31 miljoner på två år"
    photo = imported[title].photo
    assert photo is not None and samples[title].image is not None
    assert photo.alt == samples[title].image.alt == title
    assert photo.caption == photo.credit == ""
    # The other photos' alt texts are not in the copied text; the sample's were written by hand.
    others = [i.photo.alt for t, i in imported.items() if t != title and i.photo]
    assert others == ["", "", ""]


def test_only_the_caption_that_ends_in_foto_has_a_credit() -> None:
    credits = [i.photo.credit for i in stories(read_text([LISTING])) if i.photo]
    assert credits == ["Helene Markström", "", "", ""]


def test_navigation_text_is_left_out_of_every_story() -> None:
    for story in stories(read_text([LISTING, STORY])):
        words = " ".join(
            [story.title, story.lead, story.body, story.photo.caption if story.photo else ""]
        )
        assert "Gå direkt till innehåll" not in words
        assert "Ämnen:" not in words


# -- shapes ---------------------------------------------------------------------------------


def test_quotes_opened_with_any_dash_get_the_swedish_dash_and_hyphens_inside_stay() -> None:
    page = "Rubrik\n\nIngress.\n\n-Ja, säger hon.\n\n- Nej, säger han.\n\n—Kanske, säger Sven-Gösta.\n\n-5 grader i dag.\n"
    [story] = stories(parse_page(page, "p.txt"))
    assert story.body.split("\n\n") == [
        "– Ja, säger hon.",
        "– Nej, säger han.",
        "– Kanske, säger Sven-Gösta.",
        "-5 grader i dag.",  # a minus sign, not a quote
    ]


def test_a_short_line_is_a_subheading_only_between_paragraphs() -> None:
    page = "Rubrik\n\nIngress.\n\nStycke ett.\n\nEn mellanrubrik\n\nStycke två.\n\nSista raden utan punkt\n"
    [story] = stories(parse_page(page, "p.txt"))
    assert story.body.split("\n\n") == [
        "Stycke ett.",
        "## En mellanrubrik",
        "Stycke två.",
        "Sista raden utan punkt",
    ]


def test_words_that_look_like_markdown_stay_words() -> None:
    page = "Rubrik\n\nIngress.\n\n1. Det här är ingen lista, *ingen* [länk](x) och <b>ingen</b> tagg.\n\n# Ingen rubrik heller.\n"
    [story] = stories(parse_page(page, "p.txt"))
    first, second = story.body.split("\n\n")
    assert (
        plain_text(first) == "1. Det här är ingen lista, *ingen* [länk](x) och <b>ingen</b> tagg."
    )
    assert plain_text(second) == "# Ingen rubrik heller."


def test_a_topics_line_on_a_story_page_gives_its_topics() -> None:
    page = "Rubrik\n\nIngress.\n\nText.\n\nÄmnen: Ekonomi, Anhörigstöd\n"
    [story] = stories(parse_page(page, "p.txt"))
    assert story.topics == ("Ekonomi", "Anhörigstöd")
    assert story.body == "Text."


def test_a_page_that_is_neither_story_nor_listing_is_unreadable_with_the_reason() -> None:
    read = parse_page("Första meningen är en mening. Den andra också.\n\nOch en till.\n", "x.txt")
    assert read == [
        Unreadable(
            "x.txt",
            "neither a story (a title line, then paragraphs) nor a topic listing "
            "(an “Ämnen: …” line, then teasers)",
        )
    ]
    assert problems(parse_page("\n \n", "e.txt")) == ["the page is empty"]
    assert problems(parse_page("Bara en rubrik\n\nFörfattare: Någon\n", "t.txt")) == [
        "a title and no text: not a story"
    ]


def test_listing_text_that_belongs_to_no_teaser_is_named_and_the_teasers_are_still_read() -> None:
    page = (
        "Ämnen: Ekonomi\n\nRubrik ett\n\nTeaser ett.\n\nEtt stycke till.\n\nEn bildtext.\n\n"
        "Rubrik två\n\nTeaser två.\n\nSidfot utan rubrik efter.\n"
    )
    read = parse_page(page, "l.txt")
    assert [e.title for e in read if isinstance(e, Incoming)] == ["Rubrik ett", "Rubrik två"]
    assert problems(read) == [
        "text that belongs to no teaser, left out: “Ett stycke till.”",
        "text that belongs to no teaser, left out: “Sidfot utan rubrik efter.”",
    ]
    two = next(e for e in read if isinstance(e, Incoming) and e.title == "Rubrik två")
    assert two.photo is not None and two.photo.caption == "En bildtext."


def test_windows_line_ends_read_as_the_same_page() -> None:
    text = STORY.read_text(encoding="utf-8")
    crlf = parse_page(text.replace("\n", "\r\n"), "s.txt")
    assert crlf == parse_page(text, "s.txt")


# -- bytes ----------------------------------------------------------------------------------


def test_a_page_saved_as_windows_ansi_reads_with_its_dashes_and_letters() -> None:
    text = "Rubrik om våld\n\nIngress med “citat”.\n\n– Vi är glada, säger Åsa.\n"
    assert decode_page(text.encode("cp1252")) == text


def test_one_stray_byte_in_a_utf8_page_does_not_garble_the_rest() -> None:
    data = "Piteå kommun – ".encode() + b"\xe9t\xe9"
    assert decode_page(data) == "Piteå kommun – été"


def test_undefined_windows_bytes_are_dropped_not_kept_as_controls() -> None:
    assert decode_page(b"a\x81b\x9dc") == "abc"


def test_byte_order_marks_and_utf16_are_read() -> None:
    text = "Rubrik\n\nIngress på svenska.\n"
    assert decode_page(codecs.BOM_UTF8 + text.encode()) == text
    assert decode_page(text.encode("utf-16")) == text


def test_a_binary_file_an_empty_one_and_a_missing_one_are_each_named(tmp_path: Path) -> None:
    binary = tmp_path / "bild.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    missing = tmp_path / "saknas.txt"
    read = read_text([binary, missing, tmp_path, STORY])
    assert [e.where for e in read if isinstance(e, Unreadable)] == [
        str(binary),
        str(missing),
        str(tmp_path),
    ]
    assert problems(read)[0] == "not a text file (it holds NUL bytes)"
    assert problems(read)[1].startswith("cannot read: ")
    assert problems(read)[2].startswith("is not a regular file")  # the folder
    assert isinstance(read[-1], Incoming)  # one bad file never stops the others


def test_a_file_too_large_to_be_a_copied_page_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "stor.txt"
    big.write_bytes(b"a" * (5 * 1024 * 1024 + 1))
    assert problems(read_page(big)) == ["too large for a copied page (over 5 MB)"]


# -- never a crash ------------------------------------------------------------------------------

PAGE_PARTS = st.sampled_from(
    [
        "Ämnen: Ekonomi",
        "Rubrik",
        "Ett stycke.",
        "-Citat.",
        "Foto: Per Ek",
        "Författare: X",
        "\n",
        "\n\n",
        "\r\n",
        "\x0b",
        "\u2028",
        "*",
        "1. ",
        "#",
    ]
)


@FUZZ
@given(st.lists(st.one_of(PAGE_PARTS, st.text()), max_size=20))
def test_any_text_is_read_as_stories_or_named_never_a_crash(parts: list[str]) -> None:
    for entry in parse_page("".join(parts), "f.txt"):
        assert isinstance(entry, Incoming | Unreadable)
        if isinstance(entry, Incoming):
            assert entry.title and "\n" not in entry.title


@FUZZ
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_are_called_binary(data: bytes) -> None:
    text = decode_page(data)
    assert text is None or isinstance(text, str)


def test_a_pipe_named_as_a_page_is_refused_not_waited_on(tmp_path: Path) -> None:
    """`import text` given a FIFO by mistake: refused at once (it used to wait for a writer
    for ever)."""
    import os
    import threading

    fifo = tmp_path / "sida.txt"
    os.mkfifo(fifo)
    answer: list[list[Incoming | Unreadable]] = []
    reader = threading.Thread(target=lambda: answer.append(read_page(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert answer, "read_page is still waiting on the pipe"
    assert problems(answer[0]) == [
        "is not a regular file (a folder, pipe, socket or device); not read"
    ]
