"""Story Markdown is rendered once per version of its text, and a cached rendering is
byte for byte what rendering it again gives, its linked files looked for at every use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newscli import markdown
from newscli.export import builder as builder_module
from newscli.export import site as site_module
from newscli.export.site import export_site
from newscli.newsroom import STATE, Newsroom
from tests.conftest import NOW
from tests.support.newsrooms import preview_newsroom, sample_newsroom
from tests.test_export_site import tree


def renderings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The Markdown texts each following export renders."""
    seen: list[str] = []
    real = markdown.render_markdown

    def spy(text: str, **options: object) -> str:
        seen.append(text)
        return real(text, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(builder_module, "render_markdown", spy)
    return seen


def test_an_export_into_an_empty_folder_renders_no_markdown_it_rendered_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    export_site(Newsroom(root), tmp_path / "first", now=NOW)
    seen = renderings(monkeypatch)
    export_site(Newsroom(root), tmp_path / "second", now=NOW)
    assert seen == []
    assert tree(tmp_path / "first") == tree(tmp_path / "second")


def test_a_template_change_renders_every_page_but_no_markdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    out = tmp_path / "public"
    export_site(Newsroom(root), out, now=NOW)
    (root / "templates").mkdir()
    base = (Path(site_module.__file__).parent / "templates" / "base.html").read_text("utf-8")
    (root / "templates" / "base.html").write_text(
        base.replace("<body>", "<body class='kommun'>"), encoding="utf-8"
    )
    seen = renderings(monkeypatch)
    report = export_site(Newsroom(root), out, now=NOW)
    assert seen == [] and report.written >= report.pages
    assert "class='kommun'" in (out / "index.html").read_text(encoding="utf-8")


def test_a_cached_body_still_finds_a_file_it_links_to_that_turned_up(
    tmp_path: Path,
) -> None:
    root = preview_newsroom(tmp_path / "newsroom")
    diagram = root / "images" / "diagram.png"
    kept = diagram.read_bytes()
    diagram.unlink()
    first = export_site(Newsroom(root), tmp_path / "a", now=NOW, drafts=True)
    assert [w for w in first.warnings if "diagram.png" in w]
    diagram.write_bytes(kept)
    again = export_site(Newsroom(root), tmp_path / "b", now=NOW, drafts=True)
    assert not [w for w in again.warnings if "diagram.png" in w]
    assert (tmp_path / "b" / "images" / "diagram.png").read_bytes() == kept


def test_a_corrupt_cache_costs_rendering_never_a_wrong_page(tmp_path: Path) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    export_site(Newsroom(root), tmp_path / "first", now=NOW)
    (root / STATE / "render.sqlite").write_bytes(b"not a database" * 1000)
    for leftover in (root / STATE).glob("render.sqlite-*"):
        leftover.unlink()
    export_site(Newsroom(root), tmp_path / "second", now=NOW)
    assert tree(tmp_path / "first") == tree(tmp_path / "second")
    # The damaged file is gone, and the next export makes the cache anew.
    export_site(Newsroom(root), tmp_path / "third", now=NOW)
    with sqlite3.connect(root / STATE / "render.sqlite") as db:
        assert db.execute("SELECT count(*) FROM render").fetchone()[0] > 0
