"""Re-publishing from the site state: only the pages a change shows on are rendered again,
and the folder is always byte for byte what a full export of the newsroom gives."""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path, PurePosixPath

import pytest

from newscli.article import Image
from newscli.errors import WriteError
from newscli.export import output
from newscli.export import site as site_module
from newscli.export.site import export_site
from newscli.export.site_state import SiteState, Snapshot
from newscli.newsroom import STATE, Newsroom
from tests.conftest import NOW, STOCKHOLM
from tests.support.newsrooms import generate_newsroom, story
from tests.test_export_site import rendered_pages, tree


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = generate_newsroom(tmp_path_factory.mktemp("state") / "newsroom", 60, seed=3)
    export_site(Newsroom(root), root / "public", now=NOW)  # its photos made once, for all
    return root


@pytest.fixture
def newsroom(generated: Path, tmp_path: Path) -> Path:
    """A copy of the generated newsroom that has never been exported (but for the cache of
    its derived photos, which no test here is about)."""
    root = tmp_path / "newsroom"
    shutil.copytree(generated, root, ignore=shutil.ignore_patterns("public", STATE))
    shutil.copytree(generated / STATE / "photos", root / STATE / "photos")
    return root


def full_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the exports that built the whole site (the others re-published)."""
    calls: list[int] = []
    real = site_module.build

    def spy(*args: object, **kwargs: object) -> None:
        calls.append(1)
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(site_module, "build", spy)
    return calls


def assert_same_as_a_full_export(root: Path, out: Path, tmp_path: Path) -> None:
    fresh = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    export_site(Newsroom(root), fresh, now=NOW, full=True)
    mine, full = tree(out), tree(fresh)
    assert set(mine) == set(full), set(mine) ^ set(full)
    assert mine == full


def articles(root: Path) -> list[Path]:
    return sorted((root / "articles").rglob("*.md"))


def edit(path: Path, change: Callable[[str], str]) -> None:
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text
    path.write_text(changed, encoding="utf-8")


TEXT_CHANGES: list[Callable[[str], str]] = [
    # the title, the body, the teaser, the author, the photo's caption
    lambda text: re.sub(r'^title = "', 'title = "Ny rubrik: ', text, count=1, flags=re.M),
    lambda text: text + "\nEtt nytt stycke med en [länk](https://example.se/).\n",
    lambda text: re.sub(r'^teaser = "', 'teaser = "Nu: ', text, count=1, flags=re.M),
    lambda text: re.sub(r'^author = ".*"$', 'author = "Någon Annan"', text, count=1, flags=re.M),
    lambda text: re.sub(r'^caption = "', 'caption = "Bild: ', text, count=1, flags=re.M),
]


def with_key(root: Path, key: str) -> list[Path]:
    return [p for p in articles(root) if f"\n{key} = " in p.read_text(encoding="utf-8")]


def test_a_text_change_renders_only_the_pages_that_show_the_story(
    newsroom: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "public"
    first = export_site(Newsroom(newsroom), out, now=NOW)
    builds = full_builds(monkeypatch)
    seen = rendered_pages(monkeypatch)
    rng = random.Random(7)
    for change, key in zip(
        TEXT_CHANGES, ["title", "id", "teaser", "author", "caption"], strict=True
    ):
        seen.clear()
        edit(rng.choice(with_key(newsroom, key)), change)
        report = export_site(Newsroom(newsroom), out, now=NOW)
        assert builds == [], "a text change needs no full build"
        # The story's page, its front-page, topic and month pages at most: not the site.
        assert 0 < len(seen) <= 8, seen
        assert (report.pages, report.stories) == (first.pages, first.stories)
        assert report.warnings == first.warnings
        assert_same_as_a_full_export(newsroom, out, tmp_path)
        builds.clear()  # the full export compared with


@pytest.mark.parametrize(
    "change",
    [
        "date",
        "topics",
        "status",
        "new story",
        "removed story",
        "broken file",
        "template",
        "embargo ends",
        "expiry set",
        "expiry passes",
        "withdrawn",
        "linked file",
        "body links a file",
    ],
)
def test_a_change_that_moves_stories_builds_the_whole_site(
    newsroom: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    out = tmp_path / "public"
    export_site(Newsroom(newsroom), out, now=NOW)
    builds = full_builds(monkeypatch)
    story = articles(newsroom)[len(articles(newsroom)) // 2]
    now = NOW
    if change == "date":
        edit(story, lambda t: re.sub(r"^date = \d{4}", "date = 2009", t, count=1, flags=re.M))
    elif change == "topics":
        edit(story, lambda t: re.sub(r"^topics = \[", 'topics = ["Helt nytt", ', t, flags=re.M))
    elif change == "status":
        edit(story, lambda t: t.replace('status = "published"', 'status = "draft"', 1))
    elif change == "new story":
        (story.parent / "en-ny.md").write_text(
            story.read_text(encoding="utf-8")
            .replace('slug = "', 'slug = "en-ny-', 1)
            .replace('id = "', 'id = "1', 1),
            encoding="utf-8",
        )
    elif change == "removed story":
        story.unlink()
    elif change == "broken file":
        story.write_text("no front matter\n", encoding="utf-8")
    elif change == "template":
        (newsroom / "templates").mkdir()
        (newsroom / "templates" / "month.html").write_text("{{ month.year }}", encoding="utf-8")
    elif change == "embargo ends":
        edit(story, lambda t: re.sub(r"^date = \d{4}", "date = 2030", t, count=1, flags=re.M))
        export_site(Newsroom(newsroom), out, now=NOW)
        builds.clear()
        now = NOW.replace(year=2031)
    elif change == "expiry set":
        edit(
            story,
            lambda t: t.replace(
                'status = "published"',
                'status = "published"\nexpires = 2030-01-01T00:00:00+01:00',
                1,
            ),
        )
    elif change == "expiry passes":
        edit(
            story,
            lambda t: t.replace(
                'status = "published"',
                'status = "published"\nexpires = 2030-01-01T00:00:00+01:00',
                1,
            ),
        )
        export_site(Newsroom(newsroom), out, now=NOW)
        builds.clear()
        now = NOW.replace(year=2031)  # nothing changed but the clock: the story goes
    elif change == "withdrawn":
        edit(
            story,
            lambda t: t.replace(
                'status = "published"',
                'status = "withdrawn"\nwithdrawn = 2026-11-01T10:00:00+01:00',
                1,
            ),
        )
    elif change == "linked file":
        photos = sorted((newsroom / "images").iterdir())
        photos[0].write_bytes(photos[0].read_bytes() + b"\0")
    elif change == "body links a file":
        (newsroom / "images" / "ny.pdf").write_bytes(b"%PDF-1.4")
        edit(story, lambda t: t + "\n[Bilaga](images/ny.pdf)\n")
    export_site(Newsroom(newsroom), out, now=now)
    assert builds == [1]
    if change == "broken file":
        return  # its story stays as it last was: not what a first export of it gives
    fresh = tmp_path / "fresh"
    export_site(Newsroom(newsroom), fresh, now=now, full=True)
    mine, full = tree(out), tree(fresh)
    assert set(mine) == set(full), set(mine) ^ set(full)
    assert mine == full


def test_a_failed_re_publish_is_followed_by_a_full_build_that_puts_everything_right(
    newsroom: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "public"
    export_site(Newsroom(newsroom), out, now=NOW)
    story = articles(newsroom)[3]
    edit(story, TEXT_CHANGES[0])
    real = getattr(output, "write_atomic")  # noqa: B009 (imported there, not exported)
    count = [0]

    def fail_second(path: Path, data: bytes, **options: object) -> None:
        count[0] += 1
        if count[0] == 2:
            raise WriteError("could not write: No space left on device", path)
        real(path, data, **options)

    with monkeypatch.context() as patch:
        patch.setattr(output, "write_atomic", fail_second)
        with pytest.raises(WriteError):
            export_site(Newsroom(newsroom), out, now=NOW)
    edit(story, lambda t: t.replace("Ny rubrik: ", "", 1))  # back as it was
    builds = full_builds(monkeypatch)
    export_site(Newsroom(newsroom), out, now=NOW)
    assert builds == [1]
    assert_same_as_a_full_export(newsroom, out, tmp_path)


def corrupt_state(root: Path, out: Path) -> None:
    (state,) = (root / STATE).glob("site-*.sqlite")
    state.write_bytes(b"not a database" * 100)


def preview_meanwhile(root: Path, out: Path) -> None:
    export_site(Newsroom(root), out, now=NOW, drafts=True)  # another build into the folder


@pytest.mark.parametrize("disturb", [corrupt_state, preview_meanwhile])
def test_a_state_that_cannot_be_trusted_costs_a_full_build_never_a_wrong_page(
    newsroom: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    disturb: Callable[[Path, Path], None],
) -> None:
    out = tmp_path / "public"
    export_site(Newsroom(newsroom), out, now=NOW)
    disturb(newsroom, out)
    edit(articles(newsroom)[5], TEXT_CHANGES[1])
    builds = full_builds(monkeypatch)
    export_site(Newsroom(newsroom), out, now=NOW)
    assert builds == [1]
    assert_same_as_a_full_export(newsroom, out, tmp_path)


def test_a_story_changed_at_the_last_re_publish_is_shown_as_it_is_beside_the_next_change(
    newsroom: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "public"
    export_site(Newsroom(newsroom), out, now=NOW)
    # Two stories of one month: the first re-published alone (the index does not see it),
    # then the second, whose month page shows the first beside it.
    month = max(articles(newsroom), key=lambda p: len(list(p.parent.glob("*.md")))).parent
    first, second = sorted(month.glob("*.md"))[:2]
    builds = full_builds(monkeypatch)
    edit(first, TEXT_CHANGES[0])
    export_site(Newsroom(newsroom), out, now=NOW)
    edit(second, TEXT_CHANGES[0])
    export_site(Newsroom(newsroom), out, now=NOW)
    assert builds == []
    assert_same_as_a_full_export(newsroom, out, tmp_path)


def test_the_state_gives_back_each_story_as_the_site_showed_it_and_nothing_without_a_record(
    tmp_path: Path,
) -> None:
    state = SiteState(tmp_path, tmp_path / "public")
    teased = story("mote", teaser="Alla är välkomna.", image=Image(src="images/mässa.jpg"))
    led = story("lunch", body="\nFörsta stycket, *betonat*.\n\nSedan mer.\n")
    shown = {"articles/2022/04/mote.md": teased, "articles/2022/04/lunch.md": led}
    assert state.last_published(shown, STOCKHOLM) is None  # no export yet
    state.save(Snapshot("build", "manifest", published={p: s.summary() for p, s in shown.items()}))
    found = state.last_published([*shown, "articles/2022/04/annan.md"], STOCKHOLM)
    assert found == {
        path: replace(story.summary(), path=PurePosixPath(path)) for path, story in shown.items()
    }
    assert found["articles/2022/04/lunch.md"].lead == "Första stycket, betonat."
    state.db.execute("UPDATE meta SET value = '1' WHERE key = 'format'")  # an older newscli's
    assert state.last_published(shown, STOCKHOLM) is None
    state.close()
