"""A smoke run of the benchmark at N = 50, so that it cannot rot (the figures are not judged here)."""

import datetime as dt
import hashlib
import json
import random
import re
import sys
import tomllib
from pathlib import Path

import pytest

from benchmarks import generate, peers, run


def test_the_benchmark_runs_every_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newsroom = tmp_path / "newsroom"
    # The photo rows on 10 stories, 2 with a photo of their own (1 in the half newsroom): small
    # ones, so that the suite is fast; every row is still run end to end.
    argv = ["--n", "50", "--photos", "10", "--repeat", "1", "--dir", str(newsroom)]
    argv += ["--photo-size", "320x240"]
    argv.append("--no-peers")  # peers' conversion is tested below; their runs are not ours
    assert run.main(argv) == 0
    table = capsys.readouterr().out
    for what in (
        "import floor",
        "parse floor",
        "list, first run",
        "Hugo: hugo list all",
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
        "export html, full, cold",
        "export html, full, warm",
        "Hugo: full build",
        "Pelican: full build",
        "index (.newscli/index.sqlite)",
        ".newscli/ in all after the builds",
        "export html, one title changed",
        "Hugo: one title changed",
        "Pelican: one title changed",
        "search floor: stock pagefind over the site",
        "search index made whole (newscli, ",
        "export html, one title changed, search on",
        "export html, one title changed, search off",
        "search on a re-publish after one edit",
        "process tree",
        "export html with photos, first (cold photo cache; 10 stories",
        "re-export after one text change (photos encoded: 0)",
        "re-export after one photo changed (photos encoded: 1)",
        "first export's tree MB",
    ):
        assert what in table, what
    shown = re.search(r"the site shows (\d+) of the (\d+) published stories' photos", table)
    assert shown and shown[1] == shown[2] != "0", table
    first = re.search(r"(\d+) photos to publish; photos encoded: (\d+)\)", table)
    assert first and first[1] == first[2] == shown[1]
    rows = [line.split("|")[1:-1] for line in table.splitlines() if line.startswith("| ")]
    figures = [row for row in rows if row[0].strip() and not row[0].startswith("  ″")][1:]
    peer_rows = [row for row in figures if row[0].split(":")[0].strip() in ("Hugo", "Pelican")]
    assert all(row[1].strip() == "not measured (--no-peers)" for row in peer_rows), peer_rows
    measured = [row for row in figures if row[1].strip() and row not in peer_rows]
    # 24 rows of newscli's and the floors' (4 of them search's), 4 photo rows; no peers
    assert len(measured) == 28
    assert sum("× articles' bytes" in row[4] for row in figures) == 2
    assert all(float(row[1]) > 0 and float(row[2]) > 0 for row in measured if row[1].strip())
    # Every run put back what it changed: no new story left, the comments newsroom as generated,
    # the retitled story (and its copies) as they were.
    assert sum(1 for _ in (newsroom / "articles").rglob("*.md")) == 50
    assert not list((newsroom / "articles").rglob(".*.tmp"))
    assert "(ändrad" not in run.newest_published(newsroom).read_text("utf-8")
    comments = run.comments_root(newsroom)
    assert all(
        "#" in run.topics_line(path.read_text("utf-8"))
        for path in (comments / "articles").rglob("*.md")
    )
    # The photo newsroom's changed story and photo are put back too.
    photos = run.photos_root(newsroom, 10, (320, 240))
    assert photos.is_dir() and "(ändrad" not in table
    for _, story, src in run.photo_stories(photos):
        assert "(ändrad" not in story.read_text("utf-8")
        index = int(story.stem.rsplit("-", 1)[1])
        assert (photos / src).read_bytes() == generate.camera_photo(
            f"1:{index}", (320, 240), 6 if index % 4 == 3 else 1
        )


def peers_installed() -> tuple[bool, bool]:
    return peers.hugo() is not None, peers.pelican() is not None


def test_without_peers_their_rows_say_so() -> None:
    others = run.Peers(missing="not installed")
    entries = [
        others.hugo_entry("Hugo: build", peers.hugo_build, "Hugo"),
        others.pelican_entry("Pelican: build", "Hugo", lambda _: None),
    ]
    figures = run.alternate(entries, 2)
    assert [(f.tool, f.seconds, f.missing) for f in figures] == [
        ("Hugo", None, "not installed"),
        ("Pelican", None, "not installed"),
    ]
    unmeasured = [figures[0], run.Figure("x", 2.0, 1, 1, "Hugo", 1.0)]
    table, met = run.report(unmeasured, 10)
    assert "not installed" in table and "Hugo not measured" in table and met


def test_the_peers_get_the_same_stories(tmp_path: Path) -> None:
    """Hugo's and Pelican's copies hold every story with the same title, teaser, body, topics,
    date and draft state as newscli's file (checked without the tools)."""
    root = tmp_path / "newsroom"
    files = generate.generate(root, 20, 3)
    hugo = peers.hugo_site(root, tmp_path / "hugo")
    pelican = peers.pelican_site(root, tmp_path / "pelican")
    assert (hugo / "hugo.toml").is_file() and (hugo / "layouts" / "index.html").is_file()
    assert (pelican / "pelicanconf.py").is_file()
    assert len(list((hugo / "static" / "images").iterdir())) == generate.shared_photos(20)
    assert len(list((pelican / "content" / "images").iterdir())) == generate.shared_photos(20)
    for path in files:
        _, front, body = path.read_text("utf-8").split("+++\n", 2)
        meta = tomllib.loads(front)
        relative = path.relative_to(root / "articles")
        _, hugo_front, hugo_body = (
            (hugo / "content" / "posts" / relative).read_text("utf-8").split("+++\n", 2)
        )
        page = tomllib.loads(hugo_front)
        assert hugo_body == body
        assert (page["title"], page["slug"], page["date"]) == (
            meta["title"],
            meta["slug"],
            meta["date"],
        )
        assert (page["teaser"], page["topics"]) == (meta["teaser"], meta["topics"])
        assert page["draft"] == (meta["status"] != "published")
        assert page["months"] == [meta["date"].strftime("%Y-%m")]
        assert page.get("image") == (meta.get("image") or {}).get("src")
        header, pelican_body = (pelican / "content" / relative).read_text("utf-8").split("\n\n", 1)
        fields = dict(line.split(": ", 1) for line in header.splitlines())
        assert "\n" + pelican_body == body
        assert fields["Title"] == meta["title"] and fields["Slug"] == meta["slug"]
        assert dt.datetime.fromisoformat(fields["Date"]) == meta["date"]
        assert fields["Summary"] == meta["teaser"]
        assert fields["Tags"].split(", ") == meta["topics"]
        assert fields["Status"] == meta["status"]
    # Converted once: a second call keeps the files; another corpus converts them again.
    marker = hugo / peers.CONVERTED
    stamp = marker.stat().st_mtime_ns
    assert peers.hugo_site(root, hugo) == hugo and marker.stat().st_mtime_ns == stamp
    (hugo / "layouts" / "index.html").write_text("old theme", "utf-8")
    peers.hugo_site(root, hugo)  # the theme is written again, the stories are kept
    assert (hugo / "layouts" / "index.html").read_text("utf-8") == peers.HUGO_LAYOUTS["index.html"]
    assert marker.stat().st_mtime_ns == stamp
    (root / generate.CORPUS_FILE).write_text('{"other": 1}\n', "utf-8")
    peers.hugo_site(root, hugo)
    assert json.loads(marker.read_text("utf-8"))["corpus"] == {"other": 1}


def test_retitle_changes_the_title_line_only(tmp_path: Path) -> None:
    root = tmp_path / "newsroom"
    story = generate.generate(root, 3, 2)[0]
    hugo = peers.hugo_site(root, tmp_path / "hugo")
    pelican = peers.pelican_site(root, tmp_path / "pelican")
    relative = story.relative_to(root / "articles")
    for path in (story, hugo / "content" / "posts" / relative, pelican / "content" / relative):
        before = path.read_text("utf-8").splitlines()
        peers.retitle(path, 'Ny "rubrik": ändrad')
        after = path.read_text("utf-8").splitlines()
        changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
        assert len(changed) == 1, path
        assert changed[0][1] in ('title = "Ny \\"rubrik\\": ändrad"', 'Title: Ny "rubrik": ändrad')


def test_tree_pss_counts_forked_children() -> None:
    """The sampler finds a child's child and counts its memory in the tree's PSS."""
    script = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    data = bytearray(60_000_000); time.sleep(0.6); os._exit(0)\n"
        "os.wait()\n"
    )
    elapsed, one, whole, _, cpu = run.run_once([sys.executable, "-c", script], Path.cwd())
    assert elapsed >= 0.5
    assert cpu > 0
    assert whole >= 60  # the child's 60 MB
    assert one >= 60  # ru_maxrss: the largest single process


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


def test_the_generated_photos_are_real_and_each_story_photo_its_own(tmp_path: Path) -> None:
    """The shared photos and the photo newsroom's camera photos open with Pillow; each of the
    latter is a file of its own with a camera's EXIF (orientation, GPS), the same bytes when
    generated again."""
    from PIL import Image

    generate.generate(tmp_path / "plain", 10, 4)
    shared = sorted((tmp_path / "plain" / "images").iterdir())
    assert len(shared) == generate.shared_photos(10) == 2
    for path in shared[:5]:
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            assert (image.format, image.size) == ("JPEG", generate.WEB_PHOTO)
            image.load()

    root = tmp_path / "photos"
    files = generate.generate(root, 40, 4, own_photos=5, photo_size=(300, 200))
    sources = []
    for path in files:
        image_table = tomllib.loads(path.read_text("utf-8").split("+++\n", 2)[1]).get("image")
        index = files.index(path)
        assert (image_table is not None) == ((index + 1) % 5 == 0), path
        if image_table:
            assert image_table["alt"] and image_table["caption"] and image_table["credit"]
            assert image_table["src"].endswith(f"/{path.stem}.jpg")
            sources.append(root / image_table["src"])
    assert len(sources) == 8 and not (root / "images" / "foto-00.jpg").exists()
    assert len({hashlib.sha256(path.read_bytes()).digest() for path in sources}) == len(sources)
    orientations = []
    for path in sources:
        with Image.open(path) as image:
            assert (image.format, image.size) == ("JPEG", (300, 200))
            exif = image.getexif()
            orientations.append(exif[0x0112])
            assert exif.get_ifd(0x8825)[1] == "N"  # a GPS position
            assert exif.get_ifd(0x8769)[0xA431]  # the camera's serial
            image.load()
    assert set(orientations) == {1, 6}
    again = generate.generate(tmp_path / "again", 40, 4, own_photos=5, photo_size=(300, 200))
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in files]
    assert [(tmp_path / "again" / s.relative_to(root)).read_bytes() for s in sources] == [
        s.read_bytes() for s in sources
    ]


def test_a_newsroom_an_older_generator_made_is_generated_again(tmp_path: Path) -> None:
    root = tmp_path / "newsroom"
    generate.generate(root, 5, 1)
    old = root / "images" / "foto-00.jpg"
    old.write_bytes(b"\xff\xd8\xff\xe0 not a picture \xff\xd9")
    (root / generate.CORPUS_FILE).write_text(
        json.dumps({"count": 5, "seed": 1, "body_words": None, "topic_comments": 0}), "utf-8"
    )
    run.ensure_newsroom(root, 5, 1, None)
    assert old.read_bytes() == generate.web_photo(random.Random("1:photos"))
    recorded = json.loads((root / generate.CORPUS_FILE).read_text("utf-8"))
    assert recorded == generate.corpus(5, 1, None, 0)
    # Other settings of an older generator: refused as before, never generated over.
    (root / generate.CORPUS_FILE).write_text(json.dumps({"count": 6, "seed": 1}), "utf-8")
    with pytest.raises(SystemExit, match="generated with"):
        run.ensure_newsroom(root, 5, 1, None)
