"""The index in .newscli/ changes how fast `list` answers, never what it answers."""

import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscli.catalog import Catalog
from newscli.newsroom import Newsroom
from newscli.query import Filters
from tests.conftest import STORY, STORY_PATH, Invoke

QUERIES = [
    (),
    ("--topic", "familjefragor"),
    ("--topic", "Ekonomi", "--topic", "Kvalitetsutveckling"),
    ("--search", "forbattrad"),
    ("--search", "KÄLLBOGÅRDEN prognos"),
    ("--search", "sjösatt"),  # in the body of the story without a teaser key
    ("--author", "PITEÅ KOMMUN", "--since", "2022-01-01"),
    ("--until", "2022-02-16", "--status", "published"),
    ("--limit", "2"),
]


def both(invoke: Invoke, *args: str) -> tuple[str, str]:
    with_index = invoke("list", "--format", "json", *args)
    without = invoke("list", "--format", "json", "--no-index", *args)
    assert with_index.exit_code == without.exit_code == 0
    assert with_index.stderr == without.stderr
    return with_index.stdout, without.stdout


@pytest.mark.parametrize("args", QUERIES)
def test_index_and_files_give_the_same_answers(
    invoke: Invoke, newsroom_path: Path, args: tuple[str, ...]
) -> None:
    indexed, scanned = both(invoke, *args)
    assert indexed == scanned
    assert (newsroom_path / ".newscli" / "index.sqlite").is_file()
    for fmt in ("csv", "paths", "table", "cards"):
        assert (
            invoke("list", "--format", fmt, *args).stdout
            == invoke("list", "--format", fmt, "--no-index", *args).stdout
        )


def test_a_changed_added_or_deleted_file_is_seen(invoke: Invoke, newsroom_path: Path) -> None:
    invoke("list")
    story = newsroom_path / STORY_PATH
    story.write_text(story.read_text().replace("Ekonomi", "Budget"), encoding="utf-8")
    invoke("new", "Helt ny", "--no-input", "-t", "Budget", "--date", "2023-01-01")
    gone = (
        newsroom_path
        / "articles/2022/01/socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation.md"
    )
    gone.unlink()
    indexed, scanned = both(invoke, "--topic", "Budget")
    assert indexed == scanned
    assert [r["title"] for r in json.loads(indexed)] == [
        "Helt ny",
        "Förbättrad ekonomisk prognos för socialtjänsten, utökat brandskydd och satsning på barn som anhöriga",
    ]
    assert len(json.loads(both(invoke)[0])) == 5


def test_broken_files_are_warned_about_from_the_index_too(
    invoke: Invoke, newsroom_path: Path
) -> None:
    (newsroom_path / "articles/2021/11/trasig.md").write_text('+++\ntitle = "x\n+++\n')
    invoke("list")
    indexed = invoke("list", "--format", "paths")
    assert "articles/2021/11/trasig.md:2" in indexed.stderr
    assert len(indexed.stdout.splitlines()) == 5


def not_a_database(index: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{index}{suffix}").unlink(missing_ok=True)
    index.write_bytes(b"this is not a database" * 100)


def damaged_rows(index: Path) -> None:
    """A file that opens but whose rows are garbage (a power cut in a build, a disk error)."""
    db = sqlite3.connect(index)
    (page,) = db.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'article'").fetchone()
    (size,) = db.execute("PRAGMA page_size").fetchone()
    db.close()
    with index.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(b"\x0d\xff\xff" * (size // 3))


def outdated_and_big(index: Path) -> None:
    """Written by an older newscli, and grown: a new schema must not keep the old file."""
    db = sqlite3.connect(index)
    db.execute("UPDATE meta SET value = '[5]' WHERE key = 'fingerprint'")
    db.execute("INSERT INTO meta VALUES ('old', ?)", ("x" * 4_000_000,))
    db.commit()
    db.close()


@pytest.mark.parametrize("spoil", [not_a_database, damaged_rows, outdated_and_big])
def test_a_spoiled_index_is_started_again(
    invoke: Invoke, newsroom_path: Path, spoil: Callable[[Path], None]
) -> None:
    invoke("list")
    index = newsroom_path / ".newscli" / "index.sqlite"
    spoil(index)
    indexed, scanned = both(invoke, "--search", "brandskydd")
    assert indexed == scanned and len(json.loads(indexed)) == 1
    invoke("list")  # not read around for ever: the index is whole again
    assert sqlite3.connect(index).execute("SELECT count(meta) FROM article").fetchone()[0] == 5
    assert index.stat().st_size < 1_000_000


def test_a_locked_index_falls_back_to_the_files(invoke: Invoke, newsroom_path: Path) -> None:
    invoke("list")
    story = newsroom_path / STORY_PATH
    story.write_text(story.read_text().replace("Ekonomi", "Låst"), encoding="utf-8")
    holder = sqlite3.connect(newsroom_path / ".newscli" / "index.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = invoke("list", "--format", "paths", "--topic", "Låst")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.stdout == f"{STORY_PATH}\n"


def test_an_unwritable_index_folder_falls_back_to_the_files(
    invoke: Invoke, newsroom_path: Path
) -> None:
    (newsroom_path / ".newscli").write_text("a file where the folder should be")
    result = invoke("list", "--format", "paths", "--search", "kvalitetsmassa")
    assert result.exit_code == 0
    assert result.stdout.endswith("framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa.md\n")


def test_a_new_timezone_rebuilds_the_index(invoke: Invoke, newsroom_path: Path) -> None:
    (newsroom_path / "articles/2021/11/lokal.md").write_text(
        '+++\nid = "l"\ntitle = "Lokal tid"\nslug = "lokal"\ndate = 2021-11-30T23:30:00\nstatus = "published"\n+++\n'
    )
    before = json.loads(invoke("list", "--format", "json", "--search", "lokal tid").stdout)[0][
        "date"
    ]
    config = newsroom_path / "newscli.toml"
    config.write_text(config.read_text().replace("Europe/Stockholm", "America/New_York"))
    after = json.loads(invoke("list", "--format", "json", "--search", "lokal tid").stdout)[0][
        "date"
    ]
    assert (before, after) == ("2021-11-30T23:30:00+01:00", "2021-11-30T23:30:00-05:00")


def test_a_first_run_read_on_every_core_gives_the_same_answers(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newscli.index

    monkeypatch.setattr(newscli.index, "PARALLEL_FROM", 2)
    indexed, scanned = both(invoke)
    assert indexed == scanned and len(json.loads(indexed)) == 5
    assert (
        both(invoke, "--search", "socialtjänsten")[0]
        == both(invoke, "--search", "socialtjansten")[1]
    )


def test_feeds_chosen_by_the_index_match_those_chosen_from_the_files(
    invoke: Invoke, newsroom_path: Path
) -> None:
    indexed = invoke("export", "rss", "--full", "-o", "-").stdout
    assert (newsroom_path / ".newscli" / "index.sqlite").is_file()
    shutil.rmtree(newsroom_path / ".newscli")
    (newsroom_path / ".newscli").write_text("not a folder: the index cannot be used")
    assert invoke("export", "rss", "--full", "-o", "-").stdout == indexed
    assert "<title>Förbättrad ekonomisk prognos" in indexed


def test_rows_stored_for_files_newscli_wrote_are_those_a_rebuild_makes(
    newsroom_path: Path,
) -> None:
    from newscli.index import Index
    from newscli.newsroom import Newsroom, write_atomic

    newsroom = Newsroom(newsroom_path)
    index = Index(newsroom)
    index.refresh(newsroom.tree())
    index.topics()  # counted and kept
    story = newsroom_path / STORY_PATH
    text = story.read_text(encoding="utf-8").replace('"Ekonomi"', '"Budget"')
    status = write_atomic(story, text.encode("utf-8"))
    index.update_files([(story, status, newsroom.load(story))])
    assert "Budget" in index.topics()  # the kept count was dropped

    def rows(db_path: Path) -> list[tuple[object, ...]]:
        db = sqlite3.connect(db_path)
        try:
            return db.execute("SELECT * FROM article ORDER BY path").fetchall()
        finally:
            db.close()

    stored = rows(index.path)
    index.close()
    read = {rel for rel, _ in newsroom.tree().files}
    reads: list[Path] = []
    real_load = Newsroom.load

    def counting(self: Newsroom, path: Path) -> object:
        reads.append(path)
        return real_load(self, path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Newsroom, "load", counting)
        again = Index(newsroom)
        again.refresh(newsroom.tree())  # the stored row's stat is the file's: nothing to read
        again.close()
    assert reads == []
    shutil.rmtree(newsroom_path / ".newscli")
    rebuilt = Index(newsroom)
    rebuilt.refresh(newsroom.tree())
    rebuilt.close()
    assert rows(rebuilt.path) == stored and len(stored) == len(read)


NAMES = ["Piteå kommun", "Anna-Karin Öberg", "ÖBERG", "Ekonomi", "Ekonomistyrning", "Våld i nära"]
typed = st.one_of(
    st.sampled_from(["pitea", "kom", "oberg", "karin", "ekon", "ekonomi", "nara", "vå", " ", "x"]),
    st.text(alphabet="aeoöåk -", max_size=6),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stories=st.lists(
        st.tuples(st.sampled_from(NAMES), st.lists(st.sampled_from(NAMES), max_size=2)),
        min_size=1,
        max_size=5,
    ),
    author=typed,
    topic=typed,
)
def test_author_and_topic_filters_answer_alike_from_the_index_and_the_files(
    stories: list[tuple[str, list[str]]], author: str, topic: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        newsroom = Newsroom(Path(folder))
        for n, (by, topics) in enumerate(stories):
            path = Path(folder, "articles/2024/01", f"s{n}.md")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                f'+++\nid = "id-{n}"\ntitle = "T"\nslug = "s{n}"\n'
                f"date = 2024-01-0{n + 1}T10:00:00+01:00\n"
                f"author = {json.dumps(by, ensure_ascii=False)}\n"
                f"topics = {json.dumps(topics, ensure_ascii=False)}\n+++\nText.\n",
                encoding="utf-8",
            )
        answers = []
        for use_index in (True, False):
            with Catalog(newsroom, use_index=use_index) as catalog:
                for filters in (Filters(author=author), Filters(topics=(topic,))):
                    chosen, missing = catalog.choose_topics(filters)
                    answers.append((catalog.paths(chosen).items, missing))
        assert answers[:2] == answers[2:]


# -- an index that cannot be fooled: a file is trusted only while its whole stamp holds ---------


def _same_size_edit_keeping_mtime(path: Path, old: str, new: str) -> None:
    """An edit as a restore, `cp -p` or `rsync -t` makes it: same size, the old mtime."""
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_the_index_cannot_be_fooled_by_a_same_size_edit_that_keeps_its_mtime(
    invoke: Invoke, newsroom_path: Path
) -> None:
    invoke("list")  # the index holds the story as it was
    story = newsroom_path / STORY_PATH
    _same_size_edit_keeping_mtime(story, "date = 2021-11-23", "date = 2035-11-23")
    indexed, scanned = both(invoke, "--state", "scheduled")
    assert indexed == scanned
    assert STORY in indexed
    # A copy over the file with its old mtime (cp -p) is seen too.
    copy = newsroom_path / "kopia.md"
    copy.write_text(story.read_text(encoding="utf-8").replace("Piteå", "Pitea", 1))
    os.utime(copy, ns=(story.stat().st_atime_ns, story.stat().st_mtime_ns))
    shutil.copy2(copy, story)
    copy.unlink()
    assert both(invoke, "--author", "Pitea")[0] == both(invoke, "--author", "Pitea")[1]
    assert STORY in invoke("list", "--author", "Pitea", "--format", "paths").stdout


def test_the_index_cannot_be_fooled_into_keeping_a_story_published_by_an_embargo_edit(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path
) -> None:
    assert invoke("export", "html").exit_code == 0
    page = newsroom_path / "public" / "2021" / "11" / STORY / "index.html"
    assert page.is_file()
    story = newsroom_path / STORY_PATH
    _same_size_edit_keeping_mtime(story, "date = 2021-11-23", "date = 2035-11-23")
    assert invoke("export", "html").exit_code == 0
    assert not page.exists(), "an embargoed story stayed published"
    empty = tmp_path / "tom"
    assert invoke("export", "html", "--full", "-o", str(empty)).exit_code == 0
    assert not (empty / "2021" / "11" / STORY / "index.html").exists()
    assert not (empty / "2035" / "11" / STORY / "index.html").exists()


def _tamper(newsroom_path: Path, title: str) -> None:
    """A row that says something else than its file, its stamp kept (a tampered index)."""
    with sqlite3.connect(newsroom_path / ".newscli" / "index.sqlite") as db:
        (meta,) = db.execute("SELECT meta FROM article WHERE path = ?", (STORY_PATH,)).fetchone()
        tampered = json.dumps({**json.loads(meta), "title": title}, ensure_ascii=False)
        db.execute("UPDATE article SET meta = ? WHERE path = ?", (tampered, STORY_PATH))
    db.close()


def test_the_index_cannot_be_fooled_by_export_full_or_check_which_read_every_file(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path
) -> None:
    invoke("list")
    _tamper(newsroom_path, "Förfalskad rubrik")
    assert "Förfalskad rubrik" in invoke("list").stdout  # the stamp is trusted otherwise
    full = tmp_path / "full"
    assert invoke("export", "html", "--full", "-o", str(full)).exit_code == 0
    page = (full / "2021" / "11" / STORY / "index.html").read_text(encoding="utf-8")
    assert "Förfalskad" not in page and "Förbättrad ekonomisk prognos" in page
    _tamper(newsroom_path, "Förfalskad rubrik")
    invoke("check")
    assert "Förfalskad rubrik" not in invoke("list").stdout
