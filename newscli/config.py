"""Site settings from newscli.toml, with the defaults DESIGN.md promises."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newscli.errors import ConfigError

CONFIG_NAME = "newscli.toml"
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

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def find_root(explicit: Path | None = None, cwd: Path | None = None) -> Path:
    """Find the newsroom like git finds its repo: --root, NEWSCLI_ROOT, nearest newscli.toml, cwd."""
    if explicit is not None:
        return explicit
    env = os.environ.get("NEWSCLI_ROOT")
    if env:
        return Path(env)
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return here


def _expect(table: dict[str, Any], key: str, kind: type, path: Path) -> Any:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"{key} must be a {kind.__name__}, not {value!r}", path)
    return value


def load_site(root: Path) -> Site:
    """Read newscli.toml at the newsroom root; a missing file means all defaults."""
    path = root / CONFIG_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Site()
    except UnicodeDecodeError:
        raise ConfigError("not valid UTF-8", path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"broken TOML: {exc}", path) from None
    site = data.get("site", {})
    defaults = data.get("defaults", {})
    if not isinstance(site, dict) or not isinstance(defaults, dict):
        raise ConfigError("[site] and [defaults] must be tables", path)
    values: dict[str, Any] = {}
    for key in ("title", "base_url", "language", "timezone", "description"):
        value = _expect(site, key, str, path)
        if value is not None:
            values[key] = value
    per_page = _expect(site, "per_page", int, path)
    if per_page is not None:
        if per_page < 1:
            raise ConfigError("per_page must be at least 1", path)
        values["per_page"] = per_page
    allow_html = _expect(site, "allow_html", bool, path)
    if allow_html is not None:
        values["allow_html"] = allow_html
    author = _expect(defaults, "author", str, path)
    if author is not None:
        values["default_author"] = author
    result = Site(**values)
    if result.language not in LANGUAGES:
        raise ConfigError(
            f"language must be one of {', '.join(LANGUAGES)}, not {result.language!r}", path
        )
    try:
        result.tz  # noqa: B018 - validates the name now rather than at first use
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown timezone {result.timezone!r}", path) from None
    if result.base_url and not result.base_url.startswith(("https://", "http://")):
        raise ConfigError(
            f"base_url must start with https:// or http://, not {result.base_url!r}", path
        )
    return result
