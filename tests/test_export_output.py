"""The folder an export writes to: never what the newsroom publishes from, never through a
symlink or over a device, only files whose bytes change (keeping their mode), and nothing
removed that an export did not write."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from newscli.errors import WriteError
from newscli.export import output
from newscli.export.output import MANIFEST
from newscli.export.site import export_site
from newscli.newsroom import Newsroom
from tests.conftest import NOW, REPO, STORY, STORY_PATH, Invoke, newscli_process
from tests.support.checkers import read, searchable, without_unstable_search_files
from tests.support.faults import leftovers, plant_leftovers
from tests.support.fuzz import FUZZ_CLI
from tests.support.harness import run, scratch_newsroom
from tests.support.hostile import argument_text
from tests.support.newsrooms import PHOTOS, sample_newsroom

# -- the one guard: never over what the newsroom publishes from ----------------------------------

PROTECTED = [
    STORY_PATH,
    "articles/ny.xml",
    "templates/base.html",
    "newscli.toml",
    ".git/config",
    ".newscli/index.sqlite",
]


@pytest.fixture
def newsroom_with_git_and_templates(newsroom_path: Path) -> Path:
    (newsroom_path / "templates").mkdir()
    (newsroom_path / "templates" / "base.html").write_text("<!-- ours -->\n")
    (newsroom_path / ".git").mkdir()
    (newsroom_path / ".git" / "config").write_text("[core]\n")
    (newsroom_path / ".newscli").mkdir()
    return newsroom_path


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
@pytest.mark.parametrize("target", PROTECTED)
def test_a_feed_never_overwrites_what_the_newsroom_publishes_from(
    invoke: Invoke, newsroom_with_git_and_templates: Path, kind: str, target: str
) -> None:
    root = newsroom_with_git_and_templates
    before = (root / target).read_bytes() if (root / target).exists() else None
    result = invoke("export", kind, "-o", target)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("newscli: error: --output ")
    after = (root / target).read_bytes() if (root / target).exists() else None
    assert after == before


def test_a_symlink_into_templates_is_refused_like_the_template(
    invoke: Invoke, newsroom_with_git_and_templates: Path
) -> None:
    root = newsroom_with_git_and_templates
    (root / "feed.xml").symlink_to(root / "templates" / "base.html")
    result = invoke("export", "rss", "-o", "feed.xml")
    assert result.exit_code == 2
    assert "templates/ folder" in result.stderr
    assert (root / "templates" / "base.html").read_text() == "<!-- ours -->\n"


@pytest.mark.parametrize("folder", ["templates", ".git", ".newscli/site", "articles/2021", "."])
def test_the_site_is_never_built_into_the_newsroom_s_own_folders(
    invoke: Invoke, newsroom_with_git_and_templates: Path, folder: str
) -> None:
    root = newsroom_with_git_and_templates
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = invoke("export", "html", "-o", folder)
    assert result.exit_code == 2, result.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_output_folder_must_not_be_the_newsroom(invoke: Invoke, newsroom_path: Path) -> None:
    for bad in (".", "articles/site", "..", "templates"):
        result = invoke("export", "html", "-o", bad)
        assert result.exit_code == 2, (bad, result.stderr)
        assert result.stderr.startswith("newscli: error: --output"), result.stderr
    assert sorted(p.name for p in newsroom_path.iterdir()) == ["articles", "newscli.toml"]


def test_a_feed_may_go_anywhere_else(invoke: Invoke, newsroom_path: Path, tmp_path: Path) -> None:
    for target in (newsroom_path / "feeds" / "rss.xml", tmp_path / "out.xml"):
        result = invoke("export", "rss", "-o", str(target))
        assert result.exit_code == 0, result.stderr
        assert target.read_text().startswith("<?xml")


def test_a_feed_is_never_written_over_a_device_pipe_or_folder(
    invoke: Invoke, newsroom_path: Path
) -> None:
    # What `-o /dev/null` would do to a device (as root, rename replaces it): shown on a pipe.
    pipe = newsroom_path / "pipe"
    os.mkfifo(pipe)
    (newsroom_path / "folder").mkdir()
    for target, what in (("pipe", "a device, pipe or socket"), ("folder", "a folder")):
        result = invoke("export", "rss", "-o", target)
        assert result.exit_code == 2
        assert f"--output '{target}' is {what}, not a file" in result.stderr
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert leftovers(newsroom_path) == []


PATHS = [
    "",
    ".",
    "-",
    "x" * 300,
    "a/" * 200 + "x",
    "../utanför.xml",
    "public/../../x.xml",
    "articles/2021/11/x.xml",
    STORY_PATH,
    "newscli.toml",
    ".newscli/index.sqlite",
    "public",
    "pipe",
]

path_value = st.one_of(st.sampled_from(PATHS), argument_text.map(lambda s: s.lstrip("/~")))


def inside(folder: Path, path: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, ValueError):
        return True  # not a usable path at all: nothing can be written there


@FUZZ_CLI
@given(path_value)
def test_no_path_option_overwrites_an_article_the_config_or_a_pipe(path: str) -> None:
    with scratch_newsroom() as root:
        assume(inside(root.parent, root / path) and not Path(path).is_absolute())
        (root / "public").mkdir()
        os.mkfifo(root / "pipe")
        before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
        cwd = os.getcwd()
        os.chdir(root)  # as staff do: relative paths land in the newsroom
        try:
            results = [run(root, "export", "rss", "-o", path)]
            if path != "pipe":  # reading a pipe waits for a writer, as it should
                results.append(run(root, "new", "Med text", "--body-file", path, "--no-input"))
            results.append(run(root / path, "list", "--format", "paths"))
        finally:
            os.chdir(cwd)
        assert all(r.exit_code in (0, 1, 2) for r in results)
        for file, data in before.items():
            if file.suffix == ".md" or file.name == "newscli.toml":
                assert file.read_bytes() == data, file
        assert stat.S_ISFIFO((root / "pipe").stat().st_mode)


def test_an_output_name_too_long_for_the_file_system_gets_a_message_not_a_traceback() -> None:
    with scratch_newsroom() as root:
        run(root, "export", "html", "-o", str(root / ("x" * 300)))


# -- writing: only what changed, through no symlink, keeping modes -------------------------------


def mtimes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_reexport_rewrites_only_what_changed_and_removes_what_is_gone(tmp_path: Path) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    out = tmp_path / "public"
    first = export_site(Newsroom(root), out, now=NOW)
    (out / "2021" / "egen-fil.txt").write_text("not newscli's", encoding="utf-8")
    (out / "CNAME").write_text("nyheter.example.se", encoding="utf-8")
    before = mtimes(out)
    again = export_site(Newsroom(root), out, now=NOW)
    assert again.written == 0 and again.unchanged == first.written and again.removed == 0
    assert mtimes(out) == before

    story_file = (
        root
        / "articles/2022/01/socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation.md"
    )
    story_file.write_text(
        story_file.read_text(encoding="utf-8").replace("sjösatt", "startat"), encoding="utf-8"
    )
    (root / "articles/2021/11" / f"{STORY}.md").unlink()
    third = export_site(Newsroom(root), out, now=NOW)
    after = mtimes(out)
    assert not (out / "2021/11").exists()  # emptied folders go too …
    assert (out / "2021/egen-fil.txt").is_file() and (
        out / "CNAME"
    ).is_file()  # … not others' files
    # The story's page and its month's page (its topics have others); and the search index's
    # files that held it.
    gone = {rel for rel in set(before) - set(after) if not rel.startswith("pagefind/")}
    assert gone == {f"2021/11/{STORY}/index.html", "2021/11/index.html"}
    assert third.removed == 2 + len(
        [r for r in set(before) - set(after) if r.startswith("pagefind/")]
    )
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert (
        "2022/01/socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation/index.html"
        in changed
    )
    assert (
        "2022/03/framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa/index.html"
        not in changed
    )
    assert PHOTOS[0] not in changed
    manifest = json.loads(read(out, MANIFEST))["files"]
    assert f"2021/11/{STORY}/index.html" not in manifest and "CNAME" not in manifest


def test_the_export_never_deletes_a_file_it_did_not_write(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    mine = {
        "robots.txt": "User-agent: *\n",
        ".htaccess": "Options -Indexes\n",
        "2021/11/egen.html": "<p>handskriven</p>\n",
        f"2021/11/{STORY}/extra.txt": "bilaga\n",
        "topics/ekonomi/notes.md": "anteckning\n",
    }
    for rel, text in mine.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text)
    outside = tmp_path / "outside.txt"
    outside.write_text("utanför\n")
    assert invoke("export", "html", "-o", str(site)).exit_code == 0
    # A story and a topic disappear: their pages go, nothing else does.
    (newsroom_path / STORY_PATH).unlink()
    manifest = json.loads((site / MANIFEST).read_text())
    manifest["files"] += ["../outside.txt", str(outside), "robots.txt/../../outside.txt"]
    (site / MANIFEST).write_text(json.dumps(manifest))
    result = invoke("export", "html", "-o", str(site))
    assert result.exit_code == 0, result.stderr
    assert not (site / f"2021/11/{STORY}/index.html").exists()
    for rel, text in mine.items():
        assert (site / rel).read_text() == text, rel
    assert outside.read_text() == "utanför\n"


def test_the_export_never_writes_through_a_symlink_in_the_output_folder(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path
) -> None:
    public = newsroom_path / "public"
    assert invoke("export", "html").exit_code == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine")
    target = tmp_path / "elsewhere.xml"
    target.write_text("mine")
    (public / "rss.xml").unlink()
    (public / "rss.xml").symlink_to(target)
    invoke("tag", "add", "Nytt", "--all")
    assert invoke("export", "html").exit_code == 0
    assert target.read_text() == "mine"  # the link was replaced, not written through


@pytest.mark.parametrize("folder", ["topics", "2021"])
def test_the_export_never_writes_through_a_symlinked_folder_in_the_output(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, folder: str
) -> None:
    """Nor removes through it: the export stops with an error naming the link."""
    public = newsroom_path / "public"
    assert invoke("export", "html").exit_code == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(public / folder)
    (public / folder).symlink_to(outside, target_is_directory=True)
    invoke("tag", "add", "Nytt", "--all")
    result = invoke("export", "html")
    assert list(outside.iterdir()) == []
    assert result.exit_code == 1
    assert f"public/{folder}: is a symbolic link inside the output folder" in result.stderr


def test_a_feed_into_public_never_writes_through_a_symlinked_folder(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (newsroom_path / "public").mkdir()
    (newsroom_path / "public" / "amnen").symlink_to(outside, target_is_directory=True)
    result = invoke("export", "rss", "--topic", "Ekonomi")
    assert result.exit_code == 1
    assert "is a symbolic link inside the output folder" in result.stderr
    assert list(outside.iterdir()) == []


def test_no_record_entry_removes_an_article_or_anything_outside_the_output(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path
) -> None:
    """A hand-edited record names files behind folders of the output that are links (into
    articles/, and out of the newsroom), and paths out of the output: all stay."""
    public = newsroom_path / "public"
    assert invoke("export", "html").exit_code == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "kvar.html").write_text("kvar\n")
    (public / "ut").symlink_to(outside, target_is_directory=True)
    (public / "gammalt").symlink_to(newsroom_path / "articles/2021/11", target_is_directory=True)
    manifest = json.loads((public / MANIFEST).read_text())
    manifest["files"] += [f"gammalt/{STORY}.md", "gammalt", "ut/kvar.html", "../newscli.toml"]
    (public / MANIFEST).write_text(json.dumps(manifest))
    story = newsroom_path / STORY_PATH
    before = story.read_bytes()
    assert invoke("export", "html").exit_code == 0
    assert story.read_bytes() == before
    assert (outside / "kvar.html").read_text() == "kvar\n"
    assert (newsroom_path / "newscli.toml").is_file()
    assert (public / "gammalt").is_symlink() and (public / "ut").is_symlink()


def test_the_site_is_never_built_around_the_articles_folder_linked_into_it(
    invoke: Invoke, newsroom_path: Path
) -> None:
    """articles/ as a link into the output folder would make every story a file the export
    may replace or remove: such an output folder is refused."""
    public = newsroom_path / "public"
    public.mkdir()
    (newsroom_path / "articles").rename(public / "berattelser")
    (newsroom_path / "articles").symlink_to(public / "berattelser", target_is_directory=True)
    before = {p: p.read_bytes() for p in (public / "berattelser").rglob("*.md")}
    result = invoke("export", "html")
    assert result.exit_code == 2
    assert "holds the newsroom's articles/ folder" in result.stderr
    assert {p: p.read_bytes() for p in (public / "berattelser").rglob("*.md")} == before
    assert sorted(p.name for p in public.iterdir()) == ["berattelser"]


def test_the_site_export_keeps_the_mode_of_files_it_rewrites(
    invoke: Invoke, newsroom_path: Path
) -> None:
    assert invoke("export", "html").exit_code == 0
    front = newsroom_path / "public" / "index.html"
    front.chmod(0o640)
    invoke("tag", "add", "Läge", "--all")
    assert invoke("export", "html").exit_code == 0
    assert "Läge" in front.read_text()
    assert stat.S_IMODE(front.stat().st_mode) == 0o640


def test_a_read_only_output_file_is_a_clear_error(invoke: Invoke, newsroom_path: Path) -> None:
    assert invoke("export", "rss").exit_code == 0
    feed = newsroom_path / "public" / "rss.xml"
    feed.chmod(0o444)
    invoke("tag", "add", "Nytt", "--all")
    result = invoke("export", "rss")
    assert result.exit_code == 1
    assert "public/rss.xml: the file is read-only; it is unchanged" in result.stderr


RETRACTED = "indragen-nyhet"
RETRACTED_FILE = f"articles/2026/06/{RETRACTED}.md"
RETRACTED_PAGE = f"2026/06/{RETRACTED}/index.html"
# The newest story, in a month and a topic of its own: their pages must go with it.
# In a month of its own (the generated stories end in 2025): its archive page goes with it.
RETRACTED_TRACES = (RETRACTED_PAGE, "2026/06/index.html", "amnen/indragen/index.html")
USER_FILE = "CNAME"


def add_retracted_story(root: Path, slug: str = RETRACTED, topic: str = "Indragen") -> Path:
    path = root / "articles" / "2026" / "06" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'+++\nid = "{slug}-id"\ntitle = "Ska dras tillbaka"\nslug = "{slug}"\n'
        f'date = 2026-06-15T10:00:00+02:00\nstatus = "published"\ntopics = ["{topic}"]\n'
        "+++\n\nEn nyhet som publicerades av misstag.\n",
        encoding="utf-8",
    )
    return path


def run_newscli(*args: str, root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "newscli", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def site(folder: Path) -> dict[str, bytes]:
    """The site's files as a reader gets them (the record and killed writes' temporaries aside)."""
    return without_unstable_search_files(
        {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*")
            if p.is_file() and p.name != MANIFEST and not p.name.endswith(".tmp")
        }
    )


def assert_clean_after_retraction(root: Path, public: Path, reference: Path) -> None:
    """The retracted story is gone everywhere, and only what should go went."""
    after = site(public)
    for trace in RETRACTED_TRACES:
        assert trace not in after, f"{trace} of the retracted story is still published"
    assert not [url for url in searchable(public) if RETRACTED in url], "still findable"
    assert after.pop(USER_FILE) == b"nyheter.example.se"  # not newscli's: never touched
    assert after == site(reference)


# -- killed exports (a real process, SIGKILL) ------------------------------------------------


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A newsroom whose public/ holds a complete site, then a change to every story (so the
    next export rewrites every page) and a story that will be retracted."""
    from benchmarks.generate import generate

    root = tmp_path_factory.mktemp("record") / "newsroom"
    generate(root, 120, seed=5)
    assert run_newscli("export", "html", root=root).returncode == 0
    (root / "public" / USER_FILE).write_bytes(b"nyheter.example.se")
    assert run_newscli("tag", "add", "Ändrad", "--all", root=root).returncode == 0
    add_retracted_story(root)
    return root


def kill_after(run: subprocess.Popen[str], ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.poll() is None and not ready():
        time.sleep(0.001)
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert run.returncode == -signal.SIGKILL, "the export ended before it could be killed"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("more", [0, 20, 60, 120])
def test_a_story_retracted_after_a_killed_export_is_gone_after_the_next_export(
    prepared: Path, tmp_path: Path, more: int
) -> None:
    root = tmp_path / "newsroom"
    shutil.copytree(prepared, root)
    public = root / "public"
    started = time.time_ns()
    at_page: list[int] = []

    def ready() -> bool:
        """The retracted story's page is out, and `more` other pages have been written since."""
        written = 0
        for path in public.rglob("*.html"):
            with contextlib.suppress(FileNotFoundError):
                written += path.stat().st_mtime_ns >= started
        if not at_page and (public / RETRACTED_PAGE).exists():
            at_page.append(written)
        return bool(at_page) and written >= at_page[0] + more

    kill_after(newscli_process(root, "export", "html"), ready)
    assert (public / RETRACTED_PAGE).is_file()  # public now, and no complete record says so

    (root / RETRACTED_FILE).unlink()
    done = run_newscli("export", "html", root=root)
    assert done.returncode == 0, done.stderr
    reference = tmp_path / "reference"
    assert run_newscli("export", "html", "-o", str(reference), root=root).returncode == 0
    assert_clean_after_retraction(root, public, reference)


# -- failed exports (a write error at many points) --------------------------------------------


TAKEN_DOWN = "articles/2021/11/forbattrad-ekonomisk-prognos-for-socialtjansten.md"


def fail_writes(
    monkeypatch: pytest.MonkeyPatch, after_page: str, skip: int, manifest: bool = False
) -> None:
    """Every write fails from the skip+1-th write after after_page's (or, with manifest=True,
    the record's first write after it), as a full disk would make them."""
    monkeypatch.setattr(output, "WRITERS", 1)  # one writer thread: writes in plan order
    real = output.write_atomic
    lock = threading.Lock()
    state: dict[str, Any] = {"seen": False, "count": 0}

    def write_atomic(path: Path, data: bytes, **options: Any) -> None:
        with lock:
            if state["seen"] and (path.name == MANIFEST if manifest else True):
                state["count"] += 1
                if state["count"] > skip:
                    raise WriteError("could not write: No space left on device", path)
            if path.as_posix().endswith(after_page):
                state["seen"] = True
        real(path, data, **options)

    monkeypatch.setattr(output, "write_atomic", write_atomic)


def sample(folder: Path) -> Path:
    shutil.copytree(REPO / "articles", folder / "articles")
    shutil.copy(REPO / "newscli.toml", folder / "newscli.toml")
    return folder


def published_site(tmp_path: Path) -> tuple[Path, Path]:
    """The sample newsroom and its site, with a file of the site owner's in it."""
    root = sample(tmp_path / "newsroom")
    public = tmp_path / "public"
    export_site(Newsroom(root), public, now=NOW)
    (public / USER_FILE).write_bytes(b"nyheter.example.se")
    return root, public


def export_once_more(root: Path, public: Path, tmp_path: Path) -> Path:
    """A clean export into public, and one into an empty folder to compare it with."""
    export_site(Newsroom(root), public, now=NOW)
    reference = tmp_path / "reference"
    export_site(Newsroom(root), reference, now=NOW)
    return reference


@pytest.mark.parametrize(
    ("skip", "manifest"),
    [(0, False), (1, False), (4, False), (7, False), (0, True)],
    ids=["next-write", "second-write", "fifth-write", "eighth-write", "the-record"],
)
def test_a_story_retracted_after_a_failed_export_is_gone_after_the_next_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, skip: int, manifest: bool
) -> None:
    root, public = published_site(tmp_path)
    add_retracted_story(root)
    if manifest:
        # The record is written at the end only when a file goes: a story taken down.
        (root / TAKEN_DOWN).unlink()
    with monkeypatch.context() as patch:
        fail_writes(patch, RETRACTED_PAGE, skip, manifest)
        with pytest.raises(WriteError):
            export_site(Newsroom(root), public, now=NOW)
    assert (public / RETRACTED_PAGE).is_file()

    (root / RETRACTED_FILE).unlink()
    assert_clean_after_retraction(root, public, export_once_more(root, public, tmp_path))


def test_two_failed_exports_in_a_row_leave_neither_retracted_story_public(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, public = published_site(tmp_path)
    first = add_retracted_story(root)
    with monkeypatch.context() as patch:
        fail_writes(patch, RETRACTED_PAGE, 2)
        with pytest.raises(WriteError):
            export_site(Newsroom(root), public, now=NOW)
    second = add_retracted_story(root, "en-till", topic="Indragen igen")
    (root / TAKEN_DOWN).unlink()  # so that the record is written again at the end
    with monkeypatch.context() as patch:
        fail_writes(patch, "2026/06/en-till/index.html", 0, manifest=True)
        with pytest.raises(WriteError):
            export_site(Newsroom(root), public, now=NOW)
    assert (public / RETRACTED_PAGE).is_file() and (public / "2026/06/en-till").is_dir()

    first.unlink()
    second.unlink()
    reference = export_once_more(root, public, tmp_path)
    assert not (public / "2026/06/en-till").exists()
    assert not (public / "amnen/indragen-igen").exists()
    assert_clean_after_retraction(root, public, reference)


def test_the_record_names_every_file_before_the_first_page_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = sample(tmp_path / "newsroom")
    public = tmp_path / "public"
    export_site(Newsroom(root), public, now=NOW)
    add_retracted_story(root)
    real = output.write_atomic
    seen: list[set[str]] = []

    def write_atomic(path: Path, data: bytes, **options: Any) -> None:
        if path.name != MANIFEST and not seen:
            import json

            record = json.loads((public / MANIFEST).read_text(encoding="utf-8"))
            seen.append(set(record["files"]))
        real(path, data, **options)

    monkeypatch.setattr(output, "write_atomic", write_atomic)
    export_site(Newsroom(root), public, now=NOW)
    # The search index's files are named by what the pages hold, so they are known only after
    # the pages: the record names them before they are written (the next test).
    written = {rel for rel in site(public) if not rel.startswith("pagefind/")}
    assert seen and written <= seen[0], sorted(written - seen[0])


def test_the_record_names_the_search_index_before_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = sample(tmp_path / "newsroom")
    public = tmp_path / "public"
    real = output.write_atomic
    unnamed: list[str] = []

    def write_atomic(path: Path, data: bytes, **options: Any) -> None:
        rel = path.relative_to(public).as_posix()
        if rel.startswith("pagefind/"):
            record = json.loads((public / MANIFEST).read_text(encoding="utf-8"))
            if rel not in record["files"]:
                unnamed.append(rel)
        real(path, data, **options)

    monkeypatch.setattr(output, "write_atomic", write_atomic)
    export_site(Newsroom(root), public, now=NOW)
    assert (public / "pagefind/pagefind.js").is_file() and unnamed == []


def test_an_export_removes_the_temporary_file_a_killed_export_left_beside_a_page(
    invoke: Invoke, newsroom_path: Path
) -> None:
    assert invoke("export", "html").exit_code == 0
    page = newsroom_path / "public/2021/11/forbattrad-ekonomisk-prognos-for-socialtjansten"
    left, young, theirs = plant_leftovers(page, "index.html", ".egen-anteckning.tmp")
    story = newsroom_path / "articles/2021/11/forbattrad-ekonomisk-prognos-for-socialtjansten.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nEtt tillägg.\n", encoding="utf-8")
    assert invoke("export", "html").exit_code == 0
    assert not left.exists()
    assert young.exists() and theirs.exists()
