"""Topic changes as pure functions, the bulk runner, and the promise that nothing is lost:
not by a kill, a full disk, a read-only file, an editor saving meanwhile or a second run."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscli import frontmatter, tagging
from newscli.newsroom import Newsroom
from newscli.topics import topic_key
from tests.conftest import STORY, STORY_PATH, Invoke, newscli_process
from tests.support.faults import KILL_AT, finish, inject, kill_when, leftovers, needs_sigkill
from tests.support.harness import run, scratch_newsroom
from tests.support.hostile import GOOD, HOSTILE_PATH
from tests.support.newsrooms import generate_newsroom, sample_newsroom

OTHER_PATH = (
    "articles/2022/02/socialnamnden-har-minskat-sitt-budgetunderskott-med-31-miljoner-pa-tva-ar.md"
)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def test_add_keeps_order_and_the_first_spelling() -> None:
    add = tagging.adding(["Brandskydd", "ekonomi"])
    assert add(["Ekonomi", "Anhörigstöd"]) == ["Ekonomi", "Anhörigstöd", "Brandskydd"]


def test_remove_takes_every_spelling() -> None:
    assert tagging.removing(["FAMILJEFRÅGOR "])(["Familjefrågor", "Ekonomi"]) == ["Ekonomi"]


def test_rename_keeps_position_and_merges_onto_an_existing_topic() -> None:
    rename = tagging.renaming("Familjefrågor", "Familj och barn")
    assert rename(["Ekonomi", "familjefrågor", "Anhörigstöd"]) == [
        "Ekonomi",
        "Familj och barn",
        "Anhörigstöd",
    ]
    assert rename(["Familj och barn", "Familjefrågor"]) == ["Familj och barn"]
    assert tagging.renaming("familjefrågor", "Familjefrågor")(["familjefrågor"]) == [
        "Familjefrågor"
    ]


def test_merge_puts_the_target_where_the_first_source_stood() -> None:
    merge = tagging.merging(["Anhörigstöd", "Stöd till anhöriga"], "Anhöriga")
    assert merge(["Ekonomi", "Stöd till anhöriga", "Brandskydd", "Anhörigstöd"]) == [
        "Ekonomi",
        "Anhöriga",
        "Brandskydd",
    ]


# -- rewriting a file: only the topics change ----------------------------------------------------


def test_rewrite_keeps_comments_unknown_keys_and_body(newsroom: Newsroom) -> None:
    path = newsroom.root / STORY_PATH
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        'status = "published"',
        'status = "published"  # reviewed\nreviewer = { name = "Eva", when = 2021-11-22 }',
    )
    path.write_text(text, encoding="utf-8")
    article = newsroom.load(path)
    new = tagging.rewrite_topics(text, article, ["Ekonomi", "Brandskydd"])
    assert "# reviewed" in new and "# The source page gives no date" in new
    assert frontmatter.split(new).body == frontmatter.split(text).body
    changed = [line for line in new.splitlines() if line not in text.splitlines()]
    assert all(
        "Ekonomi" in line or "Brandskydd" in line or line.strip() in ("topics = [", "]")
        for line in changed
    )
    meta, _, _ = frontmatter.parse(new)
    assert meta["reviewer"] == {"name": "Eva", "when": dt.date(2021, 11, 22)}


def test_a_key_the_fast_edit_cannot_find_is_changed_with_its_comments_kept(
    newsroom: Newsroom,
) -> None:
    path = newsroom.root / STORY_PATH
    # A literal-quoted key is valid TOML that the fast in-place edit does not locate: the
    # style-preserving edit (tomlkit) changes it, and the file's comments stay.
    text = path.read_text(encoding="utf-8").replace("topics = [", "'topics' = [")
    path.write_text(text, encoding="utf-8")
    comments = [line for line in text.splitlines() if "#" in line]
    [(_, outcome)] = list(tagging.run(newsroom, [path], tagging.adding(["Brandskydd"])))
    assert isinstance(outcome, tagging.Change)
    after = path.read_text(encoding="utf-8")
    assert newsroom.load(path).topics == ("Ekonomi", "Anhörigstöd", "Brandskydd")
    assert comments and all(line in after.splitlines() for line in comments)
    assert frontmatter.split(after).body == frontmatter.split(text).body


def test_a_comment_on_the_topics_line_survives_tag(newsroom: Newsroom) -> None:
    path = newsroom.root / STORY_PATH
    text = path.read_text(encoding="utf-8").replace(
        'topics = ["Ekonomi", "Anhörigstöd"]',
        'topics = ["Ekonomi", "Anhörigstöd"]  # valda av nämndens sekreterare',
    )
    path.write_text(text, encoding="utf-8")
    [(_, outcome)] = list(tagging.run(newsroom, [path], tagging.adding(["Brandskydd"])))
    assert isinstance(outcome, tagging.Change)
    after = path.read_text(encoding="utf-8")
    assert "# valda av nämndens sekreterare" in after
    assert newsroom.load(path).topics == ("Ekonomi", "Anhörigstöd", "Brandskydd")


def test_runner_leaves_unchanged_files_alone(newsroom: Newsroom) -> None:
    paths = [Path(p) for p in newsroom.article_files()]
    stamps = {p: p.stat().st_mtime_ns for p in paths}
    add = tagging.adding(["Familjefrågor"])
    first = tagging.Report()
    for rel, outcome in tagging.run(newsroom, paths, add):
        first.record(rel, outcome)
    assert len(first.changed) == 1 and len(first.unchanged) == 4
    stamps_after = {p: p.stat().st_mtime_ns for p in paths}
    second = tagging.Report()
    for rel, outcome in tagging.run(newsroom, paths, add):
        second.record(rel, outcome)
    assert second.changed == [] and len(second.unchanged) == 5
    assert {p: p.stat().st_mtime_ns for p in paths} == stamps_after
    unchanged = [p for p in paths if stamps[p] == stamps_after[p]]
    assert len(unchanged) == 4


def test_tag_parses_each_file_once(newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole front matter is parsed once per file; the edit is checked on the lines of
    the topics key alone (a second and third parse were a third of a bulk run)."""
    real_loads = frontmatter.tomllib.loads
    whole: list[str] = []

    def loads(toml: str) -> dict[str, Any]:
        if "title" in toml:
            whole.append(toml)
        return real_loads(toml)

    monkeypatch.setattr(frontmatter.tomllib, "loads", loads)
    paths = newsroom.article_files()
    outcomes = list(tagging.run(newsroom, paths, tagging.adding(["En gång"])))
    assert all(isinstance(outcome, tagging.Change) for _, outcome in outcomes)
    assert len(whole) == len(paths)
    monkeypatch.undo()
    assert all("En gång" in newsroom.load(path).topics for path in paths)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names fds through /proc")
def test_each_folder_is_fsynced_once_after_the_renames_in_it(
    newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A power loss may undo a rename whose folder was not fsynced yet (the file is then
    old and whole); the run is over only once every folder it wrote in is fsynced."""
    from newscli import files

    events: list[tuple[str, str]] = []
    real_fsync, real_exchange = os.fsync, files._exchange

    def fsync(fd: int) -> None:
        target = os.readlink(f"/proc/self/fd/{fd}")
        events.append(("folder" if os.path.isdir(target) else "file", target))
        real_fsync(fd)

    def exchange(source: Path, target: Path) -> bool:
        swapped = real_exchange(source, target)
        events.append(("renamed", str(target)))
        return swapped

    monkeypatch.setattr(files.os, "fsync", fsync)
    monkeypatch.setattr(files, "_exchange", exchange)
    paths = newsroom.article_files()
    steps = tagging.run(newsroom, paths, tagging.adding(["Synkad"]))
    for _ in paths[:-1]:
        next(steps)
    assert [kind for kind, _ in events].count("folder") == 0
    assert len(list(steps)) == 1
    folders = [name for kind, name in events if kind == "folder"]
    assert sorted(folders) == sorted({str(path.parent) for path in paths})
    renamed = [index for index, (kind, _) in enumerate(events) if kind == "renamed"]
    first_folder = next(index for index, (kind, _) in enumerate(events) if kind == "folder")
    assert len(renamed) == len(paths) and max(renamed) < first_folder


def test_tag_fsyncs_several_files_at_once_and_reports_them_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fsyncs, most of a bulk run on a real disk, overlap: one after another took ten
    times as long as eight at a time on the benchmark's disk. Every file is still reported,
    in the order given, and written under the run's lock."""
    import threading
    import time

    from newscli import files, lock

    root = generate_newsroom(tmp_path / "newsroom", 24, 1)
    newsroom = Newsroom(root)
    paths = newsroom.article_files()
    syncing: set[int] = set()
    most = [0]
    locked: list[bool] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        syncing.add(threading.get_ident())
        most[0] = max(most[0], len(syncing))
        if not stat.S_ISDIR(os.fstat(fd).st_mode):  # a file's bytes: written under the lock
            locked.append(any(path.endswith("lock") for path, _thread in lock._HELD))
        time.sleep(0.02)
        syncing.discard(threading.get_ident())
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", fsync)
    outcomes = list(tagging.run(newsroom, paths, tagging.adding(["Samtidig"])))
    monkeypatch.undo()
    assert most[0] > 1
    assert all(locked)
    assert [rel for rel, _ in outcomes] == [newsroom.relative(path) for path in paths]
    assert all(isinstance(outcome, tagging.Change) for _, outcome in outcomes)
    assert all("Samtidig" in newsroom.load(path).topics for path in paths)


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664, 0o755])
def test_tag_keeps_the_file_mode(invoke: Invoke, newsroom_path: Path, mode: int) -> None:
    story = newsroom_path / STORY_PATH
    story.chmod(mode)
    assert invoke("tag", "add", "Läge", "--article", STORY).exit_code == 0
    assert "Läge" in story.read_text()
    assert stat.S_IMODE(story.stat().st_mode) == mode


def test_a_symlink_inside_articles_is_read_and_tagging_writes_its_target(
    invoke: Invoke, newsroom_path: Path
) -> None:
    shutil.move(newsroom_path / STORY_PATH, newsroom_path / "articles/2021/11/verklig.md")
    link = newsroom_path / STORY_PATH
    link.symlink_to("verklig.md")
    # The link and its file are one article seen twice: check says so, tag writes the file.
    assert "duplicate id" in invoke("check").stdout
    result = invoke("tag", "add", "Länkad", "--all")
    assert result.stdout == "5 stories changed, 1 already tagged\n"
    assert link.is_symlink()
    assert "Länkad" in (newsroom_path / "articles/2021/11/verklig.md").read_text()
    assert invoke("tag", "add", "Igen", "--article", STORY_PATH).exit_code == 0
    assert link.is_symlink() and "Igen" in link.read_text()


def test_tag_never_writes_a_file_that_would_not_read_back() -> None:
    topics = ", ".join(f'"Ämne {n}"' for n in range(100))
    full = GOOD.replace('["Ekonomi", "Familjefrågor"]', f"[{topics}]").encode()
    with scratch_newsroom({HOSTILE_PATH: full}) as root:
        for dry_run in (("--dry-run",), ()):
            result = run(root, "tag", "add", "Ett till", "--all", *dry_run)
            assert result.exit_code == 1
            assert f"{HOSTILE_PATH}:8: not changed: 'topics' has 101 topics" in result.stderr
        assert (root / HOSTILE_PATH).read_bytes() == full
        assert "Ett till" in Newsroom(root).load(root / STORY_PATH).topics


# -- property: any sequence of changes matches a simple model ---------------------------------

_names = st.sampled_from(
    [
        "Ekonomi",
        "ekonomi",
        "Anhörigstöd",
        "Familjefrågor",
        "FAMILJEFRÅGOR",
        "Brandskydd",
        "Budget",
        "Äldre omsorg",
    ]
)
_operation = st.one_of(
    st.tuples(st.just("add"), st.lists(_names, min_size=1, max_size=3)),
    st.tuples(st.just("remove"), st.lists(_names, min_size=1, max_size=3)),
    st.tuples(st.just("rename"), st.tuples(_names, _names)),
    st.tuples(st.just("merge"), st.tuples(st.lists(_names, min_size=1, max_size=3), _names)),
)


def _model(topics: list[str], op: str, arg: object) -> list[str]:
    """The simplest statement of what each change means, independent of tagging.py."""
    result = list(topics)
    if op == "add":
        for name in arg:  # type: ignore[attr-defined]
            if topic_key(name) not in [topic_key(t) for t in result]:
                result.append(name)
    elif op == "remove":
        drop = {topic_key(n) for n in arg}  # type: ignore[attr-defined]
        result = [t for t in result if topic_key(t) not in drop]
    else:
        sources, target = ([arg[0]], arg[1]) if op == "rename" else arg  # type: ignore[index]
        keys = {topic_key(s) for s in sources} | {topic_key(target)}
        hits = [i for i, t in enumerate(result) if topic_key(t) in keys]
        if hits:
            result = [
                target if i == hits[0] else t
                for i, t in enumerate(result)
                if i == hits[0] or i not in hits
            ]
    return result


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(_operation, min_size=1, max_size=6))
def test_any_sequence_of_changes_matches_the_model(
    operations: list[tuple[str, object]], tmp_path_factory
) -> None:  # type: ignore[no-untyped-def]
    root = sample_newsroom(tmp_path_factory.mktemp("newsroom"), photos=False)
    newsroom = Newsroom(root)
    paths = newsroom.article_files()
    bodies = {p: frontmatter.split(p.read_text(encoding="utf-8")).body.encode() for p in paths}
    model = {p: list(newsroom.load(p).topics) for p in paths}
    for op, arg in operations:
        if op == "add":
            edit = tagging.adding(arg)  # type: ignore[arg-type]
        elif op == "remove":
            edit = tagging.removing(arg)  # type: ignore[arg-type]
        elif op == "rename":
            edit = tagging.renaming(*arg)  # type: ignore[misc]
        else:
            edit = tagging.merging(*arg)  # type: ignore[misc]
        outcomes = list(tagging.run(newsroom, paths, edit))
        assert not any(isinstance(o, Exception) for _, o in outcomes)
        model = {p: _model(t, op, arg) for p, t in model.items()}
    for path in paths:
        assert list(newsroom.load(path).topics) == model[path]
        assert frontmatter.split(path.read_text(encoding="utf-8")).body.encode() == bodies[path]
        assert "# The source page gives no date" in path.read_text(encoding="utf-8")


# -- files tag cannot write: named, unchanged, and the run goes on --------------------------------


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in (root / "articles").rglob("*.md")}


@pytest.mark.parametrize("step", ["mkstemp", "write", "fsync", "replace"])
def test_a_bulk_tag_run_names_the_file_it_could_not_write_and_finishes_the_rest(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    before = snapshot(newsroom_path)
    inject(monkeypatch, step, errno.ENOSPC, STORY)
    result = invoke("tag", "add", "Diskfull", "--all", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [s["path"] for s in report["skipped"]] == [STORY_PATH]
    assert "No space left on device" in report["skipped"][0]["error"]
    assert f"{STORY_PATH}: could not write: No space left on device" in result.stderr
    assert len(report["changed"]) == len(before) - 1
    assert report["summary"] == "4 stories changed, 1 not written"
    after = snapshot(newsroom_path)
    assert after[STORY_PATH] == before[STORY_PATH]
    assert all(b"Diskfull" in after[p] for p in after if p != STORY_PATH)
    assert leftovers(newsroom_path) == []
    text = invoke("tag", "add", "Igen", "--all")
    assert text.exit_code == 1 and text.stdout == "4 stories changed, 1 not written\n"


def test_a_read_only_article_is_refused_by_name_and_the_run_goes_on(
    invoke: Invoke, newsroom_path: Path
) -> None:
    story = newsroom_path / STORY_PATH
    story.chmod(0o444)
    before = story.read_bytes()
    result = invoke("tag", "add", "Skrivskydd", "--all")
    assert result.exit_code == 1
    assert f"skipped {STORY_PATH}: the file is read-only; it is unchanged" in result.stderr
    assert result.stdout == "4 stories changed, 1 not written\n"
    assert story.read_bytes() == before and stat.S_IMODE(story.stat().st_mode) == 0o444
    assert "Skrivskydd" in (newsroom_path / OTHER_PATH).read_text()


def test_a_read_only_folder_is_refused_by_name_and_the_run_goes_on(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As root, a 0o555 folder is writable all the same: simulate what a user sees.
    inject(monkeypatch, "mkstemp", errno.EACCES, STORY)
    before = (newsroom_path / STORY_PATH).read_bytes()
    result = invoke("tag", "add", "Skrivskydd", "--all", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["skipped"] == [
        {
            "path": STORY_PATH,
            "error": f"{STORY_PATH}: could not write: Permission denied; the file is unchanged",
        }
    ]
    assert len(report["changed"]) == 4
    assert (newsroom_path / STORY_PATH).read_bytes() == before


@pytest.mark.skipif(IS_ROOT, reason="root may write into read-only folders")
def test_a_folder_made_read_only_on_disk_is_refused_and_the_run_goes_on(
    invoke: Invoke, newsroom_path: Path
) -> None:
    folder = newsroom_path / "articles/2021/11"
    folder.chmod(0o555)
    try:
        result = invoke("tag", "add", "Skrivskydd", "--all")
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 1 and "Permission denied" in result.stderr
    assert result.stdout == "4 stories changed, 1 not written\n"
    assert leftovers(newsroom_path) == []


# -- others at work: an editor saving meanwhile, a second run, a kill -----------------------------


def test_tag_starts_a_file_over_when_an_editor_saved_it_meanwhile(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = newsroom_path / STORY_PATH
    real_rewrite = tagging.rewrite
    saved: list[bool] = []

    def editor_saves_meanwhile(*args: Any) -> str:
        """tag has read the file and works on its new text: now an editor saves it."""
        if not saved:
            saved.append(True)
            story.write_text(story.read_text() + "\nSparat i editorn.\n")
        return real_rewrite(*args)

    monkeypatch.setattr(tagging, "rewrite", editor_saves_meanwhile)
    result = invoke("tag", "add", "Samtidigt", "--article", STORY)
    assert result.exit_code == 0, result.stderr
    text = story.read_text()
    assert text.endswith("\nSparat i editorn.\n"), "the editor's save was lost"
    assert "Samtidigt" in Newsroom(newsroom_path).load(story).topics
    assert saved == [True]


def test_two_runs_at_once_lose_neither_change(tmp_path: Path) -> None:
    root = generate_newsroom(tmp_path / "big", 400, seed=7)
    first = newscli_process(root, "tag", "add", "Första", "--all")
    second = newscli_process(root, "tag", "add", "Andra", "--all")
    for process in (first, second):
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    newsroom = Newsroom(root)
    for path in (root / "articles").rglob("*.md"):
        topics = newsroom.load(path).topics
        assert "Första" in topics and "Andra" in topics


@needs_sigkill
@pytest.mark.parametrize("share", KILL_AT)
def test_a_tag_run_killed_at_any_point_leaves_every_article_whole(
    generated: Path, tmp_path: Path, share: float
) -> None:
    root = tmp_path / "newsroom"
    shutil.copytree(generated, root)
    before = {p: p.read_bytes() for p in (root / "articles").rglob("*.md")}
    sample = list(before)[:: max(1, len(before) // 60)]  # watch a spread of files

    def changed() -> int:
        return sum(b"Avbruten" in p.read_bytes() for p in sample)

    run = newscli_process(root, "tag", "add", "Avbruten", "--all")
    kill_when(run, changed, max(1, round(share * len(sample))))

    newsroom = Newsroom(root)
    done = 0
    for path, old in before.items():
        data = path.read_bytes()
        article = newsroom.load(path)  # parseable: never torn
        assert frontmatter.split(data.decode()).body == frontmatter.split(old.decode()).body
        if data != old:
            done += 1
            assert article.topics[-1] == "Avbruten"
    # Temporary files a kill may leave are hidden and never taken for articles.
    assert all(name.startswith(".") for name in leftovers(root / "articles"))
    assert len(newsroom.article_files()) == len(before)
    # done is what the kill left, anything from none to all: the rerun finishes the rest.

    rerun = finish("tag", "add", "Avbruten", "--all", root=root)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.startswith(f"{len(before) - done} stor")  # story or stories
    assert rerun.stdout.endswith(f"{done} already tagged\n") or done == 0
    assert all("Avbruten" in newsroom.load(p).topics for p in before)


def test_tag_keeps_a_crlf_file_crlf(newsroom: Newsroom) -> None:
    path = newsroom.root / STORY_PATH
    crlf = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    [(_, outcome)] = list(tagging.run(newsroom, [path], tagging.adding(["Brandskydd"])))
    assert isinstance(outcome, tagging.Change)
    after = path.read_bytes()
    assert b"\n" not in after.replace(b"\r\n", b"")  # no bare LF anywhere
    assert after.endswith(crlf[crlf.index(b"+++\r\n\r\n", 4) :])  # the body byte for byte
    assert newsroom.load(path).topics == ("Ekonomi", "Anhörigstöd", "Brandskydd")
