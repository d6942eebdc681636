"""Writing stories as staff meet it: outside a newsroom, the questions of `new` on a
terminal, what it prints, and Ctrl+C at a question. (`new` from options is in
tests/test_cli_stories.py; `init` in tests/test_cli_init.py.)"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newscli import cli
from tests.conftest import PINNED, Invoke
from tests.support.harness import write_editor
from tests.support.terminal import CTRL_C, terminal


def front_matter(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8").split("+++\n")[1])


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# -- outside a newsroom -------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("new", "Rubrik", "--no-input"),
        ("show", "x"),
        ("check",),
        ("topics",),
        ("tag", "add", "X", "--all"),
        ("export", "html"),
        ("publish", "x"),
    ],
)
def test_outside_a_newsroom_a_command_says_how_to_make_one_and_creates_nothing(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    empty = tmp_path / "tom"
    empty.mkdir()
    result = CliRunner().invoke(cli.app, list(args), obj={**PINNED, "cwd": empty})
    assert result.exit_code == 2
    assert "not in a newsroom" in result.stderr and str(empty) in result.stderr
    for way in ("newscli init", "--root", "NEWSCLI_ROOT"):
        assert way in result.stderr
    assert list(empty.iterdir()) == []


def test_list_in_an_empty_folder_as_a_process_fails_and_leaves_it_empty(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    done = subprocess.run(
        [sys.executable, "-m", "newscli", "list"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    assert done.returncode == 2 and "newscli init" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_help_and_version_work_outside_a_newsroom(tmp_path: Path) -> None:
    for args in (["--help"], ["--version"], ["list", "--help"], ["init", "--help"]):
        result = CliRunner().invoke(cli.app, args, obj={**PINNED, "cwd": tmp_path})
        assert result.exit_code == 0, args
    assert list(tmp_path.iterdir()) == []


def test_a_root_that_is_no_newsroom_is_refused_and_one_with_articles_is_taken(
    tmp_path: Path, newsroom_path: Path
) -> None:
    plain = tmp_path / "vanlig"
    plain.mkdir()
    refused = CliRunner().invoke(cli.app, ["list", "--root", str(plain)], obj=PINNED)
    assert refused.exit_code == 2 and "is not a newsroom" in refused.stderr
    assert "newscli init" in refused.stderr and list(plain.iterdir()) == []
    by_variable = CliRunner().invoke(
        cli.app, ["list"], obj={**PINNED, "variables": {"NEWSCLI_ROOT": str(plain)}}
    )
    assert by_variable.exit_code == 2 and "NEWSCLI_ROOT" in by_variable.stderr
    (newsroom_path / "newscli.toml").unlink()  # a newsroom from before init
    older = CliRunner().invoke(
        cli.app, ["list", "--format", "paths", "--root", str(newsroom_path)], obj=PINNED
    )
    assert older.exit_code == 0 and len(older.stdout.splitlines()) == 5


# -- new on a terminal ------------------------------------------------------------------------


def test_new_asks_again_at_once_for_a_title_of_only_spaces(
    invoke: Invoke, newsroom_path: Path
) -> None:
    result = invoke("new", input="   \n\nRubrik\n\n\nn\n", stdin_isatty=True)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("a story needs a title") == 2
    assert front_matter(newsroom_path / result.stdout.strip())["title"] == "Rubrik"


def test_new_offers_the_newsroom_topics_by_number_and_takes_names_too(
    invoke: Invoke, newsroom_path: Path
) -> None:
    # Most used first: Familjefrågor (4), then Anhörigstöd and Ekonomi (2 each), by name.
    result = invoke("new", input="Rubrik\n\n1, 3, familjefragor, Nytt ämne\nn\n", stdin_isatty=True)
    assert result.exit_code == 0, result.stderr
    assert "1  Familjefrågor (4 stories)" in result.stderr
    assert "3  Ekonomi (2 stories)" in result.stderr
    meta = front_matter(newsroom_path / result.stdout.strip())
    assert meta["topics"] == ["Familjefrågor", "Ekonomi", "Nytt ämne"]


def test_a_topic_number_not_offered_is_asked_again(invoke: Invoke, newsroom_path: Path) -> None:
    result = invoke("new", input="Rubrik\n\n9\n2\nn\n", stdin_isatty=True)
    assert result.exit_code == 0, result.stderr
    assert "there is no topic number 9: choose 1 to 5" in result.stderr
    assert front_matter(newsroom_path / result.stdout.strip())["topics"] == ["Anhörigstöd"]


def test_new_reuses_the_newsroom_spelling_of_a_topic_without_a_terminal(
    invoke: Invoke, newsroom_path: Path
) -> None:
    result = invoke(
        "new", "Rubrik", "-t", "familjefragor", "-t", "EKONOMI", "-t", "Nytt", "--no-input"
    )
    assert result.exit_code == 0, result.stderr
    meta = front_matter(newsroom_path / result.stdout.strip())
    assert meta["topics"] == ["Familjefrågor", "Ekonomi", "Nytt"]


def test_new_prints_only_its_path_on_stdout_and_the_next_commands_on_stderr(
    invoke: Invoke, newsroom_path: Path
) -> None:
    result = invoke("new", input="Nästa steg\n\n\nn\n", stdin_isatty=True)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "articles/2026/11/nasta-steg.md\n"
    for command in ("newscli show nasta-steg", "newscli edit nasta-steg", "newscli export html"):
        assert command in result.stderr
    quiet = invoke("new", "Skript", "--no-input")
    assert "newscli show" not in quiet.stderr  # a script is not told what to do next


def test_new_offers_the_editor_for_the_body_and_prints_the_path_once(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "EDITOR", write_editor(tmp_path, "p.write_text(p.read_text() + 'Brödtext.\\n')")
    )
    result = invoke("new", input="Med brödtext\n\n\n\n", stdin_isatty=True)
    assert result.exit_code == 0, result.stderr
    assert "Write the body in your editor now?" in result.stderr
    assert result.stdout == "articles/2026/11/med-brodtext.md\n"
    assert (newsroom_path / result.stdout.strip()).read_text().endswith("Brödtext.\n")


def test_new_with_edit_prints_the_new_path_once(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", write_editor(tmp_path, "p.write_text(p.read_text() + 'Text.\\n')"))
    result = invoke("new", "En gång", "--edit", "--no-input")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "articles/2026/11/en-gang.md\n"


def test_ctrl_c_at_a_question_of_new_exits_130_and_writes_nothing(newsroom_path: Path) -> None:
    before = files_under(newsroom_path)
    with terminal(newsroom_path, "new") as screen:
        screen.expect("Title")
        screen.type("Halvskriven\r")
        screen.expect("Teaser")
        screen.type(CTRL_C)
        assert screen.wait() == 130
    assert "newscli: interrupted" in screen.screen
    after = [f for f in files_under(newsroom_path) if not f.startswith(".newscli")]
    assert after == before
    assert not [f for f in files_under(newsroom_path) if f.endswith(".tmp")]


def test_ctrl_c_in_the_editor_of_new_leaves_nothing_behind(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path
) -> None:
    """An editor ended by Ctrl+C (SIGINT, as the terminal sends it to both)."""
    interrupted = write_editor(tmp_path, "import os, signal\nos.kill(os.getpid(), signal.SIGINT)")
    result = invoke(
        "new", "Avbruten nyhet", "--edit", "--no-input", variables={"EDITOR": interrupted}
    )
    assert result.exit_code == 130
    assert not list((newsroom_path / "articles").rglob("avbruten-nyhet*"))


def test_the_next_steps_of_a_draft_include_publishing_it(invoke: Invoke) -> None:
    draft = invoke("new", "Ett utkast", "--no-input", stderr_isatty=True)
    assert "newscli publish ett-utkast" in draft.stderr
    published = invoke("new", "Redan ute", "--publish", "--no-input", stderr_isatty=True)
    assert "newscli publish" not in published.stderr and "newscli export html" in published.stderr


def test_the_alt_question_of_new_is_asked_on_the_terminal_while_stdout_holds_only_the_path(
    newsroom_path: Path,
) -> None:
    """`p=$(newscli new "Rubrik" --image foto.jpg)`: the question reaches the person at the
    terminal, and $p is the new file's path and nothing else."""
    import subprocess

    from tests.support.photos import camera_photo

    photo = newsroom_path.parent / "foto.jpg"
    photo.write_bytes(camera_photo(1200, 800))
    args = ("new", "Rubrik", "--image", str(photo), "--teaser", "T", "-t", "Ekonomi")
    with terminal(newsroom_path, *args, stdout=subprocess.PIPE) as screen:
        screen.expect("Write the body in your editor now?")
        screen.type("n\r")
        screen.expect("Alt text (what does the photo show?)")
        screen.type("Två personer vid ett bord\r")
        assert screen.wait() == 0, screen.screen
        assert screen.process.stdout is not None
        caught = screen.process.stdout.read().decode("utf-8")
    assert re.fullmatch(r"articles/\d{4}/\d{2}/rubrik\.md\n", caught), caught
    meta = front_matter(newsroom_path / caught.strip())
    assert meta["image"]["alt"] == "Två personer vid ett bord"


def test_edit_asks_on_stderr_whether_to_open_the_editor_again(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path
) -> None:
    """A save that breaks the story is answered with a question on stderr (stdout is for
    what scripts read), and 'n' leaves the file as it was."""
    from tests.conftest import STORY, STORY_PATH

    before = (newsroom_path / STORY_PATH).read_text(encoding="utf-8")
    editor = write_editor(tmp_path, "p.write_text('no front matter')")
    result = invoke("edit", STORY, input="n\n", stdin_isatty=True, variables={"EDITOR": editor})
    assert "Open the editor again?" in result.stderr
    assert "Open the editor again?" not in result.stdout
    assert (newsroom_path / STORY_PATH).read_text(encoding="utf-8") == before


def test_new_warns_of_a_topic_that_reads_like_a_storys_slug(
    invoke: Invoke, newsroom_path: Path
) -> None:
    result = invoke("new", "Rubrik", "-t", "EKONOMI", "-t", "socialnamnden", "--no-input")
    assert result.exit_code == 0, result.stderr
    assert "the new topic 'socialnamnden' reads like the story socialnamnden-" in result.stderr
    meta = front_matter(newsroom_path / result.stdout.strip())
    assert meta["topics"] == ["Ekonomi", "socialnamnden"]
