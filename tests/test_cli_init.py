"""newscli init: a new newsroom from options or from questions on a terminal, never over
an existing one, and nothing made when it is interrupted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from newscli import cli
from newscli.config import load_site
from tests.conftest import PINNED
from tests.support.terminal import CTRL_C, terminal


def init(cwd: Path, *args: str, input: str | None = None, **environment: object) -> Result:
    obj = {**PINNED, "cwd": cwd, **environment}
    return CliRunner().invoke(cli.app, ["init", *args], input=input, obj=obj)


def test_init_from_options_makes_a_newsroom_the_other_commands_use(tmp_path: Path) -> None:
    result = init(
        tmp_path,
        "nyheter",
        "--title",
        "Piteå kommun – Aktuellt",
        "--base-url",
        "https://www.example.se/aktuellt",
        "--language",
        "en",
        "--timezone",
        "Europe/Helsinki",
        "--author",
        "Piteå kommun",
        "--no-git",
        "--no-input",
    )
    assert result.exit_code == 0, result.stderr
    root = tmp_path / "nyheter"
    assert result.stdout == ""
    site = load_site(root)
    assert (site.title, site.base_url, site.language, site.timezone, site.default_author) == (
        "Piteå kommun – Aktuellt",
        "https://www.example.se/aktuellt/",
        "en",
        "Europe/Helsinki",
        "Piteå kommun",
    )
    assert (root / "articles").is_dir() and not (root / ".git").exists()
    assert (root / ".gitignore").read_text().splitlines() == ["/public/", "/.newscli/"]
    made = CliRunner().invoke(cli.app, ["new", "Första", "--no-input", "--root", str(root)])
    assert made.exit_code == 0 and made.stdout.startswith("articles/")


def test_init_without_options_or_terminal_takes_the_defaults_here(tmp_path: Path) -> None:
    result = init(tmp_path)
    assert result.exit_code == 0, result.stderr
    site = load_site(tmp_path)
    assert (site.title, site.base_url, site.language, site.timezone) == (
        "Nyheter",
        "",
        "sv",
        "Europe/Stockholm",
    )
    assert "Next: newscli new" in result.stderr


def test_init_asks_on_a_terminal_and_asks_again_for_a_bad_answer(tmp_path: Path) -> None:
    answers = "Aktuellt\nwww.example.se\nhttps://example.se/nyheter/\nde\nen\nMars/Olympus\n\nRedaktionen\nn\n"
    result = init(tmp_path, "ny", input=answers, stdin_isatty=True)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # the questions go to stderr: stdout is for scripts
    assert "the base URL must be an http(s) address" in result.stderr
    assert "the language must be one of sv, en" in result.stderr
    assert "unknown timezone 'Mars/Olympus'" in result.stderr
    site = load_site(tmp_path / "ny")
    assert (site.title, site.base_url, site.language, site.timezone, site.default_author) == (
        "Aktuellt",
        "https://example.se/nyheter/",
        "en",
        "Europe/Stockholm",
        "Redaktionen",
    )
    assert not (tmp_path / "ny" / ".git").exists()


def test_init_never_overwrites_an_existing_newscli_toml(tmp_path: Path) -> None:
    config = tmp_path / "newscli.toml"
    config.write_text('[site]\ntitle = "Vår"\n')
    for args in ((), ("--title", "Annan", "--no-input")):
        result = init(tmp_path, *args, input="x\n" * 9, stdin_isatty=True)
        assert result.exit_code == 1
        assert (
            "a newsroom is already here" in result.stderr and "nothing was changed" in result.stderr
        )
        assert "Site title" not in result.stderr  # refused before any question
    assert config.read_text() == '[site]\ntitle = "Vår"\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newscli.toml"]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--base-url", "ftp://example.se/", "the base URL must be an http(s) address"),
        ("--timezone", "Europe/Atlantis", "unknown timezone 'Europe/Atlantis'"),
        ("--title", "  ", "the site title cannot be empty"),
    ],
)
def test_init_refuses_a_bad_option_and_makes_nothing(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    result = init(tmp_path, "ny", option, value, "--no-input")
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "ny").exists()


def test_init_in_a_folder_of_stories_keeps_them_and_its_gitignore(tmp_path: Path) -> None:
    story = tmp_path / "articles" / "2021" / "11" / "x.md"
    story.parent.mkdir(parents=True)
    story.write_text("kept")
    (tmp_path / ".gitignore").write_text("*.swp\npublic/")
    assert init(tmp_path, "--no-input").exit_code == 0
    assert story.read_text() == "kept"
    assert (tmp_path / ".gitignore").read_text() == "*.swp\npublic/\n/.newscli/\n"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_init_with_git_starts_a_repository_and_asks_on_a_terminal(tmp_path: Path) -> None:
    assert init(tmp_path, "a", "--git", "--no-input").exit_code == 0
    assert (tmp_path / "a" / ".git").is_dir()
    asked = init(tmp_path, "b", input="\n\n\n\n\n\n", stdin_isatty=True)
    assert asked.exit_code == 0, asked.stderr
    assert "git init" in asked.stderr and (tmp_path / "b" / ".git").is_dir()


@pytest.mark.parametrize("question", ["Site title", "Timezone"])
def test_ctrl_c_at_a_question_of_init_exits_130_and_makes_nothing(
    tmp_path: Path, question: str
) -> None:
    with terminal(tmp_path, "init", "ny") as screen:
        if question == "Timezone":
            screen.expect("Site title")
            screen.type("Aktuellt\r\r\r")
        screen.expect(question)
        screen.type(CTRL_C)
        assert screen.wait() == 130
    assert "newscli: interrupted" in screen.screen
    assert list(tmp_path.iterdir()) == []


def _uncommented(text: str) -> str:
    """newscli.toml with its [accessibility] template's lines taken out of comments."""
    head, _marker, template = text.partition("# [accessibility]\n")
    lines = []
    for line in template.split("\n"):
        if line.startswith("# "):  # '# # why' stays a comment
            lines.append(line[2:])
        elif line != "#":
            lines.append(line)
    return head + "[accessibility]\n" + "\n".join(lines)


@pytest.mark.parametrize(
    ("language", "word"), [("sv", "Tillgänglighetsredogörelsen"), ("en", "statement")]
)
def test_init_writes_a_commented_statement_template_in_the_newsrooms_language(
    tmp_path: Path, language: str, word: str
) -> None:
    assert init(tmp_path, "n", "--language", language, "--no-git", "--no-input").exit_code == 0
    config = tmp_path / "n" / "newscli.toml"
    text = config.read_text(encoding="utf-8")
    assert "# [accessibility]" in text and word in text
    assert load_site(tmp_path / "n").accessibility is None  # commented out until filled in
    config.write_text(_uncommented(text), encoding="utf-8")
    from newscli.statement import statement_of

    statement = statement_of(load_site(tmp_path / "n"), tmp_path / "n")
    assert statement is not None and statement.compliance == "partial"
    assert [c.href for c in statement.contacts][:2] == [
        "mailto:kommun@example.se",
        "tel:+46911696000",
    ]


# -- where a newsroom may be made ---------------------------------------------------------


def test_init_refuses_a_folder_that_is_not_empty_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "rapport.docx").write_text("x")
    (tmp_path / ".git").mkdir()
    refused = init(tmp_path, "--no-input", "--no-git")
    assert refused.exit_code == 2
    assert "is not empty (it holds rapport.docx)" in refused.stderr
    assert "--force" in refused.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".git", "rapport.docx"]
    swedish = init(tmp_path, "--no-input", "--no-git", variables={"LANG": "sv_SE.UTF-8"})
    assert "är inte tom (där finns rapport.docx)" in swedish.stderr
    forced = init(tmp_path, "--no-input", "--no-git", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert (tmp_path / "newscli.toml").is_file()


def test_init_refuses_a_folder_inside_another_newsroom_s_articles(tmp_path: Path) -> None:
    assert init(tmp_path, "--no-input", "--no-git").exit_code == 0
    inner = tmp_path / "articles" / "2026"
    refused = init(tmp_path, str(inner), "--no-input", "--no-git")
    assert refused.exit_code == 2
    assert f"is inside the newsroom {tmp_path}" in refused.stderr
    assert not inner.exists()
    swedish = init(tmp_path, str(inner), "--no-input", variables={"LANG": "sv_SE.UTF-8"})
    assert f"ligger i nyhetsrummet {tmp_path}" in swedish.stderr
    assert init(tmp_path, str(inner), "--no-input", "--no-git", "--force").exit_code == 0


def test_init_s_help_shows_its_example_once(tmp_path: Path) -> None:
    shown = init(tmp_path, "--help").stdout
    assert shown.count("newscli init nyheter") == 1


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_settings_init_writes_point_to_help_an_installed_newscli_has(
    tmp_path: Path, language: str
) -> None:
    assert init(tmp_path, "--no-input", "--no-git", "--language", language).exit_code == 0
    text = (tmp_path / "newscli.toml").read_text(encoding="utf-8")
    assert "docs/" not in text
    assert "newscli help accessibility" in text
    assert "newscli help settings" in text
