"""What people see in a terminal: the listing table, teaser cards and the full story, which
fit, read like the site and never pass an escape sequence from a story to the terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import STORY, STORY_PATH, Invoke
from tests.support.harness import run, scratch_newsroom
from tests.support.hostile import article, toml_string


def test_list_table_is_newest_first_and_fits(invoke: Invoke) -> None:
    result = invoke("list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(len(line) <= 100 for line in lines)
    dates = [line[:10] for line in lines if line[:4].isdigit()]
    assert dates == ["2022-03-24", "2022-03-03", "2022-02-16", "2022-01-26", "2021-11-23"]
    assert "publicerad" in result.stdout and "Familjefrågor" in result.stdout
    assert "\x1b[" not in result.stdout


def test_a_long_table_shows_the_newest_page_and_says_how_to_see_the_rest(invoke: Invoke) -> None:
    for day in range(1, 61):
        assert (
            invoke(
                "new",
                f"Notis {day}",
                "--no-input",
                "--date",
                f"2023-03-{(day % 28) + 1:02d} 10:{day % 60:02d}",
            ).exit_code
            == 0
        )
    table = invoke("list").stdout
    assert "… and 15 more of 65: see them with --limit N" in " ".join(table.split())
    assert len(invoke("list", "--format", "paths").stdout.splitlines()) == 65
    assert "more of" not in invoke("list", "--limit", "70").stdout


def test_list_cards_look_like_the_listing_page(invoke: Invoke) -> None:
    result = invoke("list", "--format", "cards", "--topic", "Familjefrågor")
    out = " ".join(result.stdout.split())
    assert "Foto: Helene Markström" in out
    assert "Framtidens socialtjänst i fokus under årets kvalitetsmässa" in out
    assert "I veckan har Socialtjänsten genomfört sin kvalitetsmässa" in out
    assert "24 mars 2022" in out


def test_show_reads_like_the_story(invoke: Invoke) -> None:
    result = invoke("show", STORY)
    assert result.exit_code == 0
    out = result.stdout
    text = " ".join(out.split())
    for expected in (
        "Förbättrad ekonomisk prognos för socialtjänsten",
        "23 november 2021 · Piteå kommun",
        "På Socialnämndens sammanträde idag",
        "Brandskydd, anhörigstöd till barn och kompetensutmaningen",
        "400 000 kronor",
        "– Vår största utmaning",
        "Författare: Piteå kommun",
        "Källa: Piteå kommun, Piteå",
        "https://www.example.se/aktuellt/forbattrad-ekonomisk-prognos-for-socialtjansten",
    ):
        assert expected in text, expected
    assert (
        text.index("På Socialnämndens")
        < text.index("Socialtjänsten arbetar")
        < text.index("Författare:")
    )
    assert "## " not in out  # the subheading is rendered, not shown as Markdown


def test_show_markup_in_titles_is_text(invoke: Invoke) -> None:
    created = invoke("new", "[bold]Inte fet[/bold] & <b>", "--no-input").stdout.strip()
    assert "[bold]Inte fet[/bold] & <b>" in invoke("show", created).stdout


TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize(
    "poison", ["\x1b[2J", "\x1b]0;PWNED\x07", "\x9b31m", "\x1b[31m", "\x08\x08\x08", "\r"]
)
def test_the_terminal_never_gets_escape_sequences_from_a_story(poison: str) -> None:
    body = f"\nFörsta stycket {poison} med kontrolltecken.\n\nAndra {poison} stycket.\n"
    files = {"articles/2022/02/fientlig.md": article("fientlig", teaser="-", body=body)}
    with scratch_newsroom(files) as root:
        for args in (
            ("show", "fientlig"),
            ("show", "fientlig", "--teaser"),
            ("list", "--format", "cards"),
            ("list",),
            ("topics",),
        ):
            shown = run(root, *args)
            assert shown.exit_code == 0
            assert not TERMINAL_CONTROL.search(shown.stdout), (args, shown.stdout)


# Everything a terminal obeys or shows reversed: C0 and C1 controls, bidi overrides, isolates.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
POISONS = ["\x1b]0;PWNED\x07", "\x1b[2J", "\x9b2J", "\u202eevil", "\u2066x\u2069"]


@pytest.mark.parametrize("poison", POISONS)
def test_names_values_and_urls_reach_the_terminal_shown_never_obeyed(
    poison: str, invoke: Invoke, newsroom_path: Path
) -> None:
    story = newsroom_path / STORY_PATH
    text = story.read_text(encoding="utf-8")
    text = text.replace('author = "Piteå kommun"', f"author = {toml_string('Piteå' + poison)}")
    text = text.replace('"Ekonomi", ', f"{toml_string('Ekonomi' + poison)}, ")
    story.write_text(text, encoding="utf-8")
    named = newsroom_path / "articles/2022/01" / f"trasig{poison}.md"
    named.write_text("ingen front matter")
    for args in (
        ("list",),
        ("list", "--format", "cards"),
        ("show", STORY),
        ("show", STORY, "--teaser"),
        ("topics",),
        ("check",),
        ("tag", "add", "Budget", "--all", "--dry-run"),
        ("export", "rss", "-o", "-"),
    ):
        result = invoke(*args, stdout_isatty=True)
        # The feed itself is data for programs (checked as XML elsewhere); its messages are not.
        streams = [result.stderr] if args[0] == "export" else [result.stdout, result.stderr]
        for stream in streams:
            assert not UNSAFE.search(stream), (args, stream)
    assert "trasig\\x1b" in invoke("list").stderr or poison[0] != "\x1b"


def test_show_raw_is_byte_exact_into_a_pipe_and_harmless_on_a_terminal(
    invoke: Invoke, newsroom_path: Path
) -> None:
    story = newsroom_path / STORY_PATH
    story.write_text(story.read_text(encoding="utf-8") + "\nSlut\x1b[2J.\n", encoding="utf-8")
    piped = invoke("show", STORY, "--raw")
    assert piped.stdout == story.read_text(encoding="utf-8")
    on_terminal = invoke("show", STORY, "--raw", stdout_isatty=True)
    assert "\x1b" not in on_terminal.stdout and "Slut\\x1b[2J." in on_terminal.stdout


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://x.se/[bold]red[/bold] blink"])
def test_a_source_link_is_clickable_only_when_the_site_would_link_it(
    url: str, invoke: Invoke, newsroom_path: Path
) -> None:
    story = newsroom_path / STORY_PATH
    text = story.read_text(encoding="utf-8")
    text = re.sub(r'^url = ".*"$', lambda _: f"url = {toml_string(url)}", text, flags=re.M)
    story.write_text(text, encoding="utf-8")
    shown = invoke("show", STORY, stdout_isatty=True, variables={"TERM": "xterm"})
    assert shown.exit_code == 0
    links = re.findall(r"\x1b]8;[^;]*;([^\x1b]*)\x1b\\", shown.stdout)
    if url.startswith("javascript:"):
        assert links == [] or all(not link for link in links)
    assert "[bold]" in shown.stdout or "javascript:" in shown.stdout  # data, never styles


def test_the_terminal_shows_a_story_on_its_day_in_the_newsrooms_timezone(
    invoke: Invoke, newsroom_path: Path
) -> None:
    story = newsroom_path / STORY_PATH
    text = story.read_text(encoding="utf-8")
    text = re.sub(r"^date = .*$", "date = 2022-06-10T23:17:00+01:00", text, flags=re.M)
    story.write_text(text, encoding="utf-8")  # 00:17 on 11 June in Stockholm (summer time)
    assert "11 juni 2022" in invoke("show", STORY).stdout
    table = invoke("list", "--search", "brandskydd").stdout
    assert "2022-06-11" in table and "2022-06-10" not in table
