"""What people see in a terminal: the listing table, teaser cards and the full story, which
fit, read like the site and never pass an escape sequence from a story to the terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import STORY, STORY_PATH, Invoke
from tests.support.harness import run, scratch_newsroom
from tests.support.hostile import article, toml_string

# Styles, and the OSC 8 hyperlinks a terminal gets for a source link: not text on the screen.
ANSI = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\")
SLUGS = [
    "framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa",
    "pitea-kommun-deltar-i-kampanjen-en-vecka-fri-fran-vald",
    "socialnamnden-har-minskat-sitt-budgetunderskott-med-31-miljoner-pa-tva-ar",
    "socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation",
    STORY,
]


def on_terminal(columns: int) -> dict[str, object]:
    """Environment overrides for a terminal this many columns wide, without colour."""
    return {"stdout_isatty": True, "variables": {"COLUMNS": str(columns), "NO_COLOR": "1"}}


def test_list_table_is_newest_first_and_fits(invoke: Invoke) -> None:
    result = invoke("list", **on_terminal(100))
    assert result.exit_code == 0
    lines = ANSI.sub("", result.stdout).splitlines()
    assert all(len(line) <= 100 for line in lines)
    dates = [line[:10] for line in lines if line[:4].isdigit()]
    assert dates == ["2022-03-24", "2022-03-03", "2022-02-16", "2022-01-26", "2021-11-23"]
    text = "\n".join(lines)
    assert "published" in text and "Familjefrågor" in text


@pytest.mark.parametrize("columns", [80, 100, 140, 200])
def test_a_slug_is_never_broken_across_lines_and_titles_wrap_instead(
    invoke: Invoke, columns: int
) -> None:
    lines = ANSI.sub("", invoke("list", **on_terminal(columns)).stdout).splitlines()
    assert all(len(line) <= columns for line in lines)
    for slug in SLUGS:
        if len(slug) <= columns - 13:  # the date column and its gap beside it
            assert any(slug in line for line in lines), (columns, slug)
        else:  # wider than the window can show beside a date: cut, never folded
            assert any(slug[:40] in line and "…" in line for line in lines), (columns, slug)
            assert not any(slug[-6:] in line for line in lines)  # no folded remainder
    if columns == 200:  # room for every column: a story's date, title and slug on one line
        first = next(line for line in lines if line.startswith("2022-03-24"))
        assert "Framtidens socialtjänst" in first and SLUGS[0] in first


def test_list_into_a_pipe_is_one_tab_separated_line_per_story(invoke: Invoke) -> None:
    result = invoke("list")  # stdout is not a terminal
    assert "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    assert all(line.count("\t") == 4 for line in lines)
    # newscli list | grep slug: the whole slug, on the line of its title
    found = [line for line in lines if "socialnamnden-har-minskat" in line]
    assert found == [
        "2022-02-16\tSocialnämnden har minskat sitt budgetunderskott med 31 miljoner på två år"
        "\tFamiljefrågor, Ekonomi\tpublished\t" + SLUGS[2]
    ]
    # newscli list | cut -f5: the slugs, newest first
    assert [line.split("\t")[4] for line in lines] == SLUGS
    with_lix = invoke("list", "--lix").stdout.splitlines()
    assert all(line.count("\t") == 5 and line.split("\t")[5].isdigit() for line in with_lix)


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
    table = invoke("list", **on_terminal(100)).stdout
    assert "… and 15 more of 65: see them with --limit N" in " ".join(table.split())
    assert len(invoke("list", "--format", "paths").stdout.splitlines()) == 65
    assert "more of" not in invoke("list", "--limit", "70", **on_terminal(100)).stdout
    piped = invoke("list").stdout  # a pipe gets every story, and no footer in its data
    assert len(piped.splitlines()) == 65 and "more of" not in piped
    assert len(invoke("list", "--limit", "3").stdout.splitlines()) == 3


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
    # The source's address whole on one line, to copy (the 80-column cap never breaks it).
    url = "https://www.example.se/aktuellt/forbattrad-ekonomisk-prognos-for-socialtjansten"
    assert url in out.splitlines()


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


# -- show: reading width, trailing spaces, the pager -----------------------------------------

CARD_STORY = "framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa"


def test_show_reads_at_most_80_columns_wide_even_in_a_wide_window(invoke: Invoke) -> None:
    for overrides in (on_terminal(200), {"variables": {"COLUMNS": "200"}}):
        shown = ANSI.sub("", invoke("show", STORY, "--no-pager", **overrides).stdout)
        lines = shown.splitlines()
        assert max(len(line) for line in lines) == 80
        assert "Förbättrad ekonomisk prognos" in shown


def test_show_into_a_pipe_has_no_trailing_spaces(invoke: Invoke) -> None:
    for args in ((STORY,), (CARD_STORY, "--teaser"), (CARD_STORY,)):
        out = invoke("show", *args).stdout
        assert out.strip()
        assert [line for line in out.splitlines() if line != line.rstrip()] == [], args


def test_without_colour_a_cards_caption_and_headline_are_apart(invoke: Invoke) -> None:
    lines = invoke("show", CARD_STORY, "--teaser").stdout.splitlines()
    caption_end = next(i for i, line in enumerate(lines) if "Foto: Helene Markström" in line)
    headline = next(i for i, line in enumerate(lines) if "Framtidens socialtjänst i" in line)
    assert headline == caption_end + 2
    assert lines[caption_end + 1].strip("│ ") == ""  # a blank line between the two


def test_the_pager_is_chosen_as_git_chooses_one() -> None:
    from newscli.render.pager import pager_command

    assert pager_command({}) == ["less", "-FRX"]
    assert pager_command({"PAGER": "more"}) == ["more"]
    assert pager_command({"PAGER": "more", "NEWSCLI_PAGER": "less -R"}) == ["less", "-R"]
    assert pager_command({"PAGER": "cat"}) is None
    assert pager_command({"PAGER": ""}) is None
    assert pager_command({"PAGER": "less", "NEWSCLI_PAGER": ""}) is None
    assert pager_command({"PAGER": "'unclosed"}) is None


def _on_a_pty(
    root: Path, tmp_path: Path, *args: str, rows: int = 20, cols: int = 200
) -> tuple[str, str | None]:
    """newscli as a real process whose stdout is a terminal rows × cols, with a pager that
    records what it was given: (what reached the terminal, what the pager got or None)."""
    import shlex
    import sys

    from tests.support.terminal import terminal

    script = tmp_path / "pager.py"
    got = tmp_path / "paged.txt"
    script.write_text(
        "import sys\nopen(sys.argv[1], 'w', encoding='utf-8').write(sys.stdin.read())\n"
    )
    pager = shlex.join([sys.executable, str(script), str(got)])
    variables = {"TERM": "xterm", "NEWSCLI_PAGER": pager, "PAGER": ""}
    with terminal(root, *args, "--root", str(root), size=(rows, cols), env=variables) as screen:
        assert screen.wait() == 0
    shown = screen.screen.replace("\r\n", "\n")
    return ANSI.sub("", shown), got.read_text(encoding="utf-8") if got.exists() else None


def test_on_a_real_terminal_a_long_story_goes_through_the_pager_80_columns_wide(
    newsroom_path: Path, tmp_path: Path
) -> None:
    shown, paged = _on_a_pty(newsroom_path, tmp_path, "show", STORY)
    assert paged is not None, shown
    assert "Förbättrad ekonomisk prognos" in paged and "Författare: Piteå kommun" in paged
    assert max(len(line) for line in ANSI.sub("", paged).splitlines()) <= 80
    assert "Förbättrad" not in shown  # the pager showed it, not newscli


def test_on_a_real_terminal_no_pager_for_a_short_story_or_with_no_pager(
    newsroom_path: Path, tmp_path: Path
) -> None:
    shown, paged = _on_a_pty(newsroom_path, tmp_path, "show", STORY, "--no-pager")
    assert paged is None
    assert "Författare: Piteå kommun" in shown
    assert max(len(line) for line in shown.splitlines()) <= 80
    shown, paged = _on_a_pty(newsroom_path, tmp_path, "show", CARD_STORY, "--teaser", rows=50)
    assert paged is None and "Framtidens socialtjänst" in shown


# -- terminals: what cannot be encoded, NO_COLOR, long commit messages (issue 24) --------------


@pytest.mark.parametrize(
    "variables",
    [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}],
    ids=["PYTHONIOENCODING=ascii", "LC_ALL=C"],
)
@pytest.mark.parametrize("args", [("list",), ("show", STORY), ("topics",)], ids=" ".join)
def test_terminals_output_that_cannot_be_encoded_is_shown_with_replacements_never_a_crash(
    newsroom_path: Path, variables: dict[str, str], args: tuple[str, ...]
) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    env = {**os.environ, "PYTHONPATH": str(REPO), **variables}
    for name in ("LANG", "LANGUAGE", "LC_CTYPE"):
        env.pop(name, None)
    run = subprocess.run(
        [sys.executable, "-m", "newscli", *args, "--root", str(newsroom_path)],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert b"Error" not in run.stderr and b"unexpected" not in run.stderr
    shown = run.stdout.decode("ascii")  # nothing but what the terminal can show
    assert "Pite? kommun" in shown or "Familjefr?gor" in shown


def test_terminals_no_color_on_a_terminal_means_no_styling_at_all(newsroom_path: Path) -> None:
    from tests.support.terminal import terminal

    shown = {}
    for no_color in ("1", None):
        variables = {"TERM": "xterm-256color", "NO_COLOR": no_color, "PAGER": "cat"}
        with terminal(newsroom_path, "show", STORY, "--no-pager", env=variables) as screen:
            assert screen.wait() == 0
        shown[no_color] = screen.screen
    assert "\x1b[1m" in shown[None]  # the headline is bold on a terminal...
    assert "Förbättrad ekonomisk prognos" in shown["1"]
    assert "\x1b[" not in shown["1"] and "\x1b]" not in shown["1"]  # ...and plain with NO_COLOR


def test_terminals_log_shortens_a_long_commit_message_and_full_shows_it_whole(
    invoke: Invoke, newsroom_path: Path
) -> None:
    import shutil
    import subprocess

    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    env = {"GIT_AUTHOR_NAME": "Helene", "GIT_AUTHOR_EMAIL": "h@example.se",
           "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@example.se",
           "HOME": str(newsroom_path), "PATH": "/usr/bin:/bin"}  # fmt: skip
    long = "Rättat " + "mycket " * 15_000 + "slut"  # 100 KB on one line
    message = f"{long}\n\nVarför: en läsare hörde av sig.\x1e\x1f Mer."
    for args in (["init", "-q"], ["add", "articles"], ["commit", "-qm", message]):
        subprocess.run([git, *args], cwd=newsroom_path, env=env, check=True)
    wide = {"COLUMNS": "200", "NO_COLOR": "1"}
    short = invoke("log", STORY, stdout_isatty=True, variables=wide)
    assert short.exit_code == 0, short.stderr
    assert len(short.stdout) < 2000 and "Rättat mycket" in short.stdout and "…" in short.stdout
    assert "Varför" not in short.stdout
    whole = invoke("log", STORY, "--full")
    assert whole.exit_code == 0
    assert (
        whole.stdout.count("mycket") == 15_000 and "Varför: en läsare hörde av sig." in whole.stdout
    )
