"""The catalog: one answer for every question about which articles there are."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

from newscli.article import Article, Summary
from newscli.catalog import Catalog, ref_matches
from newscli.errors import RefError
from newscli.newsroom import Newsroom
from newscli.query import Filters
from tests.conftest import STORY, STORY_PATH, Invoke, newscli_process

BROKEN = "articles/2021/11/trasig.md"


@pytest.mark.parametrize("use_index", [True, False], ids=["index", "files"])
def test_every_answer_names_the_broken_files_it_met(newsroom: Newsroom, use_index: bool) -> None:
    (newsroom.root / BROKEN).write_text("no front matter")
    with Catalog(newsroom, use_index=use_index) as catalog:
        for answer in (
            catalog.summaries(),
            catalog.paths(Filters(topics=("Ekonomi",))),
            catalog.articles(Filters(status="published"), 2),
            catalog.topic_uses(),
            catalog.resolve("0b6f0c2e"),
        ):
            assert [str(e.path) for e in answer.broken] == [BROKEN]
        assert [str(e.path) for e in catalog.topics()[1]] == [BROKEN]


def test_listings_get_summaries_and_only_asked_for_articles_are_whole(
    newsroom: Newsroom,
) -> None:
    with Catalog(newsroom) as catalog:
        listed = catalog.summaries().items
        whole = catalog.articles(Filters()).items
    assert len(listed) == 5 and not any(isinstance(s, Article) for s in listed)
    assert [a.id for a in whole] == [s.id for s in listed]
    assert all(isinstance(a, Article) for a in whole) and any(a.body for a in whole)
    assert [s.lead for s in listed] == [a.lead for a in whole]


def test_index_and_files_give_the_same_summaries(newsroom: Newsroom) -> None:
    with Catalog(newsroom) as indexed, Catalog(newsroom, use_index=False) as scanned:
        assert indexed.summaries().items == scanned.summaries().items
        assert isinstance(indexed.summaries().items[0], Summary)


def test_new_reads_no_article_once_the_index_is_warm(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke("list").exit_code == 0  # builds the index
    reads: list[Path] = []
    real = Newsroom.read

    def counting(self: Newsroom, path: Path) -> tuple[bytes, Article]:
        reads.append(path)
        return real(self, path)

    monkeypatch.setattr(Newsroom, "read", counting)
    result = invoke("new", "Förbättrad ekonomisk prognos för socialtjänsten", "--no-input")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith(f"/{STORY}-2.md")
    assert reads == []


def test_new_runs_at_once_never_choose_the_same_slug(newsroom_path: Path) -> None:
    """Same title, different months: without the newsroom lock two runs could both find the
    slug free, each in its own folder."""
    runs = [
        newscli_process(
            newsroom_path, "new", "Samma rubrik", "--no-input", "--date", f"2023-{m:02d}-01"
        )
        for m in range(1, 7)
    ]
    paths = []
    for run in runs:
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err
        paths.append(out.strip())
    slugs = sorted(Path(p).stem for p in paths)
    assert slugs == ["samma-rubrik"] + [f"samma-rubrik-{n}" for n in range(2, 7)]
    assert all((newsroom_path / p).is_file() for p in paths)


def test_a_changed_file_is_seen_at_once(newsroom: Newsroom) -> None:
    path = newsroom.root / "articles/2021/11" / f"{STORY}.md"
    with Catalog(newsroom) as catalog:
        assert catalog.summaries(Filters(search="nyckelordet")).items == []
    text = path.read_text(encoding="utf-8").replace("Socialtjänsten", "Nyckelordet", 1)
    path.write_text(text, encoding="utf-8")
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))
    with Catalog(newsroom) as catalog:
        assert [s.slug for s in catalog.summaries(Filters(search="nyckelordet")).items] == [STORY]


def test_a_file_that_breaks_keeps_its_last_good_version_in_the_catalog(
    newsroom: Newsroom,
) -> None:
    path = newsroom.root / "articles/2021/11" / f"{STORY}.md"
    with Catalog(newsroom) as catalog:
        before = {s.slug: s for s in catalog.summaries().items}
        assert catalog.kept() == []
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("+++\n", "+++\n<<<<<<< HEAD\n", 1), encoding="utf-8")
    with Catalog(newsroom) as catalog:
        assert STORY not in {s.slug for s in catalog.summaries().items}
        assert catalog.kept() == [before[STORY]]
    path.unlink()  # a file removed on purpose is not kept
    with Catalog(newsroom) as catalog:
        assert catalog.kept() == []


def test_index_and_files_name_and_count_topics_alike(newsroom: Newsroom) -> None:
    extra = newsroom.root / "articles/2022/05/stavning.md"
    extra.parent.mkdir(parents=True)
    extra.write_text(
        '+++\nid = "s-1"\ntitle = "Stavning"\nslug = "stavning"\n'
        'date = 2022-05-02T10:00:00+02:00\ntopics = ["ekonomi", "FAMILJEFRÅGOR"]\n+++\n',
        encoding="utf-8",
    )
    with Catalog(newsroom) as indexed, Catalog(newsroom, use_index=False) as scanned:
        from_index, from_files = indexed.topics()[0], scanned.topics()[0]
        assert sorted(from_index.sorted(), key=repr) == sorted(from_files.sorted(), key=repr)
        assert indexed.topics()[0].sorted() == from_index.sorted()  # from the index's cache


REFS = {
    "forbattrad": [STORY],
    "FÖRBÄTTRAD": [STORY],
    "0b6f": [STORY],
    "0B6F0C2E-6A": [STORY],
    "0b6f0c2e6a53": [STORY],
    "social": [
        "socialnamnden-har-minskat-sitt-budgetunderskott-med-31-miljoner-pa-tva-ar",
        "socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation",
    ],
    "0b6": [],  # too short for an id
    "5d1": [],
    "prognos": [],  # not at the start of a slug
}


@pytest.mark.parametrize("use_index", [True, False], ids=["index", "files"])
def test_index_and_files_find_the_same_stories_for_a_ref(
    newsroom: Newsroom, use_index: bool
) -> None:
    with Catalog(newsroom, use_index=use_index) as catalog:
        for ref, slugs in REFS.items():
            if len(slugs) == 1:
                assert catalog.resolve(ref).one.slug == slugs[0], ref
                continue
            with pytest.raises(RefError) as raised:
                catalog.resolve(ref)
            for slug in slugs:
                assert slug in str(raised.value), ref
            if not slugs:
                assert "no story matches" in str(raised.value)


def test_ref_matches_prefers_the_exact_slug() -> None:
    stories = [
        Summary(id=f"id{n}", title="x", slug=slug, date=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
        for n, slug in enumerate(["budget", "budget-2", "budgetar"])
    ]
    assert [s.slug for s in ref_matches("budget", stories)] == ["budget"]
    assert [s.slug for s in ref_matches("budget-", stories)] == ["budget-2"]
    assert len(ref_matches("budg", stories)) == 3
    assert ref_matches("id1", stories) == []  # three characters are not an id prefix


KEPT = "articles/2022/03/framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa.md"


def test_public_puts_a_broken_file_s_last_good_version_in_its_place_with_its_topic(
    newsroom: Newsroom,
) -> None:
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with Catalog(newsroom) as catalog:
        before = catalog.public(now)
    path = newsroom.root / KEPT
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("+++\n", "+++\n<<<<<<< HEAD\n", 1), encoding="utf-8")
    (newsroom.root / BROKEN).write_text("no front matter")  # never seen good
    with Catalog(newsroom) as catalog:
        public = catalog.public(now)
        assert list(catalog.public_topics()) == list(public.topics)
    assert [str(s.path) for s in public.kept] == [KEPT]
    assert public.unknown == [BROKEN]
    assert [s.id for s in public.stories()] == [s.id for s in before.stories()]
    assert public.topics.get("Kvalitetsutveckling") is not None  # only the kept story has it
    assert public.topics.sorted() == before.topics.sorted()


@pytest.mark.parametrize("use_index", [True, False], ids=["index", "files"])
def test_a_ref_finds_a_renamed_file_by_its_name_and_names_a_broken_one(
    newsroom: Newsroom, use_index: bool
) -> None:
    from newscli.catalog import BrokenFile

    (newsroom.root / STORY_PATH).rename(newsroom.root / "articles/2021/11/nytt-namn.md")
    (newsroom.root / BROKEN).write_text("no front matter")
    with Catalog(newsroom, use_index=use_index) as catalog:
        assert catalog.resolve("nytt-namn.md").one.slug == STORY
        assert catalog.resolve("nytt").one.slug == STORY
        with pytest.raises(BrokenFile) as raised:
            catalog.resolve("trasi")
    assert str(raised.value).startswith(f"{BROKEN} is broken (line 1: ")
    assert str(raised.value.path) == BROKEN
