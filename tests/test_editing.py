"""`edit`: the article opened in $EDITOR, saved back only when it is valid and nobody changed
it meanwhile, and what could not be saved kept where the user finds it."""

from __future__ import annotations

import errno
import sys
from pathlib import Path

import pytest

from tests.conftest import STORY, STORY_PATH, Invoke
from tests.support.faults import inject
from tests.support.harness import write_editor
from tests.support.newsrooms import secret_article


def assert_rescued_and_named(newsroom_path: Path, stderr: str, ending: str) -> None:
    """One text kept in .newscli/rescued/, ending as written, and the message names it."""
    rescued = list((newsroom_path / ".newscli" / "rescued").iterdir())
    assert len(rescued) == 1 and rescued[0].read_text().endswith(ending)
    assert str(rescued[0].relative_to(newsroom_path)) in stderr


def test_visual_is_used_when_editor_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    from newscli.editing import editor_command

    assert editor_command({"VISUAL": "my-editor --wait"}) == ["my-editor", "--wait"]


def test_visual_comes_before_editor() -> None:
    from newscli.editing import editor_command

    assert editor_command({"VISUAL": "code --wait", "EDITOR": "vi"}) == ["code", "--wait"]


def test_without_visual_or_editor_the_first_fallback_on_the_path_is_used(tmp_path: Path) -> None:
    from newscli.editing import editor_command

    for name in ("nano", "vi"):
        program = tmp_path / name
        program.write_text("#!/bin/sh\n")
        program.chmod(0o755)
    assert editor_command({}, path=str(tmp_path)) == ["nano"]
    (tmp_path / "nano").unlink()
    assert editor_command({"EDITOR": "  "}, path=str(tmp_path)) == ["vi"]


def test_no_editor_at_all_is_a_clear_message(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("edit", STORY, variables={"PATH": str(tmp_path)})
    assert result.exit_code == 2
    assert "no editor found" in result.stderr and "$VISUAL" in result.stderr
    assert "export EDITOR=nano" in result.stderr


def test_ctrl_c_that_ends_the_editor_ends_newscli_with_130_and_saves_nothing(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = newsroom_path / STORY_PATH
    original = story.read_bytes()
    monkeypatch.setenv(
        "EDITOR",
        write_editor(
            tmp_path,
            "import os, signal\np.write_text('halv')\nos.kill(os.getpid(), signal.SIGINT)",
        ),
    )
    result = invoke("edit", STORY)
    assert result.exit_code == 130
    assert "newscli: interrupted" in result.stderr
    assert story.read_bytes() == original


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


# -- what cannot be saved is kept ----------------------------------------------------------------


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
    assert_rescued_and_named(newsroom_path, result.stderr, "MIN TEXT\n")


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


def test_edit_that_cannot_be_saved_keeps_the_original_and_rescues_your_text(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = newsroom_path / STORY_PATH
    original = story.read_bytes()
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'a').write('MIN TEXT\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    inject(monkeypatch, "replace", errno.ENOSPC, f"11/{STORY}.md")
    result = invoke("edit", STORY)
    assert result.exit_code == 1
    assert STORY_PATH in result.stderr and "No space left on device" in result.stderr
    assert story.read_bytes() == original
    assert_rescued_and_named(newsroom_path, result.stderr, "MIN TEXT\n")


def test_edit_rescues_text_that_is_not_even_utf8(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'ab').write(b'R\\xe4ksm\\xf6rg\\xe5s\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    result = invoke("edit", STORY)
    assert result.exit_code == 1 and "not valid UTF-8" in result.stderr
    rescued = next((newsroom_path / ".newscli" / "rescued").iterdir())
    assert rescued.read_bytes().endswith(b"R\xe4ksm\xf6rg\xe5s\n")  # the very bytes written


def test_edit_never_opens_a_symlink_out_of_articles(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = secret_article(tmp_path)
    (newsroom_path / "articles/2022/01/hemlig.md").symlink_to(secret)
    monkeypatch.setenv("EDITOR", "touch")  # would "save" the file if it were opened
    before = secret.read_bytes()
    for ref in ("hemlig", "articles/2022/01/hemlig.md"):
        result = invoke("edit", ref)
        assert result.exit_code == 1
    assert (
        "symbolic link to a file outside articles/" in result.stderr or "no story" in result.stderr
    )
    assert secret.read_bytes() == before
    assert (newsroom_path / "articles/2022/01/hemlig.md").is_symlink()


# -- saved as every rewrite is: through links, under the lock ------------------------------------


def test_edit_of_a_symlinked_article_writes_through_the_link(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The link stays a link and its target gets the text (`tag add` writes through it too)."""
    story = newsroom_path / STORY_PATH
    shared = newsroom_path / "articles/2022/01/delad.md"
    story.rename(shared)
    story.symlink_to(shared)
    monkeypatch.setenv(
        "EDITOR",
        write_editor(tmp_path, "p.write_text(p.read_text().replace('Förbättrad', 'Bättre'))"),
    )
    result = invoke("edit", STORY)
    assert result.exit_code == 0, result.stderr
    assert story.is_symlink() and story.resolve() == shared.resolve()
    assert "Bättre ekonomisk prognos" in shared.read_text()


def test_edit_saves_under_the_newsroom_lock(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock is taken for the save (not while the editor is open), so that no other run
    of newscli writes the file at the same moment."""
    from newscli.lock import NewsroomLock

    story = newsroom_path / STORY_PATH
    seen: list[bool] = []
    real_enter = NewsroomLock.__enter__

    def enter(lock: NewsroomLock) -> NewsroomLock:
        seen.append(story.read_text().endswith("JAG\n"))
        return real_enter(lock)

    monkeypatch.setattr(NewsroomLock, "__enter__", enter)
    monkeypatch.setenv("EDITOR", write_editor(tmp_path, "p.write_text(p.read_text() + 'JAG\\n')"))
    result = invoke("edit", STORY)
    assert result.exit_code == 0, result.stderr
    assert seen == [False] and story.read_text().endswith("JAG\n")
