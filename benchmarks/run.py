"""newscli at newsroom scale: every figure of the performance goals, as ratios to floors.

    python -m benchmarks.run            # N = 10 000
    python -m benchmarks.run --n 100000
    python -m benchmarks.run --body-words 800     # longer stories (a newsroom of its own)
    python -m benchmarks.run --peers              # install Pelican for the comparison first
    python -m benchmarks.run --n 50 --photos 10 --repeat 1   # about the suite's smoke run
    python -m benchmarks.run --only-photos        # issue 13's photo rows alone
    python -m benchmarks.run --only-search        # issue 26's search index rows alone

Floors are measured in the same run: the import floor (`python -c "import typer,
rich.console"`), the parse floor (a bare loop that reads every article file and parses its
front matter with tomllib) and the rewrite floors (a bare loop that rewrites exactly the files
the `tag` rows change, each through a temporary file in its folder, fsynced and renamed: what
any tool that changes those files safely pays; it does not fsync the folder). Each command
runs in its own process; wall time is the median of --repeat runs. Memory is reported twice:
the peak PSS of the command's whole process tree (parent and forked workers, summed from
/proc/PID/smaps_rollup every 25 ms while it runs: the figure the memory goal is for) and the
largest resident set of any single process of it (ru_maxrss). Beside the wall time, each
row shows the CPU seconds (user + system) of its whole process tree and their ratio to the
floor's: on a loaded machine that ratio holds still where the wall-time one swings. Rows that change stories (`new`, `tag`) put them back
between runs, unmeasured, and bring the index up to date again (a `list`), so every run of
such a row starts from the same newsroom and a warm index.

Issue 12's rows compare newscli with Hugo and Pelican on the same stories (see
benchmarks/peers.py for the conversion): a full site build into an empty output folder
(newscli cold, without .newscli/, and warm, with the caches the cold build left), publishing
again after the newest story's title changed (Hugo rebuilds everything, Pelican uses its
content cache) and listing without an index (`hugo list all`). Each of these groups runs its
tools in turn, round by round (newscli, Hugo, Pelican, newscli, …), so that a busy moment of
the machine does not fall on one tool only; ratios to Hugo are to its figure in the same run.
Peers found installed are measured; --peers installs Pelican first when it is missing (into a
venv of the benchmark's own, under ~/.cache/newscli-bench/), --no-peers leaves both out. A
peer not installed prints "not installed" in its rows. The index size row is the bytes of
.newscli/index.sqlite after the builds against the articles' bytes; the next row, all of
.newscli/ (with the site state, the rendered Markdown and the derived photos), for scale.

The search rows (issue 26) run on the exported site: the stock `pagefind` command over every
page of it is the floor for newscli's whole search index; the re-publish after one title
changed is measured with search on and with `search = false` (a note gives the difference).

`tag` is measured on two newsrooms with the same stories: the plain one, whose topics are
arrays one item a line as newscli writes them (the fast path), and a second one, generated
with --topic-comments 1, in which every story has its topics on one line with a trailing TOML
comment, `topics = ["A", "B"]  # …`, as people edit by hand (the comment-preserving path).
The tag rows all change the stories of one topic, about 1/7 of them, chosen with a filter from
the index as staff would: a comment on every 7th story only would have to be chosen by path
(--stdin), which reads every file first and would measure that instead of the rewriting. So
the same files are changed with and without comments, and one rewrite floor per newsroom
serves every tag row. The comment newsroom is kept next to the plain one, in
DIR-topic-comments.

Issue 13's photo rows run on a newsroom of their own, N/10 stories by default (--photos M;
--no-photos leaves the rows out), in which every fifth story has a camera photo of its own
(3000×2000 pixels by default, --photo-size; a JPEG with the EXIF a camera writes, see
benchmarks/generate.py): the first export (no .newscli/, so no photo in the cache; empty
output), a re-export after the newest photo story's title changed (no photo may be encoded)
and one after its photo was replaced by another (one photo may be encoded). Each row prints
how many photos the runs encoded, counted as the entries of .newscli/photos/ that appeared or
were written again during the run, and a note says whether every published story's photo is
on the site. The photo cache's encoding is bounded (at most two photos per worker in flight),
so the first export's peak tree memory must not grow with the number of photos: the first
export is measured again on a photo newsroom of half the stories (half the photos), and the
ratio of the two peaks is a row of its own. The photo newsrooms are kept next to the plain
one, in DIR-photos<M>.

The generated newsroom is kept in ~/.cache/newscli-bench/ and reused: generating 10 000
stories takes a while. (On the development machines /tmp creates files several times more
slowly than the home folder, which would distort every export figure.) Each newsroom records
what it was generated with (N, seed, --body-words, comments, photos, the generator's version);
a folder generated otherwise is refused, never silently measured, and one an older generator
made with the same settings is generated again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import peers
from benchmarks.generate import (
    CAMERA_PHOTO,
    CORPUS_FILE,
    camera_photo,
    corpus,
    generate,
    outdated,
    photo_size,
)
from benchmarks.memory import INTERVAL, TreeSampler
from newscli.derive import CACHE
from newscli.newsroom import STATE

PARSE_FLOOR = """
import os, sys, tomllib
for folder, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".md"):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                text = handle.read()
            tomllib.loads(text.split("+++\\n", 2)[1])
"""

# argv[1]: a file naming one article file a line. Each is rewritten with the bytes it has.
REWRITE_FLOOR = """
import os, sys
with open(sys.argv[1], encoding="utf-8") as listing:
    paths = listing.read().splitlines()
for path in paths:
    with open(path, "rb") as handle:
        data = handle.read()
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, "." + name + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
"""

ADDED_TOPIC = "Arkiv"  # not one of the generator's topics, so `tag add` changes every file
COMMENTS_SUFFIX = "-topic-comments"
OWN_PHOTOS = 5  # in the photo newsroom, one story in five has a photo of its own
# The first export's peak tree memory with all the photos against half of them: encoding is
# bounded, so only the pages' share (twice the stories) may grow, and that is small.
PHOTO_MEMORY_GOAL = 1.2


@dataclass(frozen=True)
class Figure:
    what: str
    seconds: float | None  # None: not measured (a peer not installed), `missing` says why
    rss_mb: float  # the largest resident set of any single process (ru_maxrss)
    pss_mb: float  # the largest sum of PSS over the process tree (parent and workers)
    floor: str  # the floor it is a ratio to: "import", "parse", "rewrite", "Hugo", …
    goal: float | None  # the goal as a ratio to the floor; None: reported only
    also: tuple[tuple[str, float | None], ...] = ()  # more (floor, goal) for the same run
    is_floor: bool = False  # this figure is the floor named by `floor`
    tool: str = "newscli"  # "newscli", "floor" or a peer's name
    missing: str = ""
    # CPU seconds (user + system) of the whole process tree, median of the runs: a loaded
    # machine disturbs them far less than the wall time.
    cpu: float | None = None


@dataclass(frozen=True)
class Size:
    """A size as a ratio to another (the index against the articles' bytes)."""

    what: str
    ratio: float
    floor: str
    goal: float | None


@dataclass
class Entry:
    """One command of a group measured round by round with the others (see alternate)."""

    what: str
    argv: Sequence[str] | None  # None: the tool is not installed
    cwd: Path
    floor: str
    goal: float | None
    before: Callable[[], None] = lambda: None
    also: tuple[tuple[str, float | None], ...] = ()
    is_floor: bool = False
    tool: str = "newscli"
    missing: str = "not installed"
    times: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    pss: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)

    def figure(self) -> Figure:
        if self.argv is None:
            return Figure(
                self.what,
                None,
                0,
                0,
                self.floor,
                self.goal,
                self.also,
                self.is_floor,
                self.tool,
                self.missing,
            )
        return Figure(
            self.what,
            statistics.median(self.times),
            max(self.rss),
            max(self.pss),
            self.floor,
            self.goal,
            self.also,
            self.is_floor,
            self.tool,
            cpu=statistics.median(self.cpus),
        )


def run_once(
    argv: Sequence[str],
    cwd: Path,
    *,
    capture: bool = False,
    ok: Sequence[int] = (0,),
) -> tuple[float, float, float, str, float]:
    """Wall seconds, the peak resident MB of its largest single process, the peak PSS MB of
    its whole process tree (sampled), its stdout if capture, and the CPU seconds (user and
    system) of the tree: the process's and those of every child it waited for (workers,
    Pagefind)."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    # As installed newscli runs: from bytecode caches (the floors' libraries have theirs).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryFile() if capture else open(os.devnull, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.PIPE,
        )
        with TreeSampler(process.pid) as sampler:
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr = process.stderr.read().decode() if process.stderr else ""
        if process.stderr:
            process.stderr.close()
        if process.returncode not in ok:
            raise RuntimeError(f"{' '.join(argv)} failed ({process.returncode}): {stderr[-500:]}")
        stdout = ""
        if capture:
            out.seek(0)
            stdout = out.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss / 1024, sampler.peak_mb, stdout, cpu


def measure(
    argv: Sequence[str],
    cwd: Path,
    repeat: int,
    before: Callable[[], None] = lambda: None,
    after: Callable[[str], None] | None = None,
    ok: Sequence[int] = (0,),
) -> tuple[float, float, float, float]:
    """Median seconds, largest peaks (RSS of one process, PSS of the tree) and median CPU
    seconds of the tree of repeat runs; before and after (given the run's stdout) run around
    each one, unmeasured."""
    times, rss, pss, cpus = [], [], [], []
    for _ in range(repeat):
        before()
        seconds, one, whole, stdout, cpu = run_once(argv, cwd, capture=after is not None, ok=ok)
        if after is not None:
            after(stdout)
        times.append(seconds)
        rss.append(one)
        pss.append(whole)
        cpus.append(cpu)
    return statistics.median(times), max(rss), max(pss), statistics.median(cpus)


def alternate(entries: Sequence[Entry], repeat: int) -> list[Figure]:
    """Run every entry once per round, in order, for repeat rounds: tools compared with each
    other take turns, so a slow minute of the machine falls on all of them alike."""
    for _ in range(repeat):
        for entry in entries:
            if entry.argv is None:
                continue
            entry.before()
            seconds, one, whole, _, cpu = run_once(entry.argv, entry.cwd)
            entry.times.append(seconds)
            entry.rss.append(one)
            entry.pss.append(whole)
            entry.cpus.append(cpu)
    return [entry.figure() for entry in entries]


def newscli(*args: str) -> list[str]:
    return [sys.executable, "-m", "newscli", *args]


def warm(root: Path) -> None:
    """Bring the newsroom's index up to date (unmeasured), as any earlier command would have."""
    subprocess.run(
        newscli("list", "--format", "paths"),
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=True,
    )


def pick_topic(root: Path) -> str:
    """The topic closest to being on 1/7 of the stories."""
    output = subprocess.run(
        newscli("topics", "--format", "json", "--root", str(root)),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    topics = json.loads(output)
    total = sum(1 for _ in (root / "articles").rglob("*.md"))
    return str(min(topics, key=lambda t: abs(t["articles"] / total - 1 / 7))["topic"])


def files_with_topic(root: Path, topic: str) -> list[Path]:
    """The article files whose front matter lists topic, read with tomllib (not newscli)."""
    found = []
    for path in sorted((root / "articles").rglob("*.md")):
        meta = tomllib.loads(path.read_text(encoding="utf-8").split("+++\n", 2)[1])
        if topic in meta.get("topics", []):
            found.append(path)
    return found


def number(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def topics_line(text: str) -> str:
    """The front matter's `topics = …` line (its first line, for an array over several)."""
    found = re.search(r"^topics\s*=.*$", text, re.MULTILINE)
    return found.group(0) if found else ""


class Originals:
    """The bytes some files had, to put back between runs and to see what a run changed."""

    def __init__(self, paths: Sequence[Path]):
        self.data = {path: path.read_bytes() for path in paths}

    def changed(self) -> list[Path]:
        return [path for path, data in self.data.items() if path.read_bytes() != data]

    def restore(self) -> None:
        for path in self.changed():
            path.write_bytes(self.data[path])


@dataclass(frozen=True)
class Peers:
    """The other tools measured next to newscli: their executables (None: not installed) and
    their copies of the newsroom."""

    hugo: str | None = None
    hugo_site: Path | None = None
    pelican: str | None = None
    pelican_site: Path | None = None
    missing: str = "not installed"

    def hugo_entry(
        self,
        what: str,
        command: Callable[[str, Path], list[str]],
        floor: str,
        before: Callable[[Path], None] = lambda _: None,
    ) -> Entry:
        """Hugo's row: the figure newscli's rows are compared with (is_floor); before is
        given Hugo's site."""
        return self._entry("Hugo", what, command, self.hugo, self.hugo_site, floor, before)

    def pelican_entry(self, what: str, floor: str, before: Callable[[Path], None]) -> Entry:
        """Pelican's build, reported against floor; before is given Pelican's site."""
        return self._entry(
            "Pelican", what, peers.pelican_build, self.pelican, self.pelican_site, floor, before
        )

    def _entry(
        self,
        tool: str,
        what: str,
        command: Callable[[str, Path], list[str]],
        executable: str | None,
        site: Path | None,
        floor: str,
        before: Callable[[Path], None],
    ) -> Entry:
        if executable is None or site is None:
            return Entry(what, None, Path.cwd(), floor, None, tool=tool, missing=self.missing)
        return Entry(
            what,
            command(executable, site),
            site,
            floor,
            None,
            lambda: before(site),
            is_floor=tool == "Hugo",
            tool=tool,
        )


def find_peers(root: Path, wanted: bool, install: bool) -> Peers:
    """The peers installed (Pelican installed first when install), each with its copy of the
    newsroom at root, converted when needed; none when not wanted."""
    if not wanted:
        return Peers(missing="not measured (--no-peers)")
    hugo, pelican = peers.hugo(), peers.pelican(install)
    return Peers(
        hugo,
        peers.hugo_site(root) if hugo else None,
        pelican,
        peers.pelican_site(root) if pelican else None,
    )


def newest_published(root: Path) -> Path:
    """The newest published story's file: the story staff most likely fix right after
    publishing, shown on the front page, its topics' first pages and the feeds."""
    newest: tuple[object, Path] | None = None
    for path in (root / "articles").rglob("*.md"):
        meta = tomllib.loads(path.read_text(encoding="utf-8").split("+++\n", 2)[1])
        if meta.get("status") == "published" and (newest is None or meta["date"] > newest[0]):
            newest = (meta["date"], path)
    if newest is None:
        raise RuntimeError(f"no published story in {root}")
    return newest[1]


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def figures(
    root: Path, repeat: int, comments: Path | None = None, others: Peers | None = None
) -> tuple[list[Figure | Size], list[str]]:
    """Every figure on the newsroom at root, and notes on what the runs did (files changed,
    comments kept). The comment rows run on the newsroom at comments (the same stories, each
    with a comment on its topics line), when given; the peers' rows on their copies of the
    newsroom, alternating with newscli's, when given (else they say not measured)."""
    cwd = root
    others = others or Peers(missing="not measured")
    results: list[Figure | Size] = []
    notes: list[str] = []

    def add(
        what: str,
        argv: Sequence[str],
        floor: str,
        goal: float | None,
        before: Callable[[], None] = lambda: None,
        *,
        after: Callable[[str], None] | None = None,
        also: tuple[tuple[str, float | None], ...] = (),
        is_floor: bool = False,
        where: Path | None = None,
        ok: Sequence[int] = (0,),
    ) -> None:
        seconds, rss, pss, cpu = measure(argv, where or cwd, repeat, before, after, ok)
        tool = "floor" if is_floor else "newscli"
        results.append(Figure(what, seconds, rss, pss, floor, goal, also, is_floor, tool, cpu=cpu))

    def add_rewrite_floor(what: str, files: Sequence[Path], floor: str, where: Path) -> None:
        """A floor that rewrites exactly these files the plain way (temp file, fsync, rename)."""
        with tempfile.TemporaryDirectory() as scratch:
            listing = Path(scratch) / "files.txt"
            listing.write_text("".join(f"{path}\n" for path in files), encoding="utf-8")
            argv = [sys.executable, "-c", REWRITE_FLOOR, str(listing)]
            add(what, argv, floor, None, is_floor=True, where=where)

    add(
        "import floor",
        [sys.executable, "-c", "import typer, rich.console"],
        "import",
        None,
        is_floor=True,
    )
    add(
        "parse floor",
        [sys.executable, "-c", PARSE_FLOOR, str(root / "articles")],
        "parse",
        None,
        is_floor=True,
    )
    add("newscli --version", newscli("--version"), "import", 1.3)
    add("newscli --help", newscli("--help"), "import", 1.3)
    index = root / ".newscli"
    results += alternate(
        [
            Entry(
                "list, first run (no index)",
                newscli("list"),
                root,
                "parse",
                1.5,
                lambda: shutil.rmtree(index, ignore_errors=True),
                also=(("Hugo list", None),),
            ),
            others.hugo_entry("Hugo: hugo list all", peers.hugo_list, "Hugo list"),
        ],
        repeat,
    )
    add("list (warm index)", newscli("list"), "parse", 0.5)
    add("list --topic (warm)", newscli("list", "--topic", "Ekonomi"), "parse", 0.5)
    add("list --search (warm)", newscli("list", "--search", "prognos"), "parse", 0.5)
    add("list --format paths (warm)", newscli("list", "--format", "paths"), "parse", None)
    some = next((root / "articles").rglob("*.md")).stem
    add("show REF", newscli("show", some), "import", 1.5)

    def remove_new_story(stdout: str) -> None:
        """Delete the file `new` made (it prints its path) and any folder it made for it."""
        printed = [line.strip() for line in stdout.splitlines() if line.strip().endswith(".md")]
        if len(printed) != 1:
            raise RuntimeError(f"newscli new printed no single path: {stdout[-300:]!r}")
        path = root / printed[0]  # relative to the newsroom, or absolute (then root is ignored)
        if not path.resolve().is_relative_to((root / "articles").resolve()):
            raise RuntimeError(f"newscli new printed a path outside articles/: {path}")
        path.unlink()
        folder = path.parent
        while folder != root / "articles" and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent

    add(
        "new (title, --no-input), warm index",
        newscli("new", "Some title", "--teaser", "x", "-t", "Ekonomi", "--no-input"),
        "import",
        2.0,
        lambda: warm(root),
        after=remove_new_story,
    )

    topic = pick_topic(root)
    tagged = files_with_topic(root, topic)
    originals = Originals(tagged)
    tag_ratios: tuple[tuple[str, float | None], ...] = (("rewrite", 1.5),)

    def check_changed(what: str, files: Originals) -> None:
        changed = len(files.changed())
        if changed != len(files.data):
            notes.append(
                f"{what}: changed {number(changed)} of the {number(len(files.data))} files"
            )

    add_rewrite_floor(
        f"rewrite floor: the {number(len(tagged))} files of {topic} (fsync each)",
        tagged,
        "rewrite",
        cwd,
    )
    renamed = f"{topic} (ny)"
    state = {"name": topic}

    def flip() -> None:
        """Rename back before each measured run, unmeasured, so every run renames the same
        topic; then bring the index up to date, so every run starts from a warm index."""
        if state["name"] != topic:
            subprocess.run(
                newscli("tag", "rename", renamed, topic), cwd=cwd, capture_output=True, check=True
            )
        state["name"] = renamed
        warm(cwd)

    add(
        f"tag rename ({topic}, ~1/7 of stories)",
        newscli("tag", "rename", topic, renamed),
        "parse",
        3.0,
        flip,
        after=lambda _: check_changed(f"tag rename ({topic})", originals),
        also=tag_ratios,
    )
    flip()

    def restore(files: Originals, where: Path) -> Callable[[], None]:
        def put_back() -> None:
            files.restore()
            warm(where)

        return put_back

    try:
        add(
            f"tag add ({topic}: the same files, no comments)",
            newscli("tag", "add", ADDED_TOPIC, "--topic", topic),
            "rewrite",
            1.5,
            restore(originals, root),
            after=lambda _: check_changed(f"tag add ({topic})", originals),
        )
    finally:
        restore(originals, root)()

    if comments is not None:
        warm(comments)  # the first run there builds its index
        commented = files_with_topic(comments, topic)
        with_comments = Originals(commented)
        had_comment = sum("#" in topics_line(path.read_text("utf-8")) for path in commented)

        def kept_comments(_: str) -> None:
            check_changed("tag add, comment on the topics line", with_comments)
            kept = sum(
                "#" in topics_line(path.read_text("utf-8")) for path in with_comments.changed()
            )
            notes.append(
                f"tag add, comment on the topics line: the comment kept in {number(kept)} "
                f"of {number(had_comment)} files"
            )

        add_rewrite_floor(
            f"rewrite# floor: the same {number(len(commented))} files with a # comment",
            commented,
            "rewrite#",
            comments,
        )
        try:
            add(
                f"tag add on {number(len(commented))} files with a comment on the topics line",
                newscli("tag", "add", ADDED_TOPIC, "--topic", topic),
                "rewrite#",
                1.5,
                restore(with_comments, comments),
                after=kept_comments,
                where=comments,
                ok=(0, 1),  # 1: files refused (counted in the notes), not a broken benchmark
            )
        finally:
            with_comments.restore()

    add("export rss", newscli("export", "rss"), "parse", 3.0)
    results += builds(root, repeat, others)
    articles = sum(path.stat().st_size for path in (root / "articles").rglob("*.md"))
    search_index = index / "index.sqlite"
    results.append(
        Size(
            f"index (.newscli/index.sqlite): {search_index.stat().st_size / 1e6:.1f} MB, "
            f"articles {articles / 1e6:.1f} MB",
            search_index.stat().st_size / articles,
            "articles' bytes",
            0.5,
        )
    )
    # The caches beside it (site state, rendered Markdown, derived photos), not a goal.
    results.append(
        Size(
            f".newscli/ in all after the builds: {folder_bytes(index) / 1e6:.1f} MB",
            folder_bytes(index) / articles,
            "articles' bytes",
            None,
        )
    )
    results += republish(root, repeat, others)
    more, more_notes = search_figures(root, repeat)
    results += more
    notes += more_notes
    return results, notes


def builds(root: Path, repeat: int, others: Peers) -> list[Figure]:
    """A full site build into an empty output folder, each tool in turn, round by round:
    newscli cold (no .newscli/: no index, no caches), newscli warm (its caches as the cold
    build left them), Hugo, Pelican (no cache)."""
    site = root / "public"

    def cold() -> None:
        shutil.rmtree(root / ".newscli", ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)

    return alternate(
        [
            Entry(
                "export html, full, cold (no .newscli/, empty output)",
                newscli("export", "html"),
                root,
                "Hugo",
                1.0,
                cold,
                also=(("parse", None),),
            ),
            Entry(
                "export html, full, warm (caches warm, empty output)",
                newscli("export", "html"),
                root,
                "Hugo",
                0.5,
                lambda: shutil.rmtree(site, ignore_errors=True),
                also=(("parse", None),),
            ),
            others.hugo_entry(
                "Hugo: full build, empty output",
                peers.hugo_build,
                "Hugo",
                lambda site: peers.clean_output(site, "public"),
            ),
            others.pelican_entry(
                "Pelican: full build, empty output (no cache)",
                "Hugo",
                lambda site: peers.clean_output(site, "output", "cache"),
            ),
        ],
        repeat,
    )


def republish(root: Path, repeat: int, others: Peers) -> list[Figure]:
    """Publishing again after one story's title changed, each tool in turn, round by round,
    from the output (and caches) its full build left: newscli's export, Hugo's full rebuild
    (it has no other), Pelican with its content cache. Every round gives the newest
    published story a new title in each tool's copy; the titles are put back at the end."""
    story = newest_published(root)
    relative = story.relative_to(root / "articles")
    copies = {"newscli": story}
    if others.hugo_site:
        copies["Hugo"] = others.hugo_site / "content" / "posts" / relative
    if others.pelican_site:
        copies["Pelican"] = others.pelican_site / "content" / relative
    originals = Originals(list(copies.values()))
    title = tomllib.loads(story.read_text(encoding="utf-8").split("+++\n", 2)[1])["title"]
    rounds = dict.fromkeys(copies, 0)

    def retitle(tool: str) -> None:
        rounds[tool] += 1
        peers.retitle(copies[tool], f"{title} (ändrad {rounds[tool]})")

    try:
        return alternate(
            [
                Entry(
                    "export html, one title changed",
                    newscli("export", "html"),
                    root,
                    "parse",
                    0.3,
                    lambda: retitle("newscli"),
                    also=(("Hugo rebuild", None),),
                ),
                others.hugo_entry(
                    "Hugo: one title changed (a full rebuild)",
                    peers.hugo_build,
                    "Hugo rebuild",
                    lambda _: retitle("Hugo"),
                ),
                others.pelican_entry(
                    "Pelican: one title changed (its cache on)",
                    "Hugo rebuild",
                    lambda _: retitle("Pelican"),
                ),
            ],
            repeat,
        )
    finally:
        originals.restore()


# -- the site's search index (issue 26) -------------------------------------------------------

# argv[1]: an exported site, argv[2]: its language. newscli's whole search index made again
# over every story page there (its record removed beforehand), as an export makes it.
INDEX_WHOLE = """
import sys
from pathlib import Path
from newscli.export import search
from newscli.export.output import OutputFolder
site = Path(sys.argv[1])
out = OutputFolder(site, "benchmark")
stories = [p.parent.relative_to(site).as_posix() + "/" for p in site.glob("*/*/*/index.html")]
search.write_index(out, stories, language=sys.argv[2])
out.finish(whole=False)
"""


def search_figures(root: Path, repeat: int) -> tuple[list[Figure], list[str]]:
    """The search index over the site at root/public (exported first, unmeasured, with
    search on): the stock `pagefind` command over every page of the same site (the floor
    for the whole index), newscli's whole index made again over the same site, and the
    re-publish after one title changed with search on and with it off (the difference is
    what search costs a re-publish). Runs `repeat` of each."""
    from newscli.export import search

    site = root / "public"
    notes: list[str] = []
    config = root / "newscli.toml"
    original = config.read_text(encoding="utf-8")
    subprocess.run(newscli("export", "html"), cwd=root, check=True, capture_output=True)
    pages = sum(1 for _ in site.rglob("index.html"))
    stock = root / "pagefind-stock"
    floor_argv = [str(search.pagefind_binary()), "--site", "public", "--output-path", str(stock)]
    seconds, rss, pss, cpu = measure(floor_argv, root, repeat, lambda: shutil.rmtree(stock, True))
    shutil.rmtree(stock, ignore_errors=True)
    results = [
        Figure(
            f"search floor: stock pagefind over the site ({number(pages)} pages)",
            seconds,
            rss,
            pss,
            "pagefind",
            None,
            is_floor=True,
            tool="floor",
            cpu=cpu,
        )
    ]
    language = re.search(r'<html lang="([^"]+)"', (site / "index.html").read_text("utf-8"))
    assert language is not None
    argv = [sys.executable, "-c", INDEX_WHOLE, str(site), language[1]]
    seconds, rss, pss, cpu = measure(argv, root, repeat, lambda: (site / search.STAMP).unlink())
    stories = len(json.loads((site / search.STAMP).read_bytes())["pages"])
    results.append(
        Figure(
            f"search index made whole (newscli, {number(stories)} stories)",
            seconds,
            rss,
            pss,
            "pagefind",
            None,
            cpu=cpu,
        )
    )
    # Its files were written behind the site state's back (Pagefind names its filter files
    # anew each time): an export, unmeasured, leaves the folder as exports leave it.
    subprocess.run(newscli("export", "html"), cwd=root, check=True, capture_output=True)
    story = newest_published(root)
    originals = Originals([story])
    title = tomllib.loads(story.read_text(encoding="utf-8").split("+++\n", 2)[1])["title"]
    rounds = [0]

    def retitle() -> None:
        rounds[0] += 1
        peers.retitle(story, f"{title} (sök {rounds[0]})")

    try:
        for searched in (True, False):
            if not searched:  # a whole build first (the configuration changed), unmeasured
                config.write_text(original.replace("[site]\n", "[site]\nsearch = false\n", 1))
                subprocess.run(newscli("export", "html"), cwd=root, check=True, capture_output=True)
            seconds, rss, pss, cpu = measure(newscli("export", "html"), root, repeat, retitle)
            results.append(
                Figure(
                    f"export html, one title changed, search {'on' if searched else 'off'}",
                    seconds,
                    rss,
                    pss,
                    "parse",
                    0.3,
                    cpu=cpu,
                )
            )
    finally:
        config.write_text(original, encoding="utf-8")
        originals.restore()
        subprocess.run(newscli("export", "html"), cwd=root, check=True, capture_output=True)
    on, off = results[-2].seconds or 0.0, results[-1].seconds or 0.0
    notes.append(
        f"search on a re-publish after one edit: {on - off:+.3f} s "
        f"({on:.3f} s with search on, {off:.3f} s off)"
    )
    return results, notes


class EncodedCount:
    """How many photos each run of an export encoded: the entries of the newsroom's photo
    cache (.newscli/photos/<xx>/<key>/, complete once its manifest.json is written, last)
    that appeared or were written again while it ran. start() before a run, stop() after."""

    def __init__(self, root: Path):
        self.root = root
        self.before: dict[Path, int] = {}
        self.counts: list[int] = []

    def entries(self) -> dict[Path, int]:
        folder = self.root / STATE / CACHE
        return {path: path.stat().st_mtime_ns for path in folder.glob("*/*/manifest.json")}

    def start(self) -> None:
        self.before = self.entries()

    def stop(self, _: str = "") -> None:
        after = self.entries()
        self.counts.append(sum(1 for path, made in after.items() if self.before.get(path) != made))

    @property
    def text(self) -> str:
        """The counts, one a run, as 'photos encoded: 190' when every run encoded as many."""
        counts = list(dict.fromkeys(self.counts))
        return "photos encoded: " + "/".join(number(count) for count in counts)


def photo_stories(root: Path) -> list[tuple[dt.datetime, Path, str]]:
    """Each published story with a photo in the newsroom at root (the site shows only those),
    newest first: its date, its file, its photo's src."""
    found = []
    for path in (root / "articles").rglob("*.md"):
        meta = tomllib.loads(path.read_text(encoding="utf-8").split("+++\n", 2)[1])
        if meta.get("image") and meta.get("status") == "published":
            found.append((meta["date"], path, str(meta["image"]["src"])))
    return sorted(found, reverse=True)


def published_photos(root: Path) -> tuple[int, int]:
    """(how many published stories' photos the site at root/public shows in both of its
    formats, how many published stories have a photo)."""
    shown = 0
    wanted = [src for _, _, src in photo_stories(root)]
    for src in wanted:
        stem = Path(src).with_suffix("").name
        folder = root / "public" / "photos" / Path(src).parent
        shown += any(folder.glob(f"{stem}-*.jpg")) and any(folder.glob(f"{stem}-*.webp"))
    return shown, len(wanted)


def photo_figures(
    root: Path, half: Path | None, repeat: int
) -> tuple[list[Figure | Size], list[str]]:
    """Issue 13's rows on the photo newsroom at root (and the first export's memory on half,
    the photo newsroom of half the stories, when given): see the module's docstring."""
    with_photo = photo_stories(root)
    if not with_photo:
        raise RuntimeError(f"no published story with a photo in {root}")
    first_floor = "1st photo export"
    notes: list[str] = []
    results: list[Figure | Size] = []

    def first_export(where: Path) -> Figure:
        counted = EncodedCount(where)
        stories = sum(1 for _ in (where / "articles").rglob("*.md"))

        def cold() -> None:
            shutil.rmtree(where / STATE, ignore_errors=True)
            shutil.rmtree(where / "public", ignore_errors=True)
            counted.start()

        seconds, rss, pss, cpu = measure(
            newscli("export", "html"), where, repeat, cold, counted.stop
        )
        photos = len(photo_stories(where))
        what = (
            f"export html with photos, first (cold photo cache; {number(stories)} stories, "
            f"{number(photos)} photos to publish; {counted.text})"
        )
        return Figure(what, seconds, rss, pss, first_floor, None, is_floor=where == root, cpu=cpu)

    first = first_export(root)
    results.append(first)
    shown, wanted = published_photos(root)
    notes.append(
        f"export html with photos: the site shows {number(shown)} of the {number(wanted)} "
        f"published stories' photos (in WebP and JPEG)"
    )

    _, story, src = with_photo[0]  # the newest: the story staff most likely fix
    photo = root / src
    originals = Originals([story, photo])
    title = tomllib.loads(story.read_text(encoding="utf-8").split("+++\n", 2)[1])["title"]
    from PIL import Image

    with Image.open(photo) as opened:
        size, orientation = opened.size, int(opened.getexif().get(0x0112, 1))
    rounds = {"text": 0, "photo": 0}

    def change(what: str, counted: EncodedCount) -> Callable[[], None]:
        def before() -> None:
            rounds[what] += 1
            if what == "text":
                peers.retitle(story, f"{title} (ändrad {rounds[what]})")
            else:  # another picture, as a camera would write it, in the same file
                photo.write_bytes(camera_photo(f"{src}:changed:{rounds[what]}", size, orientation))
            counted.start()

        return before

    try:
        for what, label, expected in (
            ("text", "re-export after one text change", 0),
            ("photo", "re-export after one photo changed", 1),
        ):
            counted = EncodedCount(root)
            seconds, rss, pss, cpu = measure(
                newscli("export", "html"), root, repeat, change(what, counted), counted.stop
            )
            results.append(
                Figure(f"{label} ({counted.text})", seconds, rss, pss, first_floor, None, cpu=cpu)
            )
            if any(count != expected for count in counted.counts):
                notes.append(f"{label}: {counted.text}, not {expected} in every run")
    finally:
        originals.restore()

    if half is None:
        notes.append(
            "the first export's memory with half the photos: not measured (too few stories)"
        )
        return results, notes
    smaller = first_export(half)
    results.append(smaller)
    results.append(
        Size(
            f"first export's tree MB: {number(len(with_photo))} photos {first.pss_mb:.0f} MB, "
            f"{number(len(photo_stories(half)))} photos {smaller.pss_mb:.0f} MB",
            first.pss_mb / smaller.pss_mb,
            "MB at half",
            PHOTO_MEMORY_GOAL,
        )
    )
    return results, notes


def report(
    results: Sequence[Figure | Size],
    n: int,
    notes: Sequence[str] = (),
    body_words: int | None = None,
) -> tuple[str, bool]:
    """The table (a figure's further ratios on lines of their own below it) and whether
    every goal was met (a goal against a tool not measured is not judged)."""
    floors = {f.floor: f.seconds for f in results if isinstance(f, Figure) and f.is_floor}
    floor_cpus = {f.floor: f.cpu for f in results if isinstance(f, Figure) and f.is_floor}
    width = max(42, *(len(f.what) for f in results))
    title = f"newscli benchmark, N = {number(n)} articles, {os.cpu_count()} cores"
    if body_words is not None:
        title += f", bodies of ~{number(body_words)} words"
    lines = [
        title,
        "",
        f"| {'what':<{width}} | {'seconds':>7} | {'tree MB':>7} | {'1-proc MB':>9} "
        f"| {'ratio':>22} | {'goal':>6} | met | {'CPU s':>7} | {'CPU ratio':>9} |",
        f"|{'-' * (width + 2)}|{'-' * 9}|{'-' * 9}|{'-' * 11}|{'-' * 24}|{'-' * 8}|-----"
        f"|{'-' * 9}|{'-' * 11}|",
    ]
    all_met = True

    def row(
        what: str,
        seconds: str,
        tree: str,
        one: str,
        ratio: str,
        goal: float | None,
        met: str,
        cpu: str = "",
        cpu_ratio: str = "",
    ) -> None:
        goal_text = f"≤ {goal:g}" if goal is not None else ""
        lines.append(
            f"| {what:<{width}} | {seconds:>7} | {tree:>7} | {one:>9} | {ratio:>22} "
            f"| {goal_text:>6} | {met:^3} | {cpu:>7} | {cpu_ratio:>9} |"
        )

    for figure in results:
        if isinstance(figure, Size):
            met = "" if figure.goal is None else ("yes" if figure.ratio <= figure.goal else "NO")
            all_met &= met != "NO"
            row(figure.what, "", "", "", f"{figure.ratio:.2f} × {figure.floor}", figure.goal, met)
            continue
        if figure.seconds is None:
            row(figure.what, figure.missing, "", "", "", None, "")
            continue
        for position, (floor, goal) in enumerate(((figure.floor, figure.goal), *figure.also)):
            base = floors.get(floor)
            if base:  # measured in this run
                ratio = figure.seconds / base
                ratio_text = f"{ratio:.2f} × {floor}"
                met = "" if goal is None else ("yes" if ratio <= goal else "NO")
            else:
                ratio_text, met = f"– ({floor} not measured)", ""
            all_met &= met != "NO"
            cpu_base = floor_cpus.get(floor)
            cpu_ratio = f"{figure.cpu / cpu_base:.2f} ×" if figure.cpu and cpu_base else ""
            if position == 0:
                row(
                    figure.what,
                    f"{figure.seconds:7.3f}",
                    f"{figure.pss_mb:7.0f}",
                    f"{figure.rss_mb:9.0f}",
                    ratio_text,
                    goal,
                    met,
                    f"{figure.cpu:7.2f}" if figure.cpu is not None else "",
                    cpu_ratio,
                )
            else:  # the same run, as a ratio to another floor
                against = floor if floor[0].isupper() else f"the {floor} floor"  # a peer: Hugo…
                row(
                    f"  ″ the same run, to {against}",
                    "",
                    "",
                    "",
                    ratio_text,
                    goal,
                    met,
                    cpu_ratio=cpu_ratio,
                )
    ours = [f.pss_mb for f in results if isinstance(f, Figure) and f.tool == "newscli"]
    lines.append("")
    lines.append(
        "tree MB: the peak of the summed PSS of the command's whole process tree (parent and "
        f"forked workers), sampled every {INTERVAL * 1000:.0f} ms; 1-proc MB: the peak resident "
        "set of its largest single process (ru_maxrss); CPU s: user + system seconds of the "
        "tree (median of the runs), and CPU ratio: that against the floor's (goals are judged on "
        "wall time; on a loaded machine the CPU ratio is the steadier one)"
    )
    lines.append(
        f"peak memory (tree PSS) of any newscli command: {max(ours, default=0):.0f} MB "
        "(goal at N = 100 000: ≤ 500 MB)"
    )
    lines.extend(f"note: {note}" for note in dict.fromkeys(notes))  # once, in order
    return "\n".join(lines), all_met


def default_root(n: int, seed: int, body_words: int | None = None) -> Path:
    """Where the generated newsroom is kept: one folder per corpus, so corpora never mix."""
    key = f"n{n}-seed{seed}" + (f"-words{body_words}" if body_words is not None else "")
    return Path.home() / ".cache" / "newscli-bench" / key


def comments_root(root: Path) -> Path:
    """Where the newsroom with a comment on every topics line is kept, next to root."""
    return root.with_name(root.name + COMMENTS_SUFFIX)


def ensure_newsroom(
    root: Path,
    n: int,
    seed: int,
    body_words: int | None,
    topic_comments: int = 0,
    *,
    own_photos: int = 0,
    size: tuple[int, int] = CAMERA_PHOTO,
) -> None:
    """Generate the newsroom at root, or make sure the one there was generated the same way;
    one an older generator made with the same settings is generated again."""
    wanted = corpus(n, seed, body_words, topic_comments, own_photos, size)

    def make(why: str) -> None:
        print(f"generating {n} articles in {root} ({why}) …", file=sys.stderr)
        generate(
            root,
            n,
            seed,
            body_words=body_words,
            topic_comments=topic_comments,
            own_photos=own_photos,
            photo_size=size,
        )
        # Write the new files out now: left dirty, they would be flushed by the first fsyncs
        # measured (the rewrite floor's), which then take several times as long.
        os.sync()

    if not (root / "articles").is_dir():
        make("none there")
        return
    marker = root / CORPUS_FILE
    found: dict[str, object] | None
    if marker.is_file():
        found = json.loads(marker.read_text(encoding="utf-8"))
    elif root.name == f"n{n}-seed{seed}":  # before the corpus was recorded: the plain corpus
        found = {"count": n, "seed": seed, "body_words": None, "topic_comments": 0}
    else:
        found = None
    if found is not None and outdated(found, wanted):
        for name in ("articles", "images", STATE, "public"):
            shutil.rmtree(root / name, ignore_errors=True)
        marker.unlink(missing_ok=True)
        make("an older generator's were there")
        return
    if found != wanted:
        raise SystemExit(
            f"{root} holds a newsroom generated with {found or 'unknown settings'}, "
            f"not {wanted}: give another --dir, or delete it to generate it again"
        )


def photos_root(root: Path, stories: int, size: tuple[int, int] = CAMERA_PHOTO) -> Path:
    """Where the photo newsroom of that many stories is kept, next to root."""
    key = f"{root.name}-photos{stories}"
    if size != CAMERA_PHOTO:
        key += f"-{size[0]}x{size[1]}"
    return root.with_name(key)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="number of articles (default 10 000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument(
        "--dir",
        type=Path,
        help="where the generated newsroom is kept and reused (default: ~/.cache/newscli-bench/"
        "n<N>-seed<S>[-words<W>]); the one with comments goes next to it, in DIR" + COMMENTS_SUFFIX,
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--body-words",
        type=int,
        metavar="W",
        help="stories with bodies of about W words (default: as the generator writes them, "
        "five blocks of about 160 words in all)",
    )
    peer_options = parser.add_mutually_exclusive_group()
    peer_options.add_argument(
        "--peers",
        action="store_true",
        help="also install Pelican (into a venv of its own under ~/.cache/newscli-bench/) when "
        "it is not on PATH; by default the peers measured are those already installed",
    )
    peer_options.add_argument(
        "--no-peers", action="store_true", help="measure newscli and the floors only"
    )
    photo_options = parser.add_mutually_exclusive_group()
    photo_options.add_argument(
        "--photos",
        type=int,
        metavar="M",
        help="stories in the photo newsroom, one in five with a camera photo of its own "
        "(default N/10; 0: no photo rows)",
    )
    photo_options.add_argument(
        "--no-photos", action="store_true", help="leave the photo rows out (as --photos 0)"
    )
    photo_options.add_argument(
        "--only-search",
        action="store_true",
        help="measure the search index's rows only (with the parse floor they are judged by)",
    )
    photo_options.add_argument(
        "--only-photos",
        action="store_true",
        help="measure the photo rows only (the photo newsroom's size from --n, as N/10)",
    )
    parser.add_argument(
        "--photo-size",
        type=photo_size,
        default=CAMERA_PHOTO,
        metavar="WxH",
        help="the pixels of each camera photo, as stored (default 3000x2000)",
    )
    args = parser.parse_args(argv)
    root = args.dir or default_root(args.n, args.seed, args.body_words)
    stories = (
        0
        if args.no_photos or args.only_search
        else args.photos
        if args.photos is not None
        else args.n // 10
    )
    photos = photos_root(root, stories, args.photo_size)
    half: Path | None = photos_root(root, stories // 2, args.photo_size)
    if stories:
        ensure_newsroom(
            photos, stories, args.seed, args.body_words, own_photos=OWN_PHOTOS, size=args.photo_size
        )
    if half is not None and stories // 2 >= OWN_PHOTOS:  # it has a photo
        ensure_newsroom(
            half,
            stories // 2,
            args.seed,
            args.body_words,
            own_photos=OWN_PHOTOS,
            size=args.photo_size,
        )
    else:
        half = None
    if not args.only_photos and not args.only_search:
        ensure_newsroom(root, args.n, args.seed, args.body_words)
        comments = comments_root(root)
        ensure_newsroom(comments, args.n, args.seed, args.body_words, topic_comments=1)
    # Compile newscli's bytecode once, as `pip install` does, so no figure pays for it.
    import newscli

    package = str(Path(newscli.__file__).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=False)
    if args.only_search:
        ensure_newsroom(root, args.n, args.seed, args.body_words)
        parse = [sys.executable, "-c", PARSE_FLOOR, str(root / "articles")]
        seconds, rss, pss, cpu = measure(parse, root, args.repeat)
        results = [Figure("parse floor", seconds, rss, pss, "parse", None, is_floor=True, cpu=cpu)]
        more, notes = search_figures(root, args.repeat)
        table, _ = report([*results, *more], args.n, notes, args.body_words)
        print(table)
        return 0
    results: list[Figure | Size] = []
    notes: list[str] = []
    if not args.only_photos:
        others = find_peers(root, not args.no_peers, args.peers)
        results, notes = figures(root, args.repeat, comments, others)
    if stories:
        more, more_notes = photo_figures(photos, half, args.repeat)
        results += more
        notes += more_notes
    table, _ = report(results, args.n, notes, args.body_words)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
