"""Shared fixtures: tmp_path newsrooms built from the seed stories, a pinned terminal and clock,
and the newsrooms and sites several test files look at, built once per run.

Helpers that are not fixtures are in tests/support/ (not collected by pytest)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
import typer
import typer.testing
from typer import _click as typer_click
from typer.testing import CliRunner, Result

from newscli import cli
from newscli.newsroom import Newsroom

# Typer builds the app's whole command tree from the functions' signatures on every
# CliRunner.invoke: ~20 ms for newscli's commands, a sixth of the suite's time. A run of the
# real program builds it once, and so do the tests; the tree holds no state of a run.
_built: dict[int, typer_click.Command] = {}
_build = typer.testing._get_command


def _built_once(app: typer.Typer) -> typer_click.Command:
    if id(app) not in _built:
        _built[id(app)] = _build(app)
    return _built[id(app)]


typer.testing._get_command = _built_once  # type: ignore[attr-defined]

if TYPE_CHECKING:
    from newscli.export.site import SiteReport

REPO = Path(__file__).resolve().parent.parent
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# The pinned "now" of every test: a Monday in late 2026, long after the sample stories.
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=STOCKHOLM)

STORY = "forbattrad-ekonomisk-prognos-for-socialtjansten"
STORY_PATH = f"articles/2021/11/{STORY}.md"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fuzz: a Hypothesis fuzz test (NEWSCLI_FUZZ=long raises its examples)"
    )
    # A suite started in the background (`pytest &`, nohup, some CI runners) inherits SIGINT
    # ignored, and so would every newscli, editor and shell it starts: the Ctrl-C tests would
    # wait for an exit that never comes. A handler here is reset to the default at each exec.
    signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """-n auto: one worker more than there are cores. A third of the suite's time is spent
    waiting on other processes (Chromium, the Nu Html Checker, shells, servers), and a
    worker that waits leaves its core idle: on two cores, 143 s with two, 122 s with three."""
    return (os.cpu_count() or 1) + 1


@pytest.fixture(autouse=True)
def pinned_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Same terminal, colour, clock, editor and language (English, unless a test passes a
    Swedish locale) for every test, whatever the machine has."""
    from newscli import i18n

    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    i18n.use("en")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "50")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.delenv("NEWSCLI_ROOT", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "false")
    yield
    i18n.use("en")  # a Swedish run's language ends with its test


def pinned_clock(tz: dt.tzinfo) -> dt.datetime:
    return NOW.astimezone(tz)


# The Environment overrides every CLI test runs with (see newscli.cli.common.environment):
# the pinned clock, and no terminal anywhere. Tests that need a terminal pass their own.
PINNED: dict[str, object] = {
    "clock": pinned_clock,
    "stdin_isatty": False,
    "stdout_isatty": False,
    "stderr_isatty": False,
}


@pytest.fixture
def newsroom_path(tmp_path: Path) -> Path:
    """A copy of the sample newsroom (the five seed stories and newscli.toml)."""
    root = tmp_path / "newsroom"
    shutil.copytree(REPO / "articles", root / "articles")
    shutil.copy(REPO / "newscli.toml", root / "newscli.toml")
    return root


@pytest.fixture
def newsroom(newsroom_path: Path) -> Newsroom:
    return Newsroom(newsroom_path)


Invoke = Callable[..., Result]


@pytest.fixture
def invoke(newsroom_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run newscli in the sample newsroom (as the working directory) and return the result."""
    monkeypatch.chdir(newsroom_path)
    runner = CliRunner()

    def run(*args: str, input: str | None = None, **environment: object) -> Result:
        """newscli with args; keyword arguments override parts of its Environment."""
        obj = {**PINNED, **environment}
        return runner.invoke(cli.app, list(args), input=input, catch_exceptions=False, obj=obj)

    return run


def newscli_process(root: Path, *args: str) -> subprocess.Popen[str]:
    """newscli as a real process on the newsroom at root (for kill and concurrency tests)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "newscli", *args, "--root", str(root)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


# -- built once per run, for the tests of several modules ---------------------------------------


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated newsroom of 150 articles, for the kill tests of tag and export html."""
    from tests.support.newsrooms import generate_newsroom

    return generate_newsroom(tmp_path_factory.mktemp("crash") / "newsroom", 150, seed=11)


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, SiteReport]]:
    """Every variant of the site the tests look at, built once per test run."""
    from newscli.config import Site
    from newscli.export.site import export_site
    from tests.support.newsrooms import hostile_newsroom, preview_newsroom, sample_newsroom

    base = tmp_path_factory.mktemp("sites")
    built: dict[str, tuple[Path, SiteReport]] = {}

    def build(name: str, root: Path, site: Site | None = None, **options: bool) -> None:
        newsroom = Newsroom(root, site)
        out = base / f"{name}-public"
        built[name] = (out, export_site(newsroom, out, now=NOW, **options))

    build("sample", sample_newsroom(base / "sample"))
    preview = preview_newsroom(base / "preview")
    build("preview", preview, drafts=True, future=True)
    build("public", preview)
    build("hostile", hostile_newsroom(base / "hostile"))
    plain = sample_newsroom(base / "plain", photos=False)
    build("plain", plain, Site(language="en", per_page=2, title="News & views"))
    build("paged", plain, Site(per_page=2, base_url="https://example.se/sub/"))
    (base / "empty").mkdir()
    build("empty", base / "empty", Site(base_url="https://example.se/"))
    return built
