"""new, list, show, edit and check as staff use them, with their error paths."""

import csv
import io
import json
import sys
import tomllib
from pathlib import Path

import pytest

from newscli import cli
from newscli.newsroom import Newsroom
from tests.conftest import STORY, STORY_PATH, Invoke


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return tomllib.loads(text.split("+++\n")[1])


# -- new ------------------------------------------------------------------------------


def test_new_from_flags_and_stdin(invoke: Invoke, newsroom_path: Path) -> None:
    result = invoke(
        "new",
        "Jäv för nämnden",
        "--teaser",
        "Kort ingress.",
        "-t",
        "Ekonomi",
        "-t",
        "ekonomi ",
        "-t",
        "Anhörigstöd",
        "--date",
        "2021-11-23 00:30",
        "--publish",
        "--body-file",
        "-",
        "--image",
        "images/jav.jpg",
        "--caption",
        "Nämnden",
        "--credit",
        "Helene Markström",
        input="Första stycket.\n\n## Rubrik\n\n-Citat, säger någon.\n",
    )
    assert result.exit_code == 0, result.stderr
    created = result.stdout.strip()
    assert created == "articles/2021/11/jav-for-namnden.md"
    meta = front_matter(newsroom_path / created)
    assert meta["title"] == "Jäv för nämnden"
    assert meta["status"] == "published"
    assert meta["topics"] == ["Ekonomi", "Anhörigstöd"]
    assert meta["author"] == "Piteå kommun"  # from [defaults] in newscli.toml
    assert meta["date"].isoformat() == "2021-11-23T00:30:00+01:00"
    assert meta["image"] == {
        "src": "images/jav.jpg",
        "caption": "Nämnden",
        "credit": "Helene Markström",
    }
    assert (
        (newsroom_path / created)
        .read_text(encoding="utf-8")
        .endswith("+++\n\nFörsta stycket.\n\n## Rubrik\n\n-Citat, säger någon.\n")
    )
    listed = invoke("list", "--format", "json", "--search", "jav for")
    assert [a["path"] for a in json.loads(listed.stdout)] == [created]


def test_new_in_summer_stores_the_summer_offset(invoke: Invoke, newsroom_path: Path) -> None:
    result = invoke("new", "Midsommar", "--date", "2022-06-24", "--no-input")
    meta = front_matter(newsroom_path / result.stdout.strip())
    assert meta["date"].isoformat() == "2022-06-24T00:00:00+02:00"
    assert result.stdout.strip().startswith("articles/2022/06/")


def test_new_defaults_to_now_in_the_newsroom_timezone(invoke: Invoke, newsroom_path: Path) -> None:
    result = invoke("new", "Nu", "--no-input")
    meta = front_matter(newsroom_path / result.stdout.strip())
    assert meta["date"].isoformat() == "2026-11-23T10:00:00+01:00"
    assert meta["status"] == "draft"


def test_new_without_title_and_no_terminal_fails_clearly(
    invoke: Invoke, newsroom_path: Path
) -> None:
    before = sorted(newsroom_path.rglob("*.md"))
    for args in (["new", "--no-input"], ["new"]):
        result = invoke(*args)
        assert result.exit_code == 2
        assert result.stderr.startswith("newscli: error: a title is required")
        assert "Traceback" not in result.output
    assert sorted(newsroom_path.rglob("*.md")) == before


def test_new_prompts_on_a_terminal(invoke: Invoke, newsroom_path: Path) -> None:
    result = invoke(
        "new", input="Ny rubrik\nEn ingress.\nEkonomi, Familjefrågor\n", stdin_isatty=True
    )
    assert result.exit_code == 0, result.stderr
    meta = front_matter(newsroom_path / result.stdout.strip().splitlines()[-1])
    assert (meta["title"], meta["teaser"], meta["topics"]) == (
        "Ny rubrik",
        "En ingress.",
        ["Ekonomi", "Familjefrågor"],
    )


def test_no_input_never_prompts_even_on_a_terminal(invoke: Invoke) -> None:
    result = invoke("new", "--no-input", input="Would be a title\n", stdin_isatty=True)
    assert result.exit_code == 2


def test_same_title_gets_a_new_slug_even_in_another_year(
    invoke: Invoke, newsroom_path: Path
) -> None:
    story = newsroom_path / STORY_PATH
    original = story.read_bytes()
    title = "Förbättrad ekonomisk prognos för socialtjänsten"
    first = invoke("new", title, "--date", "2024-05-01", "--no-input").stdout.strip()
    second = invoke("new", title, "--date", "2024-05-01", "--no-input").stdout.strip()
    assert first == f"articles/2024/05/{STORY}-2.md"
    assert second == f"articles/2024/05/{STORY}-3.md"
    assert story.read_bytes() == original
    assert invoke("check").exit_code == 0


@pytest.mark.parametrize("title", ["../../x", "/etc/passwd", "<script>alert(1)</script>", ".."])
def test_hostile_titles_stay_inside_articles(
    invoke: Invoke, newsroom_path: Path, title: str
) -> None:
    result = invoke("new", title, "--no-input")
    assert result.exit_code == 0
    created = (newsroom_path / result.stdout.strip()).resolve()
    assert created.is_relative_to((newsroom_path / "articles").resolve())
    assert front_matter(created)["title"] == title
    assert title in invoke("show", result.stdout.strip()).stdout


def test_new_rejects_bad_dates_and_images(invoke: Invoke) -> None:
    bad_date = invoke("new", "X", "--date", "23/11/2021", "--no-input")
    assert bad_date.exit_code == 2 and "cannot read date '23/11/2021'" in bad_date.stderr
    bad_image = invoke("new", "X", "--image", "../secret.jpg", "--no-input")
    assert bad_image.exit_code == 2 and "--image" in bad_image.stderr
    conflict = invoke("new", "X", "--publish", "--status", "draft", "--no-input")
    assert conflict.exit_code == 2


def write_editor(tmp_path: Path, script: str) -> str:
    """An $EDITOR that runs a small Python script on the file it is given."""
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nfrom pathlib import Path\np = Path(sys.argv[1])\n" + script)
    return f"{sys.executable} {editor}"


def test_new_with_edit_opens_the_editor(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "EDITOR", write_editor(tmp_path, "p.write_text(p.read_text() + 'Skrivet i editorn.\\n')")
    )
    result = invoke("new", "Med editor", "--edit", "--no-input")
    assert result.exit_code == 0, result.stderr
    created = newsroom_path / result.stdout.splitlines()[0]
    assert created.read_text().endswith("Skrivet i editorn.\n")


def test_visual_is_used_when_editor_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    from newscli.editing import editor_command

    assert editor_command({"VISUAL": "my-editor --wait"}) == ["my-editor", "--wait"]


# -- list -------------------------------------------------------------------------------


def test_list_table_is_newest_first_and_fits(invoke: Invoke) -> None:
    result = invoke("list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(len(line) <= 100 for line in lines)
    dates = [line[:10] for line in lines if line[:4].isdigit()]
    assert dates == ["2022-03-24", "2022-03-03", "2022-02-16", "2022-01-26", "2021-11-23"]
    assert "published" in result.stdout and "Familjefrågor" in result.stdout
    assert "\x1b[" not in result.stdout


def test_list_filters(invoke: Invoke) -> None:
    def paths(*args: str) -> list[str]:
        result = invoke("list", "--format", "paths", *args)
        assert result.exit_code == 0, result.stderr
        return result.stdout.splitlines()

    assert len(paths()) == 5
    assert len(paths("--topic", "familjefragor")) == 4
    assert len(paths("--topic", "FAMILJEFRÅGOR ")) == 4
    assert paths("--search", "forbattrad") == [STORY_PATH]
    assert paths("--search", "KÄLLBOGÅRDEN") == [STORY_PATH]  # in the teaser and body only
    assert len(paths("--since", "2022-02-16", "--until", "2022-03-03")) == 2
    assert len(paths("--until", "2021-11-23")) == 1  # the whole day counts
    assert paths("--limit", "1") == [
        "articles/2022/03/framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa.md"
    ]
    assert paths("--status", "draft") == []
    assert len(paths("--author", "piteå kommun")) == 5


def test_list_json_and_csv_carry_every_field(invoke: Invoke, newsroom_path: Path) -> None:
    story = newsroom_path / STORY_PATH
    story.write_text(
        story.read_text().replace('status = "published"', 'status = "published"\nreviewer = "Eva"')
    )
    records = json.loads(invoke("list", "--format", "json").stdout)
    record = next(r for r in records if r["slug"] == STORY)
    assert record["path"] == STORY_PATH
    assert record["reviewer"] == "Eva"
    assert record["source"]["name"] == "Piteå kommun, Piteå"
    assert record["date"] == "2021-11-23T14:00:00+01:00"
    rows = list(csv.DictReader(io.StringIO(invoke("list", "--format", "csv").stdout)))
    row = next(r for r in rows if r["slug"] == STORY)
    assert row["topics"] == "Ekonomi; Anhörigstöd"
    assert row["source.url"].startswith("https://")
    assert row["reviewer"] == "Eva"
    assert len(rows) == 5


def test_list_cards_look_like_the_listing_page(invoke: Invoke) -> None:
    result = invoke("list", "--format", "cards", "--topic", "Familjefrågor")
    out = " ".join(result.stdout.split())
    assert "Foto: Helene Markström" in out
    assert "Framtidens socialtjänst i fokus under årets kvalitetsmässa" in out
    assert "I veckan har Socialtjänsten genomfört sin kvalitetsmässa" in out
    assert "24 mars 2022" in out


def test_broken_files_are_skipped_with_a_warning(invoke: Invoke, newsroom_path: Path) -> None:
    (newsroom_path / "articles/2022/03/trasig.md").write_text('+++\ntitle = "Trasig\n+++\n')
    (newsroom_path / "articles/2022/03/latin1.md").write_bytes(b'+++\ntitle = "R\xe4v"\n+++\n')
    result = invoke("list", "--format", "paths")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 5
    assert "articles/2022/03/trasig.md:2" in result.stderr
    assert "articles/2022/03/latin1.md:2: not valid UTF-8" in result.stderr
    assert len(result.stderr.splitlines()) == 2


# -- show ---------------------------------------------------------------------------------


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


def test_show_teaser_and_raw(invoke: Invoke, newsroom_path: Path) -> None:
    card = invoke(
        "show", "framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa", "--teaser"
    ).stdout
    assert "Foto: Helene Markström" in " ".join(card.split())
    raw = invoke("show", STORY, "--raw").stdout
    assert raw == (newsroom_path / STORY_PATH).read_text(encoding="utf-8")


def test_show_errors_name_the_candidates(invoke: Invoke) -> None:
    missing = invoke("show", "forbattrad")
    assert missing.exit_code == 1
    assert missing.stderr.startswith("newscli: error: no article matches 'forbattrad'")
    assert missing.stdout == ""


def test_show_markup_in_titles_is_text(invoke: Invoke) -> None:
    created = invoke("new", "[bold]Inte fet[/bold] & <b>", "--no-input").stdout.strip()
    assert "[bold]Inte fet[/bold] & <b>" in invoke("show", created).stdout


def test_show_works_with_a_broken_file_elsewhere(invoke: Invoke, newsroom_path: Path) -> None:
    (newsroom_path / "articles/2021/11/trasig.md").write_text("no front matter")
    result = invoke("show", "0b6f0c2e")
    assert result.exit_code == 0
    assert "trasig.md:1" in result.stderr


# -- edit ------------------------------------------------------------------------------------


def test_edit_saves_a_valid_change(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "EDITOR",
        write_editor(tmp_path, "p.write_text(p.read_text().replace('Österbo.', 'Österbo!'))"),
    )
    result = invoke("edit", STORY)
    assert result.exit_code == 0, result.stderr
    assert "Österbo!" in (newsroom_path / STORY_PATH).read_text()


def test_edit_keeps_broken_text_and_the_original(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = newsroom_path / STORY_PATH
    original = story.read_bytes()
    monkeypatch.setenv(
        "EDITOR",
        write_editor(
            tmp_path,
            "p.write_text(p.read_text().replace('title = \"', 'title = ') + 'MIN TEXT\\n')",
        ),
    )
    result = invoke("edit", STORY)
    assert result.exit_code == 1
    assert STORY_PATH in result.stderr and "not saved" in result.stderr
    assert story.read_bytes() == original
    rescued = list((newsroom_path / ".newscli" / "rescued").iterdir())
    assert len(rescued) == 1 and rescued[0].read_text().endswith("MIN TEXT\n")
    assert str(rescued[0].relative_to(newsroom_path)) in result.stderr


def test_edit_refuses_to_save_over_a_change_made_meanwhile(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = newsroom_path / STORY_PATH
    script = (
        f"Path({str(story)!r}).write_text(Path({str(story)!r}).read_text() + 'KOLLEGA\\n')\n"
        "p.write_text(p.read_text() + 'JAG\\n')"
    )
    monkeypatch.setenv("EDITOR", write_editor(tmp_path, script))
    result = invoke("edit", STORY)
    assert result.exit_code == 1 and "changed on disk" in result.stderr
    assert story.read_text().endswith("KOLLEGA\n")
    rescued = next((newsroom_path / ".newscli" / "rescued").iterdir())
    assert rescued.read_text().endswith("JAG\n")


def test_edit_can_fix_a_broken_file(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = newsroom_path / STORY_PATH
    story.write_text(story.read_text().replace('status = "published"', 'status = "publicerad"'))
    monkeypatch.setenv(
        "EDITOR",
        write_editor(tmp_path, "p.write_text(p.read_text().replace('publicerad', 'published'))"),
    )
    assert invoke("edit", STORY_PATH).exit_code == 0
    assert invoke("check").exit_code == 0


# -- check -------------------------------------------------------------------------------------


def test_check_passes_on_the_sample_newsroom(invoke: Invoke) -> None:
    result = invoke("check")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "All 5 article file(s) are valid." in result.stderr


def test_check_reports_every_problem_with_its_line(invoke: Invoke, newsroom_path: Path) -> None:
    folder = newsroom_path / "articles/2022/03"
    (folder / "toml.md").write_text('+++\nid = "a"\ntitle = "x\n+++\n')
    (folder / "bytes.md").write_bytes(b'+++\nid = "b"\ntitle = "\xff"\n+++\n')
    (folder / "fields.md").write_text(
        '+++\nid = "c"\nslug = "../x"\ndate = "igår"\nstatus = "klar"\n+++\n'
    )
    story = (newsroom_path / STORY_PATH).read_text()
    (folder / "dup.md").write_text(story)
    result = invoke("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "articles/2022/03/toml.md:3: broken TOML front matter" in "\n".join(lines)
    assert "articles/2022/03/bytes.md:3: not valid UTF-8 (byte 0xff)" in lines
    assert "articles/2022/03/fields.md:2: missing required field 'title'" in lines
    assert any(line.startswith("articles/2022/03/fields.md:3: slug '../x'") for line in lines)
    assert any(
        line.startswith("articles/2022/03/fields.md:4: 'date' must be a TOML date-time")
        for line in lines
    )
    assert "articles/2022/03/fields.md:5: unknown status 'klar' (use draft or published)" in lines
    dup = [line for line in lines if line.startswith("articles/2022/03/dup.md")]
    assert any(
        f"duplicate id '0b6f0c2e-6a53-4d6e-9a57-3c1f4c0de8b1', also in {STORY_PATH}" in line
        for line in dup
    )
    assert any("duplicate slug" in line for line in dup)


# -- everywhere ---------------------------------------------------------------------------------


def test_root_option_and_env(
    newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    by_option = runner.invoke(cli.app, ["list", "--format", "paths", "--root", str(newsroom_path)])
    assert len(by_option.stdout.splitlines()) == 5
    monkeypatch.setenv("NEWSCLI_ROOT", str(newsroom_path))
    assert runner.invoke(cli.app, ["list", "--format", "paths"]).stdout == by_option.stdout
    monkeypatch.delenv("NEWSCLI_ROOT")
    monkeypatch.chdir(newsroom_path / "articles" / "2021")
    assert runner.invoke(cli.app, ["list", "--format", "paths"]).stdout == by_option.stdout


def test_broken_config_is_one_clear_line(invoke: Invoke, newsroom_path: Path) -> None:
    (newsroom_path / "newscli.toml").write_text('[site]\nlanguage = "de"\n')
    result = invoke("list")
    assert result.exit_code == 1
    assert result.stderr.startswith("newscli: error: ")
    assert result.stderr.endswith("newscli.toml: language must be one of sv, en, not 'de'\n")
    assert len(result.stderr.splitlines()) == 1


def test_version_and_module_entry_point() -> None:
    import subprocess

    from newscli import __version__

    result = subprocess.run(
        [sys.executable, "-m", "newscli", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"newscli {__version__}"


def test_debug_shows_the_traceback(invoke: Invoke) -> None:
    with pytest.raises(Exception, match="no article matches"):
        invoke("--debug", "show", "nope")


def test_newsroom_without_articles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli.app, ["list"])
    assert result.exit_code == 0 and "No articles yet." in result.stderr
    assert Newsroom(tmp_path).scan().articles == []
