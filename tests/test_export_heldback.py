"""A story held back at export (its file holds a personal identity number now, or is broken)
is never taken off the site: its last clean published version stays on its page, the
listings, the feeds and the sitemap until it is fixed; one never published clean stays off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newscli.export import site
from newscli.export.republish import republish
from tests.conftest import Invoke
from tests.support.hostile import break_with_conflict_markers
from tests.support.newsrooms import add_article

PAGE = "2022/05/mote/index.html"
# Every output that lists the story: the front page, its topic and month pages, the feeds.
LISTINGS = (
    "index.html",
    "amnen/moten/index.html",
    "2022/05/index.html",
    "rss.xml",
    "atom.xml",
    "feed.json",
    "amnen/moten/rss.xml",
)
NUMBER = "640823–3234"  # with the en dash Word's autocorrect makes


def write_story(root: Path, title: str, teaser: str, body: str = "Mötet hålls i aulan.") -> Path:
    front = (
        f'title = "{title}"\nteaser = "{teaser}"\ndate = 2022-05-02T09:00:00+02:00\n'
        'status = "published"\ntopics = ["Möten"]'
    )
    return add_article(root, "mote", front, f"\n{body}\n")


def read(public: Path, rel: str) -> str:
    return (public / rel).read_text(encoding="utf-8")


def everything(public: Path) -> str:
    """Every file the export wrote, as text."""
    return "".join(p.read_text(errors="replace") for p in public.rglob("*") if p.is_file())


def assert_listed_as(public: Path, title: str, teaser: str, *, not_as: str) -> None:
    for rel in LISTINGS:
        text = read(public, rel)
        assert title in text and teaser in text, rel
        assert not_as not in text, rel
    assert "2022/05/mote/</loc>" in read(public, "sitemap.xml")
    assert "Möten" in read(public, "amnen/index.html")


def write_clean(root: Path) -> Path:
    return write_story(root, "Möte i aulan", "Alla är välkomna.")


def published_clean(invoke: Invoke, root: Path, *command: str) -> Path:
    """The story's clean version published by command (export html); the site's folder."""
    write_clean(root)
    assert invoke(*(command or ("export", "html"))).exit_code == 0
    return root / "public"


def write_holding(root: Path) -> Path:
    return write_story(root, "Möte om ärendet", f"Han har {NUMBER}.")


def assert_fixed_everywhere(invoke: Invoke, root: Path) -> None:
    """Once the story is fixed, the next export publishes its new version everywhere."""
    write_story(root, "Mötet flyttas", "Nu i matsalen.")
    assert invoke("export", "html").exit_code == 0
    assert_listed_as(root / "public", "Mötet flyttas", "Nu i matsalen.", not_as="Möte i aulan")
    assert "Mötet flyttas" in read(root / "public", PAGE)


def assert_kept_as_first_published(public: Path) -> None:
    """The story is everywhere as its first, clean version; its number is nowhere."""
    assert_listed_as(public, "Möte i aulan", "Alla är välkomna.", not_as="Möte om ärendet")
    assert "3234" not in everything(public)


def test_a_story_that_comes_to_hold_a_personal_number_stays_everywhere_as_last_published(
    invoke: Invoke, newsroom_path: Path
) -> None:
    public = published_clean(invoke, newsroom_path)
    page = read(public, PAGE)

    write_holding(newsroom_path)
    result = invoke("export", "html")
    assert result.exit_code == 1
    held = [line for line in result.stderr.splitlines() if "held back" in line]
    assert len(held) == 1 and "articles/2022/05/mote.md" in held[0], result.stderr
    assert read(public, PAGE) == page
    assert_kept_as_first_published(public)

    assert_fixed_everywhere(invoke, newsroom_path)


def test_a_story_whose_file_breaks_stays_everywhere_as_last_published_not_as_last_read(
    invoke: Invoke, newsroom_path: Path
) -> None:
    public = published_clean(invoke, newsroom_path)
    page = read(public, PAGE)

    # A version never published: the index reads it (list), then the file breaks.
    path = write_holding(newsroom_path)
    assert invoke("list").exit_code == 0
    break_with_conflict_markers(path)
    result = invoke("export", "html")
    assert result.exit_code == 1
    assert "articles/2022/05/mote.md" in result.stderr
    assert read(public, PAGE) == page
    assert_kept_as_first_published(public)

    assert_fixed_everywhere(invoke, newsroom_path)


def test_the_version_kept_is_the_last_one_a_re_publish_put_out(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    public = published_clean(invoke, newsroom_path)
    followed: list[bool] = []

    def noted(*args: Any) -> bool:
        followed.append(republish(*args))
        return followed[-1]

    monkeypatch.setattr(site, "republish", noted)
    write_story(newsroom_path, "Möte i matsalen", "Alla är välkomna dit.")
    assert invoke("export", "html").exit_code == 0
    assert followed == [True]  # only its text changed: a re-publish
    write_holding(newsroom_path)
    assert invoke("export", "html").exit_code == 1
    assert_listed_as(public, "Möte i matsalen", "Alla är välkomna dit.", not_as="Möte i aulan")
    assert "3234" not in everything(public)


def test_build_and_a_full_export_keep_the_last_published_version_too(
    invoke: Invoke, newsroom_path: Path
) -> None:
    public = published_clean(invoke, newsroom_path, "build", "--quiet")
    write_holding(newsroom_path)
    assert invoke("build", "--quiet").exit_code == 1
    assert_kept_as_first_published(public)
    assert invoke("export", "html", "--full").exit_code == 1
    assert_kept_as_first_published(public)
    assert "Möte i aulan" in read(public, PAGE)


def test_a_story_never_published_clean_stays_off_the_site(
    invoke: Invoke, newsroom_path: Path
) -> None:
    public = newsroom_path / "public"
    path = write_clean(newsroom_path)
    path.write_text(path.read_text(encoding="utf-8").replace("published", "draft"))
    assert invoke("export", "html").exit_code == 0  # a draft: not on the site
    write_holding(newsroom_path)
    assert invoke("list").exit_code == 0  # the index has read it published
    assert invoke("export", "html").exit_code == 1
    break_with_conflict_markers(path)
    assert invoke("export", "html").exit_code == 1
    assert not (public / "2022/05/mote").exists()
    text = everything(public)
    assert "Möte i aulan" not in text and "Möte om ärendet" not in text and "3234" not in text


def test_a_feed_export_never_shows_a_broken_file_s_last_read_version_that_holds_a_number(
    invoke: Invoke, newsroom_path: Path
) -> None:
    path = write_clean(newsroom_path)
    assert invoke("list").exit_code == 0
    write_holding(newsroom_path)
    assert invoke("list").exit_code == 0  # the index has read the version that holds one
    break_with_conflict_markers(path)
    for kind in ("rss", "atom", "json"):
        feed = invoke("export", kind, "-o", "-")
        assert feed.exit_code == 1, kind
        assert "articles/2022/05/mote.md" in feed.stderr, kind
        assert "Möte om ärendet" not in feed.stdout and "3234" not in feed.stdout, kind
        assert "Förbättrad ekonomisk prognos" in feed.stdout, kind  # the rest go out


def test_a_feed_beside_the_site_keeps_the_held_back_story_as_the_site_shows_it(
    invoke: Invoke, newsroom_path: Path
) -> None:
    config = newsroom_path / "newscli.toml"
    job = '\n[[build.feeds]]\nkind = "atom"\noutput = "public/moten.xml"\ntopic = "Möten"\n'
    config.write_text(config.read_text(encoding="utf-8") + job, encoding="utf-8")
    public = published_clean(invoke, newsroom_path, "build", "--quiet")
    write_holding(newsroom_path)
    assert invoke("build", "--quiet").exit_code == 1
    assert invoke("export", "rss").exit_code == 1  # into public/, beside the site
    for feed in ("moten.xml", "rss.xml"):
        text = read(public, feed)
        assert "Möte i aulan" in text and "Alla är välkomna." in text, feed
        assert "Möte om ärendet" not in text and "3234" not in text, feed
