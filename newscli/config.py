"""Site settings from newscli.toml, with the defaults DESIGN.md promises."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newscli.errors import ConfigError, UsageError
from newscli.i18n import _

# What makes a folder a newsroom, and its own folders: the stories, the site's template
# overrides, newscli's state, and where exports go unless told otherwise.
CONFIG_NAME = "newscli.toml"
ARTICLES = "articles"
TEMPLATES = "templates"
STATE = ".newscli"
PUBLIC = "public"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")
LANGUAGES = ("sv", "en")


@dataclass(frozen=True)
class Site:
    title: str = "Nyheter"
    base_url: str = ""
    language: str = "sv"
    timezone: str = "Europe/Stockholm"
    description: str = ""
    per_page: int = 20
    allow_html: bool = False
    default_author: str = ""
    # A withdrawn story's old address shows a short notice (True) or nothing (False).
    withdrawn_notice: bool = True
    # The site's search page and index (Pagefind; docs/site.md#search).
    search: bool = True
    # [accessibility] as written (None: no section); newscli.statement reads it, and the
    # export fails on an incomplete one. In the repr, so that a change renders every page.
    accessibility: dict[str, Any] | None = field(default=None, hash=False)

    def __post_init__(self) -> None:
        # Checked here, not only in load_site: --base-url replaces it on the command line.
        if self.base_url and not is_site_url(self.base_url):
            raise ConfigError(
                _(
                    "base_url must be an http(s) address with a host, like "
                    "https://www.example.se/aktuellt/, not {url!r}"
                ).format(url=self.base_url)
            )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def is_site_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host and nothing a link cannot hold."""
    if _CONTROL_OR_SPACE.search(url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def is_newsroom(folder: Path) -> bool:
    """True for a folder holding newscli.toml, or articles/ (a newsroom from before init)."""
    try:
        return (folder / CONFIG_NAME).is_file() or (folder / ARTICLES).is_dir()
    except (OSError, ValueError):
        return False


def find_root(explicit: Path | None, cwd: Path, variable: str | None = None) -> Path:
    """Find the newsroom like git finds its repo: --root, NEWSCLI_ROOT, nearest newscli.toml.

    cwd is the run's working directory (Environment.cwd); variable is $NEWSCLI_ROOT as the
    run's environment has it (None: read it here). Nothing
    found is a UsageError saying how to make or name one, so that no command ever starts a
    newsroom (articles/, .newscli/) in whatever folder it was run from. A folder given by
    --root or NEWSCLI_ROOT must hold newscli.toml or articles/.
    """
    env = os.environ.get("NEWSCLI_ROOT", "") if variable is None else variable
    given, name = (explicit, "--root") if explicit is not None else (Path(env), "NEWSCLI_ROOT")
    if explicit is not None or env:
        try:
            is_folder = given.is_dir()
        except (OSError, ValueError):  # a name too long for the file system, a NUL byte
            is_folder = False
        shown = repr(str(given)[:200])
        if not is_folder:
            # A typo in --root must not start a new, empty newsroom somewhere.
            raise UsageError(_("{given} {folder} is not a folder").format(given=name, folder=shown))
        if not is_newsroom(given):
            raise UsageError(
                _(
                    "{given} {folder} is not a newsroom: it has no newscli.toml and no "
                    "articles/ folder; create one there with: newscli init {folder}"
                ).format(given=name, folder=shown)
            )
        return given
    here = cwd.resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise UsageError(
        _(
            "not in a newsroom: there is no newscli.toml in {folder} or any folder above it. "
            "Create one with: newscli init; or name one with --root DIR or NEWSCLI_ROOT=DIR"
        ).format(folder=str(here)[:200])
    )


def _expect(table: dict[str, Any], key: str, kind: type, path: Path) -> Any:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(
            # Translators: kind is a TOML type as Python names it: str, int, bool.
            _("{key} must be a {kind}, not {value!r}").format(
                key=key, kind=kind.__name__, value=value
            ),
            path,
        )
    if isinstance(value, str) and _CONTROL.search(value):
        raise ConfigError(
            _("{key} contains control characters: {value!r}").format(key=key, value=value), path
        )
    return value


def read_config(root: Path) -> dict[str, Any] | None:
    """newscli.toml at the newsroom root as TOML (None: there is none), or ConfigError."""
    path = root / CONFIG_NAME
    try:
        # utf-8-sig: Windows editors start the file with a byte order mark.
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise ConfigError(_("not valid UTF-8"), path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_("broken TOML: {problem}").format(problem=exc), path) from None
    except RecursionError:
        raise ConfigError(_("broken TOML: arrays or tables nested too deeply"), path) from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(_("cannot read: {reason}").format(reason=reason), path) from None
    return data


def config_table(root: Path, name: str) -> dict[str, Any] | None:
    """One table of newscli.toml ([checks] …); None when the file or the table is missing."""
    data = read_config(root)
    table = None if data is None else data.get(name)
    if table is not None and not isinstance(table, dict):
        raise ConfigError(
            _("{table} must be a table").format(table=f"[{name}]"), root / CONFIG_NAME
        )
    return table


def load_site(root: Path) -> Site:
    """Read newscli.toml at the newsroom root; a missing file means all defaults."""
    data = read_config(root)
    return Site() if data is None else site_from(data, root / CONFIG_NAME)


def site_from(data: dict[str, Any], path: Path) -> Site:
    """The Site a newscli.toml's TOML describes, checked; errors name path."""
    site = data.get("site", {})
    defaults = data.get("defaults", {})
    if not isinstance(site, dict) or not isinstance(defaults, dict):
        raise ConfigError(_("[site] and [defaults] must be tables"), path)
    values: dict[str, Any] = {}
    for key in ("title", "base_url", "language", "timezone", "description"):
        value = _expect(site, key, str, path)
        if value is not None:
            values[key] = value
    per_page = _expect(site, "per_page", int, path)
    if per_page is not None:
        if per_page < 1:
            raise ConfigError(_("per_page must be at least 1"), path)
        values["per_page"] = per_page
    for key in ("allow_html", "withdrawn_notice", "search"):
        flag = _expect(site, key, bool, path)
        if flag is not None:
            values[key] = flag
    author = _expect(defaults, "author", str, path)
    if author is not None:
        values["default_author"] = author
    statement = data.get("accessibility")
    if statement is not None:
        if not isinstance(statement, dict):
            raise ConfigError(_("{table} must be a table").format(table="[accessibility]"), path)
        values["accessibility"] = statement
    try:
        result = Site(**values)
    except ConfigError as exc:
        raise ConfigError(exc.message, path) from None
    if result.language not in LANGUAGES:
        raise ConfigError(
            _("language must be one of {languages}, not {language!r}").format(
                languages=", ".join(LANGUAGES), language=result.language
            ),
            path,
        )
    try:
        result.tz  # noqa: B018 - validates the name now rather than at first use
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            _("unknown timezone {timezone!r}").format(timezone=result.timezone), path
        ) from None
    return result


FEED_KINDS = ("rss", "atom", "json")


@dataclass(frozen=True)
class FeedJob:
    """A feed `newscli build` writes besides the site's own: [[build.feeds]]."""

    kind: str
    output: str
    topic: str | None = None
    full: bool = False
    limit: int = 50


@dataclass(frozen=True)
class Builds:
    """What `newscli build` runs: [build] in newscli.toml (default: the site into public/)."""

    output: str = "public"
    html: bool = True
    feeds: tuple[FeedJob, ...] = ()


def load_builds(root: Path) -> Builds:
    """[build] of newscli.toml, checked; a missing file or table means the defaults."""
    path = root / CONFIG_NAME
    table = (read_config(path.parent) or {}).get("build", {})
    if not isinstance(table, dict):
        raise ConfigError(_("{table} must be a table").format(table="[build]"), path)
    values: dict[str, Any] = {}
    output = _expect(table, "output", str, path)
    if output is not None:
        if not output.strip():
            raise ConfigError(_("build.output must name a folder"), path)
        values["output"] = output
    html = _expect(table, "html", bool, path)
    if html is not None:
        values["html"] = html
    jobs = table.get("feeds", [])
    if not isinstance(jobs, list) or not all(isinstance(job, dict) for job in jobs):
        raise ConfigError(_("build.feeds must be a list of tables ([[build.feeds]])"), path)
    feeds = []
    for job in jobs:
        kind = _expect(job, "kind", str, path)
        target = _expect(job, "output", str, path)
        if kind not in FEED_KINDS or not target:
            raise ConfigError(
                _("each [[build.feeds]] needs kind ({kinds}) and output").format(
                    kinds=", ".join(FEED_KINDS)
                ),
                path,
            )
        limit = _expect(job, "limit", int, path)
        if limit is not None and limit < 1:
            raise ConfigError(_("build.feeds limit must be at least 1"), path)
        feeds.append(
            FeedJob(
                kind,
                target,
                topic=_expect(job, "topic", str, path),
                full=bool(_expect(job, "full", bool, path)),
                limit=limit or 50,
            )
        )
    return Builds(**values, feeds=tuple(feeds))


def load_deploy_target(root: Path) -> str | None:
    """[deploy] target of newscli.toml (None: none set): where `newscli deploy` sends the site."""
    path = root / CONFIG_NAME
    table = (read_config(path.parent) or {}).get("deploy", {})
    if not isinstance(table, dict):
        raise ConfigError(_("{table} must be a table").format(table="[deploy]"), path)
    target = _expect(table, "target", str, path)
    return target.strip() or None if target is not None else None
