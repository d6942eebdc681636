"""The cron line and the systemd service in docs/lifecycle.md, run as they are written
(systemd-run and systemctl stand-ins record what they were asked)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.support.newsrooms import story, write_article

DOC = (REPO / "docs" / "lifecycle.md").read_text(encoding="utf-8")
NEWSCLI = Path(sys.executable).parent / "newscli"


def _environment(tmp_path: Path) -> dict[str, str]:
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name in ("systemd-run", "systemctl"):
        stub = stubs / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{tmp_path}/asked"\n')
        stub.chmod(0o755)
    path = f"{stubs}:{NEWSCLI.parent}:{os.environ.get('PATH', '/usr/bin:/bin')}"
    return {**os.environ, "PATH": path, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}


@pytest.fixture
def embargoed(newsroom_path: Path) -> dt.datetime:
    """The sample newsroom with a story embargoed until ten days from the real now."""
    if not NEWSCLI.is_file() or shutil.which("date") is None:
        pytest.skip("the newscli script or date is not installed")
    when = (dt.datetime.now(dt.UTC) + dt.timedelta(days=10)).replace(microsecond=0)
    write_article(newsroom_path, story("kommer-snart", date=when))
    return when


def test_the_cron_line_builds_the_site(
    newsroom_path: Path, tmp_path: Path, embargoed: dt.datetime
) -> None:
    (line,) = re.findall(r"^\* \* \* \* \* (.+)$", DOC, re.MULTILINE)
    command = line.replace("/srv/nyheter", str(newsroom_path))
    run = subprocess.run(
        ["sh", "-c", command],
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""  # --quiet: cron mails nobody when all is well
    assert (newsroom_path / "public" / "index.html").is_file()


def test_the_systemd_service_builds_and_schedules_the_next_build(
    newsroom_path: Path, tmp_path: Path, embargoed: dt.datetime
) -> None:
    service = DOC.split("# ~/.config/systemd/user/newscli-build.service", 1)[1].split("```", 1)[0]
    (workdir,) = re.findall(r"^WorkingDirectory=(.+)$", service, re.MULTILINE)
    assert workdir == "/srv/nyheter"
    env = _environment(tmp_path)
    for key in ("ExecStart", "ExecStartPost"):
        (line,) = re.findall(rf"^{key}=(.+)$", service, re.MULTILINE)
        # systemd reads %% as %, and runs the line without a shell: split as it would.
        argv = _systemd_split(line.replace("%%", "%"))
        run = subprocess.run(
            argv, cwd=newsroom_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, (key, run.stderr)
    assert (newsroom_path / "public" / "index.html").is_file()
    asked = (tmp_path / "asked").read_text().splitlines()
    expected = embargoed.strftime("%Y-%m-%d %H:%M:%S UTC")
    assert asked[0] == "systemctl --user stop newscli-next.timer"
    assert asked[1] == (
        f"systemd-run --user --unit=newscli-next --on-calendar={expected} "
        "systemctl --user start newscli-build.service"
    )


def _systemd_split(line: str) -> list[str]:
    """A command line as systemd splits it: words, and single- or double-quoted strings."""
    import shlex

    return shlex.split(line)
