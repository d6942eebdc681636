"""The import writer: stories from any source become articles once, are found again on every
later run, are rewritten with --update only when staff have not edited them, and one bad
entry never stops the others."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from newscli.importing.core import Action, ImportOptions, ImportReport, import_stories
from newscli.importing.fetch import Fetcher, FetchError
from newscli.importing.incoming import Incoming, IncomingPhoto, Read, Unreadable
from newscli.newsroom import Newsroom
from tests.conftest import NOW, REPO
from tests.support.newsrooms import PHOTO
from tests.support.serve import local_server

CET = dt.timezone(dt.timedelta(hours=1))


def entry(guid: str, **fields: object) -> Incoming:
    values: dict[str, object] = {
        "where": f"feed.xml, entry {guid}",
        "title": f"Nyhet {guid}",
        "date": dt.datetime(2022, 2, 9, 9, 0, tzinfo=CET),
        "lead": "En ingress.",
        "body": "En ingress.\n\nMer text.",
        "topics": ("Ekonomi",),
        "source_name": "Pressrummet",
        "source_url": f"https://press.example.com/{guid}",
        "key": {"feed": "https://press.example.com/", "guid": guid},
    }
    values.update(fields)
    return Incoming(**values)  # type: ignore[arg-type]


def no_download(url: str) -> bytes:
    raise FetchError("no network in tests", url)


def run(root: Path, read: Read, **options: object) -> ImportReport:
    return import_stories(
        Newsroom(root),
        read,
        ImportOptions(**options),
        now=NOW,
        download=no_download,  # type: ignore[arg-type]
    )


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    root = tmp_path / "empty"
    (root / "articles").mkdir(parents=True)
    shutil.copy(REPO / "newscli.toml", root / "newscli.toml")
    return root


def files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in (root / "articles").rglob("*.md"))


def test_new_stories_become_articles_with_their_source_remembered(empty: Path) -> None:
    report = run(empty, [entry("a")])
    (outcome,) = report.outcomes
    assert outcome.action is Action.CREATE
    assert str(outcome.path) == "articles/2022/02/nyhet-a.md"
    article = Newsroom(empty).load(empty / "articles/2022/02/nyhet-a.md")
    assert article.title == "Nyhet a"
    assert article.date == dt.datetime(2022, 2, 9, 9, 0, tzinfo=CET)
    assert article.status == "published"
    assert article.teaser is None  # the lead is the body's first paragraph: not written twice
    assert article.lead == "En ingress."
    assert article.body == "\nEn ingress.\n\nMer text.\n"
    assert article.source is not None
    assert (article.source.name, article.source.url) == (
        "Pressrummet",
        "https://press.example.com/a",
    )
    assert article.source.extra["feed"] == "https://press.example.com/"
    assert article.source.extra["guid"] == "a"
    assert article.source.extra["content_hash"].startswith("sha256:")
    assert article.source.extra["article_hash"].startswith("sha256:")


def test_a_second_run_creates_nothing(empty: Path) -> None:
    read: Read = [entry("a"), entry("b")]
    assert run(empty, read).count(Action.CREATE) == 2
    before = {p: (empty / p).read_bytes() for p in files(empty)}
    again = run(empty, read)
    assert again.count(Action.CREATE) == 0
    assert again.count(Action.UNCHANGED) == 2
    assert {p: (empty / p).read_bytes() for p in files(empty)} == before


def test_a_changed_source_is_skipped_without_update_and_rewritten_with_it(empty: Path) -> None:
    run(empty, [entry("a")])
    changed = entry("a", title="Nyhet a, rättad", body="En ingress.\n\nNy text.")
    skipped = run(empty, [changed])
    assert skipped.outcomes[0].action is Action.CHANGED
    assert "--update" in skipped.outcomes[0].reason
    updated = run(empty, [changed], update=True)
    assert updated.outcomes[0].action is Action.UPDATE
    article = Newsroom(empty).load(empty / "articles/2022/02/nyhet-a.md")
    assert (article.title, article.body) == ("Nyhet a, rättad", "\nEn ingress.\n\nNy text.\n")
    assert article.slug == "nyhet-a"  # the same file, the same address
    assert run(empty, [changed], update=True).outcomes[0].action is Action.UNCHANGED


def test_update_never_overwrites_an_article_staff_edited(empty: Path) -> None:
    run(empty, [entry("a")])
    path = empty / "articles/2022/02/nyhet-a.md"
    edited = path.read_text(encoding="utf-8").replace(
        "Mer text.", "Mer text, som redaktionen skrev om."
    )
    path.write_text(edited, encoding="utf-8")
    report = run(empty, [entry("a", body="En ingress.\n\nKällans nya text.")], update=True)
    assert report.outcomes[0].action is Action.EDITED
    assert "edited since it was imported" in report.outcomes[0].reason
    assert path.read_text(encoding="utf-8") == edited


def test_update_keeps_the_status_staff_gave(empty: Path) -> None:
    run(empty, [entry("a")], status="draft")
    path = empty / "articles/2022/02/nyhet-a.md"
    path.write_text(path.read_text().replace('status = "draft"', 'status = "published"'))
    report = run(empty, [entry("a", title="Ny rubrik")], update=True)
    assert report.outcomes[0].action is Action.UPDATE  # publishing is no edit of the story
    article = Newsroom(empty).load(path)
    assert (article.title, article.status) == ("Ny rubrik", "published")


def test_topics_take_the_newsrooms_spelling(newsroom_path: Path) -> None:
    read: Read = [
        entry("a", topics=("familjefrågor", "ny  fråga")),
        entry("b", topics=("FAMILJEFRÅGOR", "Ny fråga")),
    ]
    report = run(newsroom_path, read)
    newsroom = Newsroom(newsroom_path)
    topics = [newsroom.load(newsroom_path / str(o.path)).topics for o in report.outcomes]
    assert topics == [("Familjefrågor", "ny fråga"), ("Familjefrågor", "ny fråga")]


def test_a_story_without_a_date_is_skipped_unless_dated_now(empty: Path) -> None:
    read: Read = [entry("a", date=None)]
    report = run(empty, read)
    assert report.outcomes[0].action is Action.NO_DATE
    assert "--date-missing now" in report.outcomes[0].reason
    assert files(empty) == []
    dated = run(empty, read, date_missing="now")
    article = Newsroom(empty).load(empty / str(dated.outcomes[0].path))
    assert article.date == NOW.replace(second=0, microsecond=0)
    # Dated now, it is the same story at the source tomorrow: not imported again.
    assert run(empty, read, date_missing="now").outcomes[0].action is Action.UNCHANGED


def test_one_bad_entry_never_stops_the_others(empty: Path) -> None:
    read: Read = [
        entry("a"),
        Unreadable("feed.xml, entry 2", "has no title"),
        entry("c", title="   "),
        entry("d", key={}),
        entry("e", status="nonsense"),
        entry("a"),
        entry("f"),
    ]
    report = run(empty, read)
    assert [o.action for o in report.outcomes] == [
        Action.CREATE,
        Action.REFUSED,
        Action.REFUSED,
        Action.REFUSED,
        Action.REFUSED,
        Action.DUPLICATE,
        Action.CREATE,
    ]
    assert report.outcomes[1].reason == "has no title"
    assert "title is required" in report.outcomes[2].reason
    assert "no key" in report.outcomes[3].reason
    assert "unknown status" in report.outcomes[4].reason
    assert files(empty) == ["articles/2022/02/nyhet-a.md", "articles/2022/02/nyhet-f.md"]


def test_a_dry_run_writes_nothing_and_says_where_stories_would_go(empty: Path) -> None:
    report = run(empty, [entry("a"), entry("b", date=None)], dry_run=True)
    assert [(o.action, str(o.path)) for o in report.outcomes] == [
        (Action.CREATE, "articles/2022/02/nyhet-a.md"),
        (Action.NO_DATE, "None"),
    ]
    assert files(empty) == []
    assert not (empty / ".newscli" / "lock").exists()


def test_status_draft_imports_drafts_and_a_sources_draft_stays_one(empty: Path) -> None:
    report = run(empty, [entry("a"), entry("b", status="draft")], status="draft")
    newsroom = Newsroom(empty)
    assert {newsroom.load(empty / str(o.path)).status for o in report.outcomes} == {"draft"}
    report = run(empty, [entry("c", status="draft")])
    assert newsroom.load(empty / str(report.outcomes[0].path)).status == "draft"


def test_a_new_story_never_overwrites_one_with_the_same_slug(newsroom_path: Path) -> None:
    slug = "forbattrad-ekonomisk-prognos-for-socialtjansten"
    path = newsroom_path / "articles/2021/11" / f"{slug}.md"
    before = path.read_bytes()
    report = run(newsroom_path, [entry("a", title=slug.replace("-", " "))])
    assert str(report.outcomes[0].path).endswith(f"{slug}-2.md")
    assert path.read_bytes() == before


def test_a_lead_other_than_the_first_paragraph_is_the_teaser(empty: Path) -> None:
    report = run(empty, [entry("a", lead="Sammanfattning […]")])
    article = Newsroom(empty).load(empty / str(report.outcomes[0].path))
    assert article.teaser == "Sammanfattning […]"


def test_a_photo_is_downloaded_into_the_newsroom_as_photo_set_keeps_it(empty: Path) -> None:
    photo = IncomingPhoto(
        url="https://press.example.com/bild.jpg", alt="Två barn", credit="Foto AB"
    )
    report = import_stories(
        Newsroom(empty),
        [entry("a", photo=photo)],
        ImportOptions(),
        now=NOW,
        download=lambda url: PHOTO.read_bytes(),
    )
    article = Newsroom(empty).load(empty / str(report.outcomes[0].path))
    assert article.image is not None
    assert article.image.src == "images/2022/02/nyhet-a.jpg"
    assert (article.image.alt, article.image.credit) == ("Två barn", "Foto AB")
    assert (empty / "images/2022/02/nyhet-a.jpg").read_bytes() == PHOTO.read_bytes()
    assert article.source is not None
    assert article.source.extra["photo_url"] == "https://press.example.com/bild.jpg"
    assert report.outcomes[0].warnings == ()


def test_a_photo_that_cannot_be_downloaded_leaves_its_address_and_a_warning(empty: Path) -> None:
    photo = IncomingPhoto(url="https://press.example.com/bild.jpg")
    report = run(empty, [entry("a", photo=photo)])
    (outcome,) = report.outcomes
    assert outcome.action is Action.CREATE
    assert outcome.warnings == (
        "photo not downloaded (no network in tests); its address is kept in [source] photo_url",
    )
    article = Newsroom(empty).load(empty / str(outcome.path))
    assert article.image is None
    assert article.source is not None
    assert article.source.extra["photo_url"] == "https://press.example.com/bild.jpg"


def test_a_download_that_is_no_photo_is_not_kept(empty: Path) -> None:
    photo = IncomingPhoto(url="https://press.example.com/bild.jpg", alt="x")
    report = import_stories(
        Newsroom(empty),
        [entry("a", photo=photo)],
        ImportOptions(),
        now=NOW,
        download=lambda url: b"<html>not a photo</html>",
    )
    assert "is not a photo newscli takes" in report.outcomes[0].warnings[0]
    assert not (empty / "images").exists() or not any((empty / "images").rglob("*.*"))


def test_a_broken_newsroom_file_is_reported_not_fatal(empty: Path) -> None:
    broken = empty / "articles/2020/01/trasig.md"
    broken.parent.mkdir(parents=True)
    broken.write_text("+++\ntitle = \n+++\n")
    report = run(empty, [entry("a")])
    assert report.count(Action.CREATE) == 1
    assert [str(e.path) for e in report.broken] == ["articles/2020/01/trasig.md"]


def test_a_photo_is_fetched_from_the_server_the_person_typed(empty: Path) -> None:
    with local_server({"/bild.jpg": PHOTO.read_bytes()}) as base:
        photo = IncomingPhoto(url=f"{base}/bild.jpg", alt="Två barn")
        report = import_stories(
            Newsroom(empty),
            [entry("a", photo=photo)],
            ImportOptions(),
            now=NOW,
            download=Fetcher(f"{base}/feed.xml").photo,
        )
    assert (empty / "images/2022/02/nyhet-a.jpg").read_bytes() == PHOTO.read_bytes()
    assert report.outcomes[0].warnings == ()


def test_a_photo_a_source_names_on_loopback_is_never_fetched(empty: Path) -> None:
    from tests.test_importing_fetch import noting

    asked: list[str] = []
    photo_route = noting(asked, PHOTO.read_bytes())

    with local_server({"/bild.jpg": photo_route}) as base:
        photo = IncomingPhoto(url=f"{base}/bild.jpg", alt="Två barn", credit="Foto: A")
        report = import_stories(
            Newsroom(empty), [entry("a", photo=photo)], ImportOptions(), now=NOW
        )
    assert asked == [] and not (empty / "images").exists()
    (outcome,) = report.outcomes
    assert "local or private address (127.0.0.1)" in outcome.warnings[0]
    text = (empty / "articles/2022/02/nyhet-a.md").read_text(encoding="utf-8")
    assert f'photo_url = "{base}/bild.jpg"' in text and 'photo_credit = "Foto: A"' in text


def test_a_story_met_again_through_another_feed_of_the_site_is_not_created_twice(
    empty: Path,
) -> None:
    rss = entry("a", source_url="http://press.example.com/nyheter/a/")
    atom = entry(
        "tag:press.example.com,2022:a",
        title="Nyhet a",
        source_url="https://press.example.com/nyheter/a",
        key={"feed": "https://press.example.com/atom", "guid": "tag:press.example.com,2022:a"},
    )
    assert run(empty, [rss]).count(Action.CREATE) == 1
    report = run(empty, [atom])
    (outcome,) = report.outcomes
    assert outcome.action is Action.ELSEWHERE and "another feed of the same site" in outcome.reason
    assert str(outcome.path) == "articles/2022/02/nyhet-a.md"
    assert len(files(empty)) == 1


def test_entries_that_share_one_address_are_still_different_stories(empty: Path) -> None:
    home = "https://press.example.com/"
    run(empty, [entry("a", source_url=home)])
    other = entry("b", source_url=home, key={"feed": "https://press.example.com/atom", "guid": "b"})
    also = entry("c", source_url=home, key={"feed": "https://press.example.com/atom", "guid": "c"})
    assert run(empty, [other, also]).count(Action.CREATE) == 2


@pytest.mark.parametrize(
    "date",
    [
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-1))),
    ],
)
def test_a_placeholder_date_at_the_calendars_ends_is_refused_in_the_dry_run_too(
    empty: Path, date: dt.datetime
) -> None:
    for dry_run in (True, False):
        (outcome,) = run(empty, [entry("a", date=date)], dry_run=dry_run).outcomes
        assert outcome.action is Action.REFUSED and "placeholder" in outcome.reason
    assert files(empty) == []


def test_a_dry_run_refuses_what_the_real_run_would(empty: Path) -> None:
    # A lone surrogate (a JSON Feed's "\ud800"): no UTF-8 file can hold it.
    bad = entry("a", title="Rubrik \ud800")
    dry = run(empty, [bad], dry_run=True).outcomes[0]
    real = run(empty, [bad]).outcomes[0]
    assert (dry.action, real.action) == (Action.REFUSED, Action.REFUSED)


def test_a_story_without_a_date_can_be_a_draft_dated_today(empty: Path) -> None:
    report = run(empty, [entry("a", date=None)], date_missing="draft")
    (outcome,) = report.outcomes
    assert outcome.action is Action.CREATE
    assert outcome.warnings == ("no date on the page: set `date` before publishing",)
    text = (empty / outcome.path).read_text(encoding="utf-8")  # type: ignore[operator]
    assert 'status = "draft"' in text and "date = 2022-" not in text
