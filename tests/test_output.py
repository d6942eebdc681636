"""The one output guard: no export writes over what the newsroom publishes from."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import STORY_PATH, Invoke

PROTECTED = [
    STORY_PATH,
    "articles/ny.xml",
    "templates/base.html",
    "newscli.toml",
    ".git/config",
    ".newscli/index.sqlite",
]


@pytest.fixture
def newsroom_with_git_and_templates(newsroom_path: Path) -> Path:
    (newsroom_path / "templates").mkdir()
    (newsroom_path / "templates" / "base.html").write_text("<!-- ours -->\n")
    (newsroom_path / ".git").mkdir()
    (newsroom_path / ".git" / "config").write_text("[core]\n")
    (newsroom_path / ".newscli").mkdir()
    return newsroom_path


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
@pytest.mark.parametrize("target", PROTECTED)
def test_a_feed_never_overwrites_what_the_newsroom_publishes_from(
    invoke: Invoke, newsroom_with_git_and_templates: Path, kind: str, target: str
) -> None:
    root = newsroom_with_git_and_templates
    before = (root / target).read_bytes() if (root / target).exists() else None
    result = invoke("export", kind, "-o", target)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("newscli: error: --output ")
    after = (root / target).read_bytes() if (root / target).exists() else None
    assert after == before


def test_a_symlink_into_templates_is_refused_like_the_template(
    invoke: Invoke, newsroom_with_git_and_templates: Path
) -> None:
    root = newsroom_with_git_and_templates
    (root / "feed.xml").symlink_to(root / "templates" / "base.html")
    result = invoke("export", "rss", "-o", "feed.xml")
    assert result.exit_code == 2
    assert "templates/ folder" in result.stderr
    assert (root / "templates" / "base.html").read_text() == "<!-- ours -->\n"


@pytest.mark.parametrize("folder", ["templates", ".git", ".newscli/site", "articles/2021", "."])
def test_the_site_is_never_built_into_the_newsroom_s_own_folders(
    invoke: Invoke, newsroom_with_git_and_templates: Path, folder: str
) -> None:
    root = newsroom_with_git_and_templates
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = invoke("export", "html", "-o", folder)
    assert result.exit_code == 2, result.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_a_feed_may_go_anywhere_else(invoke: Invoke, newsroom_path: Path, tmp_path: Path) -> None:
    for target in (newsroom_path / "feeds" / "rss.xml", tmp_path / "out.xml"):
        result = invoke("export", "rss", "-o", str(target))
        assert result.exit_code == 0, result.stderr
        assert target.read_text().startswith("<?xml")
