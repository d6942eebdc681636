"""A smoke run of the benchmark at N = 200, so that it cannot rot (the figures are not judged here)."""

import json
import tomllib
from pathlib import Path

import pytest

from benchmarks import generate, run


def test_the_benchmark_runs_every_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newsroom = tmp_path / "newsroom"
    assert run.main(["--n", "200", "--repeat", "2", "--dir", str(newsroom)]) == 0
    table = capsys.readouterr().out
    for what in (
        "import floor",
        "parse floor",
        "list, first run",
        "list --search",
        "show REF",
        "new (title, --no-input), warm index",
        "rewrite floor",
        "tag rename",
        "the same run, to the rewrite floor",
        "tag add (",
        "rewrite# floor",
        "files with a comment on the topics line",
        "export rss",
        "export html, full",
        "export html, one story changed",
    ):
        assert what in table, what
    rows = [line for line in table.splitlines() if line.startswith("| ") and "×" in line]
    measured = [row for row in rows if row.split("|")[2].strip()]
    assert len(measured) == 19
    assert all(float(row.split("|")[2]) > 0 for row in measured)
    assert len(rows) == len(measured) + 1  # tag rename's ratio to the rewrite floor
    # Every run put back what it changed: no new story left, the comments newsroom as generated.
    assert sum(1 for _ in (newsroom / "articles").rglob("*.md")) == 200
    assert not list((newsroom / "articles").rglob(".*.tmp"))
    comments = run.comments_root(newsroom)
    assert all(
        "#" in run.topics_line(path.read_text("utf-8"))
        for path in (comments / "articles").rglob("*.md")
    )


def test_generator_options_keep_the_stories_and_the_corpus_is_recorded(tmp_path: Path) -> None:
    plain = generate.generate(tmp_path / "plain", 30, 5)
    commented = generate.generate(tmp_path / "comments", 30, 5, topic_comments=7)
    with_comment = []
    for a, b in zip(plain, commented, strict=True):
        assert a.relative_to(tmp_path / "plain") == b.relative_to(tmp_path / "comments")
        head_a, toml_a, body_a = a.read_text("utf-8").split("+++\n")
        head_b, toml_b, body_b = b.read_text("utf-8").split("+++\n")
        assert (head_a, body_a, tomllib.loads(toml_a)) == (head_b, body_b, tomllib.loads(toml_b))
        line = run.topics_line(toml_b)
        if "#" in line:
            assert line.startswith("topics = [") and "]  # " in line
            with_comment.append(b)
    assert with_comment == commented[6::7]
    long = generate.generate(tmp_path / "long", 10, 5, body_words=300)
    for path in long:
        body = path.read_text("utf-8").split("+++\n", 2)[2]
        assert len(body.split()) - body.count("## ") == 300
    recorded = json.loads((tmp_path / "long" / generate.CORPUS_FILE).read_text("utf-8"))
    assert recorded == generate.corpus(10, 5, 300, 0)


def test_a_newsroom_generated_otherwise_is_refused_never_mixed(tmp_path: Path) -> None:
    assert run.default_root(10_000, 1) != run.default_root(10_000, 1, 300)
    assert run.default_root(10_000, 1, 300) != run.default_root(10_000, 1, 600)
    generate.generate(tmp_path / "newsroom", 10, 1, body_words=50)
    run.ensure_newsroom(tmp_path / "newsroom", 10, 1, 50)  # the same corpus: reused
    with pytest.raises(SystemExit, match="generated with"):
        run.ensure_newsroom(tmp_path / "newsroom", 10, 1, None)
    with pytest.raises(SystemExit, match="generated with"):
        run.ensure_newsroom(tmp_path / "newsroom", 10, 1, 50, topic_comments=1)
