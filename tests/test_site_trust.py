"""export html keeps its promises to readers and to the newsroom: nothing lost, hidden or leaked.

Each test names what a reader or an editor would notice; pages are read by parsing them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import STORY, Invoke

BASE = "https://www.example.se/aktuellt/"
STORY_PAGE = f"2021/11/{STORY}/index.html"


def add_story(root: Path, slug: str, front: str, body: str = "\nEn text.\n") -> Path:
    """An article file in articles/2022/05/ with the given front-matter lines after the id."""
    path = root / "articles" / "2022" / "05" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'+++\nid = "{slug}-id"\nslug = "{slug}"\n{front.strip()}\n+++\n{body}', encoding="utf-8"
    )
    return path


def published(title: str, date: str = "2022-05-02T10:00:00+02:00", extra: str = "") -> str:
    return f'title = "{title}"\ndate = {date}\nstatus = "published"\n{extra}'


def site_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


# -- 3. nothing private from assets ---------------------------------------------------------

SECRET = b"PRIVATE: not for the public"


def _private_files(root: Path) -> dict[str, Path]:
    """Files no reader may ever get: a draft, the settings, git's config, the index."""
    draft = add_story(root, "hemligt-utkast", 'title = "Hemligt"\ndate = 2022-05-01T10:00:00+02:00')
    draft.write_bytes(draft.read_bytes() + SECRET)
    toml = root / "newscli.toml"
    toml.write_bytes(toml.read_bytes() + b"# " + SECRET + b"\n")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_bytes(SECRET)
    (root / "templates").mkdir()
    (root / "templates" / "x.pdf").write_bytes(SECRET)
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.pdf").write_bytes(SECRET)
    (root / "articles" / "2022" / "05" / "bilaga.pdf").write_bytes(SECRET)
    return {
        "draft": draft,
        "settings": toml,
        "git": root / ".git" / "config",
    }


@pytest.mark.parametrize("private", ["draft", "settings", "git"])
def test_a_symlinked_asset_never_publishes_the_private_file_it_points_to(
    invoke: Invoke, newsroom_path: Path, private: str
) -> None:
    target = _private_files(newsroom_path)[private]
    (newsroom_path / "images").mkdir()
    os.symlink(os.path.relpath(target, newsroom_path / "images"), newsroom_path / "images/x.pdf")
    os.symlink(os.path.relpath(target, newsroom_path / "images"), newsroom_path / "images/y.jpg")
    (newsroom_path / "images" / "ok.pdf").write_bytes(b"%PDF public")
    add_story(
        newsroom_path,
        "med-bilagor",
        published("Med bilagor", extra='[image]\nsrc = "images/y.jpg"\n'),
        body="\nSe [bilagan](images/x.pdf) och [den andra](images/ok.pdf).\n",
    )
    result = invoke("export", "html")
    public = newsroom_path / "public"
    assert (public / "images" / "ok.pdf").read_bytes() == b"%PDF public"
    assert not (public / "images" / "x.pdf").exists()
    assert not (public / "images" / "y.jpg").exists()
    for rel, data in site_files(public).items():
        assert SECRET not in data, rel
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert any("'images/x.pdf'" in w and "symbolic link" in w for w in warnings), warnings
    assert any("'images/y.jpg'" in w and "symbolic link" in w for w in warnings), warnings


def test_a_symlinked_folder_of_assets_publishes_nothing_through_it(
    invoke: Invoke, newsroom_path: Path
) -> None:
    _private_files(newsroom_path)
    os.symlink("articles/2022/05", newsroom_path / "bilagor")
    add_story(newsroom_path, "lankar", published("Länkar"), body="\n[Bilaga](bilagor/bilaga.pdf)\n")
    result = invoke("export", "html")
    public = newsroom_path / "public"
    assert not (public / "bilagor").exists()
    assert all(SECRET not in data for data in site_files(public).values())
    assert "'bilagor/bilaga.pdf'" in result.stderr and "symbolic link" in result.stderr


@pytest.mark.parametrize(
    ("src", "why"),
    [
        ("articles/2022/05/bilaga.pdf", "articles/"),
        ("templates/x.pdf", "templates/"),
        (".hidden/x.pdf", "hidden"),
        (".git/config.pdf", "hidden"),
    ],
)
def test_a_link_to_a_private_folder_is_refused_with_a_warning_naming_it(
    invoke: Invoke, newsroom_path: Path, src: str, why: str
) -> None:
    _private_files(newsroom_path)
    (newsroom_path / ".git" / "config.pdf").write_bytes(SECRET)
    add_story(newsroom_path, "privat", published("Privat"), body=f"\n[Fil]({src})\n")
    result = invoke("export", "html")
    public = newsroom_path / "public"
    assert all(SECRET not in data for data in site_files(public).values())
    refused = [line for line in result.stderr.splitlines() if repr(src) in line]
    assert refused and refused[0].startswith("newscli: warning: articles/2022/05/privat.md: ")
    assert why in refused[0].split(repr(src), 1)[1], refused[0]
