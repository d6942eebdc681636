"""`newscli deploy`: only changed files move, in an order that keeps links whole, to a local
folder or an SFTP server (rclone serve sftp on 127.0.0.1), with a record of every deploy."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from newscli.export import deploy as deploying
from newscli.export.output import MANIFEST
from tests.conftest import STORY, STORY_PATH, Invoke

PAGE = f"2021/11/{STORY}/index.html"
needs_rclone = pytest.mark.skipif(shutil.which("rclone") is None, reason="rclone not installed")


def set_target(root: Path, target: str) -> None:
    config = root / "newscli.toml"
    text = config.read_text(encoding="utf-8").split("\n[deploy]\n")[0]
    config.write_text(f'{text}\n[deploy]\ntarget = "{target}"\n', encoding="utf-8")


@pytest.fixture
def site(invoke: Invoke, newsroom_path: Path, tmp_path: Path) -> Path:
    """The sample newsroom exported, with a local folder outside it as the deploy target."""
    assert invoke("export", "html").exit_code == 0
    set_target(newsroom_path, str(tmp_path / "www"))
    return tmp_path / "www"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_first_deploy_sends_the_whole_site_and_records_it(
    invoke: Invoke, site: Path, newsroom_path: Path
) -> None:
    result = invoke("deploy")
    assert result.exit_code == 0, result.stderr
    public = snapshot(newsroom_path / "public")
    assert snapshot(site) == {rel: public[rel] for rel in snapshot(site)}
    assert PAGE in snapshot(site) and MANIFEST in snapshot(site)
    assert result.stderr.splitlines()[-1].startswith(
        f"{len(snapshot(site))} files sent, 0 removed,"
    )
    log = invoke("log", "--deploys")
    assert f"{len(snapshot(site))} added, 0 changed, 0 removed" in log.stdout
    again = invoke("deploy")
    assert again.stderr.splitlines()[-1].startswith("0 files sent, 0 removed,")


def test_one_story_change_moves_exactly_the_changed_files(
    invoke: Invoke, site: Path, newsroom_path: Path
) -> None:
    invoke("deploy")
    before = snapshot(site)
    story = newsroom_path / STORY_PATH
    story.write_text(story.read_text(encoding="utf-8") + "\nEtt nytt stycke.\n", encoding="utf-8")
    invoke("export", "html")
    planned, _engine, _files = deploying.plan(newsroom_path, newsroom_path / "public", str(site))
    assert PAGE in planned.changed
    # besides the page: the search index (new files, the old ones removed) and listings
    others = [rel for rel in planned.changed if rel.endswith("/index.html") and rel != PAGE]
    assert all(not deploying.is_article_page(rel) for rel in others)
    assert all(rel.startswith("pagefind/") for rel in planned.added + planned.removed)
    assert invoke("deploy").exit_code == 0
    after = snapshot(site)
    moved = {rel for rel in after if before.get(rel) != after[rel]}
    assert moved == set(planned.changed) | set(planned.added)
    assert not set(planned.removed) & set(after)
    # the story page goes before the listings that link to it; the record last
    order = planned.sent
    phases = [deploying.phase(rel) for rel in order]
    assert phases == sorted(phases) and order[-1] == MANIFEST


def test_withdrawal_replaces_the_page_by_the_notice(
    invoke: Invoke, site: Path, newsroom_path: Path
) -> None:
    invoke("deploy")
    assert invoke("unpublish", STORY, "--reason", "Fel siffror").exit_code == 0
    invoke("export", "html")
    assert invoke("deploy").exit_code == 0
    assert snapshot(site)[PAGE] == (newsroom_path / "public" / PAGE).read_bytes()
    assert snapshot(site) == {
        rel: (newsroom_path / "public" / rel).read_bytes() for rel in snapshot(site)
    }


def test_a_deleted_story_leaves_no_page_and_no_empty_folder(
    invoke: Invoke, site: Path, newsroom_path: Path
) -> None:
    invoke("deploy")
    (newsroom_path / STORY_PATH).unlink()
    invoke("export", "html")
    result = invoke("deploy")
    assert result.exit_code == 0, result.stderr
    assert not (site / PAGE).parent.exists()
    assert snapshot(site) == {
        rel: (newsroom_path / "public" / rel).read_bytes() for rel in snapshot(site)
    }


def test_a_deploy_killed_half_way_is_finished_by_running_it_again(
    invoke: Invoke, site: Path, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    real = deploying.Engine.send

    def dies_after_files(self: deploying.Engine, output: Path, rels: list[str]) -> None:
        if sent:
            raise KeyboardInterrupt
        sent.extend(rels)
        real(self, output, rels)

    monkeypatch.setattr(deploying.Engine, "send", dies_after_files)
    with pytest.raises(KeyboardInterrupt):
        deploying.deploy(
            newsroom_path, newsroom_path / "public", str(site), now=dt.datetime.now(dt.UTC)
        )
    assert sent and PAGE not in snapshot(site) and MANIFEST not in snapshot(site)
    monkeypatch.setattr(deploying.Engine, "send", real)
    result = invoke("deploy")
    assert result.exit_code == 0, result.stderr
    assert PAGE in snapshot(site) and MANIFEST in snapshot(site)
    assert not set(sent) & set(
        deploying.plan(newsroom_path, newsroom_path / "public", str(site))[0].sent
    )


def test_dry_run_lists_and_writes_nothing(invoke: Invoke, site: Path, newsroom_path: Path) -> None:
    result = invoke("deploy", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert f"send {PAGE}" in result.stdout.splitlines()
    assert not site.exists()
    assert not (newsroom_path / ".newscli" / "deploys.jsonl").exists()


def test_refuses_a_preview_a_target_in_the_newsroom_and_a_foreign_folder(
    invoke: Invoke, site: Path, newsroom_path: Path
) -> None:
    site.mkdir()
    (site / "hand-made.html").write_text("x", encoding="utf-8")
    refused = invoke("deploy")
    assert refused.exit_code == 1 and "did not write" in refused.stderr
    assert invoke("deploy", "--force").exit_code == 0
    assert (site / "hand-made.html").is_file()  # never removed: newscli did not send it
    invoke("export", "html", "--drafts")
    preview = invoke("deploy")
    assert preview.exit_code == 1 and "preview" in preview.stderr
    invoke("export", "html")
    set_target(newsroom_path, "public-copy")
    inside = invoke("deploy")
    assert inside.exit_code == 1 and "inside the newsroom" in inside.stderr


def test_build_deploy_builds_then_deploys(invoke: Invoke, site: Path) -> None:
    result = invoke("build", "--deploy")
    assert result.exit_code == 0, result.stderr
    assert PAGE in snapshot(site)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def sftp(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """rclone serve sftp on 127.0.0.1 with user 'redaktion' / 'hemligt', serving a folder."""
    folder = tmp_path / "server"
    folder.mkdir()
    port = free_port()
    server = subprocess.Popen(
        [
            "rclone",
            "serve",
            "sftp",
            str(folder),
            "--addr",
            f"127.0.0.1:{port}",
            "--user",
            "redaktion",
            "--pass",
            "hemligt",
            "--config",
            str(tmp_path / "rclone.conf"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield port, folder
    finally:
        server.terminate()
        server.wait(timeout=10)


def sftp_target(port: int) -> str:
    return f":sftp,host=127.0.0.1,port={port},user=redaktion:site"


def obscured(password: str) -> str:
    return subprocess.run(
        ["rclone", "obscure", password], capture_output=True, text=True, check=True
    ).stdout.strip()


def sftp_deploy(
    invoke: Invoke, root: Path, port: int, password: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[Result, Result]:
    """Export, then deploy twice to the SFTP server at port with password (rclone's own
    environment variables, nothing in newscli.toml)."""
    invoke("export", "html")
    set_target(root, sftp_target(port))
    monkeypatch.setenv("RCLONE_CONFIG", str(root / "no-rclone.conf"))
    monkeypatch.setenv("RCLONE_SFTP_PASS", obscured(password))
    return invoke("deploy"), invoke("deploy")


@needs_rclone
def test_sftp_first_deploy_then_nothing_to_send(
    invoke: Invoke, newsroom_path: Path, sftp: tuple[int, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, folder = sftp
    first, again = sftp_deploy(invoke, newsroom_path, port, "hemligt", monkeypatch)
    assert first.exit_code == 0, first.stderr
    assert (folder / "site" / PAGE).read_bytes() == (newsroom_path / "public" / PAGE).read_bytes()
    assert again.stderr.splitlines()[-1].startswith("0 files sent, 0 removed,"), again.stderr


@needs_rclone
def test_sftp_wrong_password_is_a_clear_error(
    invoke: Invoke, newsroom_path: Path, sftp: tuple[int, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, folder = sftp
    result, _again = sftp_deploy(invoke, newsroom_path, port, "fel", monkeypatch)
    assert result.exit_code == 1
    assert "cannot deploy to" in result.stderr and "Traceback" not in result.stderr
    assert not (folder / "site").exists()


@needs_rclone
def test_unreachable_target_is_a_clear_error(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, _again = sftp_deploy(invoke, newsroom_path, free_port(), "hemligt", monkeypatch)
    assert result.exit_code == 1
    assert "cannot deploy to" in result.stderr and "connect" in result.stderr.lower()


def test_refuses_an_export_that_met_a_broken_story_unless_forced(
    invoke: Invoke, site: Path, newsroom_path: Path
) -> None:
    story = newsroom_path / STORY_PATH
    story.write_text("+++\ntitle = \n+++\nTrasig.\n", encoding="utf-8")
    assert invoke("export", "html").exit_code == 1
    refused = invoke("deploy")
    assert refused.exit_code == 1 and "broken stories" in refused.stderr
    assert not site.exists()
    assert invoke("deploy", "--force").exit_code == 0
