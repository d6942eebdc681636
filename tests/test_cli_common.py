"""What every command shares: finding the newsroom (--root, $NEWSCLI_ROOT, the working
folder), errors as one line and an exit code (tracebacks only with --debug), Ctrl+C, option
values refused as usage errors, and the entry points."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscli import cli
from newscli.catalog import Catalog
from tests.conftest import REPO, STORY, Invoke, newscli_process
from tests.support.fuzz import FUZZ_CLI
from tests.support.harness import run, scratch_newsroom
from tests.support.hostile import argument_text


def test_the_newsroom_is_found_by_root_env_or_a_folder_inside_it(
    newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    by_option = runner.invoke(cli.app, ["list", "--format", "paths", "--root", str(newsroom_path)])
    assert len(by_option.stdout.splitlines()) == 5
    monkeypatch.setenv("NEWSCLI_ROOT", str(newsroom_path))
    assert runner.invoke(cli.app, ["list", "--format", "paths"]).stdout == by_option.stdout
    monkeypatch.delenv("NEWSCLI_ROOT")
    monkeypatch.chdir(newsroom_path / "articles" / "2021")
    assert runner.invoke(cli.app, ["list", "--format", "paths"]).stdout == by_option.stdout


def test_version_and_module_entry_point() -> None:
    import subprocess

    from newscli import __version__

    result = subprocess.run(
        [sys.executable, "-m", "newscli", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"newscli {__version__}"


def test_debug_shows_the_traceback(invoke: Invoke) -> None:
    with pytest.raises(Exception, match="no story matches"):
        invoke("--debug", "show", "nope")


def test_ctrl_c_ends_with_status_130_and_one_line(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Catalog, "summaries", interrupted)
    result = invoke("list")
    assert result.exit_code == 130
    assert result.stderr == "newscli: interrupted\n"


def test_bad_base_url_option_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("export", "json", "--base-url", "www.example.se")
    assert result.exit_code == 2
    assert "--base-url must start with https:// or http://" in result.stderr


@FUZZ_CLI
@given(st.one_of(st.integers(min_value=-(10**30), max_value=10**30).map(str), argument_text))
def test_any_limit_is_used_or_refused_as_a_usage_error(limit: str) -> None:
    with scratch_newsroom() as root:
        for args in (("list", "--limit", limit), ("export", "json", "-o", "-", "--limit", limit)):
            result = run(root, *args)
            if result.exit_code:
                assert result.exit_code == 2 and "--limit" in result.stderr
            elif args[0] == "export":
                assert len(json.loads(result.stdout)["items"]) == 1


def test_a_root_that_does_not_exist_is_a_usage_error_and_creates_nothing(
    invoke: Invoke, tmp_path: Path
) -> None:
    missing = tmp_path / "stavfel"
    for args in (("list",), ("new", "Rubrik", "--no-input"), ("tag", "add", "X", "--all")):
        result = invoke(*args, "--root", str(missing))
        assert result.exit_code == 2, args
        assert f"--root '{missing}' is not a folder" in result.stderr
        assert not missing.exists()
    unset = invoke("list", variables={"NEWSCLI_ROOT": str(missing)})
    assert unset.exit_code == 2 and "NEWSCLI_ROOT" in unset.stderr


@pytest.mark.parametrize("args", [("list",), ("list", "--format", "json"), ("show", "0b6f0c2e")])
def test_a_closed_stdout_ends_quietly_with_the_broken_pipe_status(
    newsroom_path: Path, args: tuple[str, ...]
) -> None:
    # As a shell starts it with `newscli list >&-`: no file descriptor 1 at all.
    result = subprocess.run(
        ["bash", "-c", 'exec "$0" -m newscli "$@" >&-', sys.executable, *args],
        cwd=newsroom_path,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 141, result.stderr
    assert result.stderr == ""


def test_a_reader_that_goes_away_ends_the_run_quietly(newsroom_path: Path) -> None:
    for n in range(300):
        (newsroom_path / "articles/2022/01" / f"kopia-{n}.md").write_text(
            (newsroom_path / "articles/2021/11" / f"{STORY}.md")
            .read_text(encoding="utf-8")
            .replace(f'slug = "{STORY}"', f'slug = "kopia-{n}"')
            .replace('id = "0b6f', f'id = "{n:04d}'),
            encoding="utf-8",
        )
    run = newscli_process(newsroom_path, "list", "--format", "json")
    assert run.stdout is not None
    run.stdout.readline()
    run.stdout.close()
    assert run.wait(timeout=60) == 141
    assert run.stderr is not None and run.stderr.read() == ""


@pytest.mark.parametrize("option", ["--root", "-C"])
def test_root_and_C_before_the_command_choose_the_newsroom(
    option: str, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    before = runner.invoke(cli.app, [option, str(newsroom_path), "list", "--format", "paths"])
    assert before.exit_code == 0, before.stderr
    assert len(before.stdout.splitlines()) == 5
    after = runner.invoke(cli.app, ["list", "--format", "paths", "--root", str(newsroom_path)])
    assert before.stdout == after.stdout


def test_withdraw_is_answered_with_the_command_that_withdraws(invoke: Invoke) -> None:
    result = invoke("withdraw", "x")
    assert result.exit_code == 2
    assert "unpublish --reason" in result.stderr


def test_errors_and_the_version_go_to_the_runs_own_streams(invoke: Invoke) -> None:
    """The Environment's stderr and stdout, not the process's: an error, an interruption
    and --version are where the run was told to write (as a test or an embedding caller
    gives them)."""
    import io

    from newscli import __version__

    err, out = io.StringIO(), io.StringIO()
    failed = invoke("show", "nope", stderr=err, stdout=out)
    assert failed.exit_code == 1 and failed.stderr == ""
    assert err.getvalue().startswith("newscli: error: no story matches 'nope'")
    assert invoke("--version", stdout=out).stdout == ""
    assert out.getvalue() == f"newscli {__version__}\n"


def test_a_path_ref_is_relative_to_the_runs_working_directory(
    invoke: Invoke, newsroom_path: Path
) -> None:
    """`newscli show 11/<slug>.md` run in articles/2021 finds the story: the working
    directory is the Environment's (cwd), not whatever the process's is."""
    here = newsroom_path / "articles" / "2021"
    found = invoke("show", f"11/{STORY}.md", "--raw", cwd=here)
    assert found.exit_code == 0, found.stderr
    assert found.stdout == (here / "11" / f"{STORY}.md").read_text(encoding="utf-8")
