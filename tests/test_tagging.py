"""Topic changes as pure functions, the bulk runner, and the promise that nothing is lost."""

import datetime as dt
import os
import shutil
import stat
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscli import frontmatter, tagging
from newscli.newsroom import Newsroom
from newscli.topics import topic_key
from tests.conftest import REPO, STORY_PATH


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


def test_runner_keeps_file_mode(newsroom: Newsroom) -> None:
    path = newsroom.root / STORY_PATH
    os.chmod(path, 0o600)
    list(tagging.run(newsroom, [path], tagging.adding(["Brandskydd"])))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "Brandskydd" in newsroom.load(path).topics


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
    root = tmp_path_factory.mktemp("newsroom")
    shutil.copytree(REPO / "articles", root / "articles")
    shutil.copy(REPO / "newscli.toml", root / "newscli.toml")
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
