"""The accessibility statement (tillgänglighetsredogörelse) from [accessibility] in
newscli.toml, with what the supervising authority, DIGG, requires of one under lag
(2018:1937) om tillgänglighet till digital offentlig service: the body's and the site's
names, how far the site complies, what is not accessible and why, how to report a problem
and when to expect an answer, the link to DIGG's form, when the site was assessed and the
statement last updated, and how the site was tested.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newscli.config import CONFIG_NAME, Site, is_site_url
from newscli.errors import ConfigError
from newscli.i18n import N_, _

# Where the statement is on the site (a folder, as every page: tillganglighet/index.html).
STATEMENT_PATH = "tillganglighet/"
# DIGG's form for reporting a public body's inaccessible digital service.
DIGG_FORM = "https://www.digg.se/tdosanmalan"
COMPLIANCE = ("full", "partial", "none")
# The keys a statement must have (known_issues too, unless the site complies fully).
REQUIRED = (
    "organisation",
    "compliance",
    "contact",
    "response_time",
    "assessed",
    "updated",
    "method",
)


@dataclass(frozen=True)
class Statement:
    """A complete accessibility statement, as the page shows it."""

    organisation: str
    site_name: str
    compliance: str
    known_issues: tuple[str, ...]
    contact: str
    response_time: str
    digg_form: str
    assessed: dt.date
    updated: dt.date
    method: str

    @property
    def contact_is_email(self) -> bool:
        return "@" in self.contact and "://" not in self.contact


def _text(table: dict[str, Any], key: str, path: Path) -> str:
    value = table[key]
    if not isinstance(value, str):
        raise ConfigError(
            _("[accessibility] {key} must be text, not {value}").format(key=key, value=repr(value)),
            path,
        )
    return " ".join(value.split())


def _date(table: dict[str, Any], key: str, path: Path) -> dt.date:
    value = table[key]
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise ConfigError(
        _("[accessibility] {key} must be a date like 2024-05-14, not {value}").format(
            key=key, value=repr(value)
        ),
        path,
    )


def statement_of(site: Site, root: Path) -> Statement | None:
    """The site's statement; None without an [accessibility] section; ConfigError naming
    every missing key (and any wrong one) when it is there but incomplete."""
    table = site.accessibility
    if table is None:
        return None
    path = root / CONFIG_NAME
    needed = list(REQUIRED)
    if table.get("compliance") != "full":
        needed.append("known_issues")
    missing = [key for key in needed if key not in table or table[key] in ("", [])]
    if missing:
        raise ConfigError(
            _("[accessibility] is incomplete: {keys} missing (see docs/checks.md)").format(
                keys=", ".join(missing)
            ),
            path,
        )
    compliance = _text(table, "compliance", path)
    if compliance not in COMPLIANCE:
        raise ConfigError(
            _("[accessibility] compliance must be one of {values}, not {value}").format(
                values=", ".join(COMPLIANCE), value=repr(compliance)
            ),
            path,
        )
    form = _text(table, "digg_form", path) if "digg_form" in table else DIGG_FORM
    if not is_site_url(form):
        raise ConfigError(
            _("[accessibility] digg_form must be an http(s) address, not {value}").format(
                value=repr(form)
            ),
            path,
        )
    issues = table.get("known_issues", [])
    if not isinstance(issues, list) or not all(isinstance(i, str) for i in issues):
        raise ConfigError(_("[accessibility] known_issues must be a list of texts"), path)
    return Statement(
        organisation=_text(table, "organisation", path),
        site_name=_text(table, "site_name", path) if "site_name" in table else site.title,
        compliance=compliance,
        known_issues=tuple(" ".join(issue.split()) for issue in issues),
        contact=_text(table, "contact", path),
        response_time=_text(table, "response_time", path),
        digg_form=form,
        assessed=_date(table, "assessed", path),
        updated=_date(table, "updated", path),
        method=_text(table, "method", path),
    )


# Translated where it is shown (export.site), as it is made at import time.
MISSING_WARNING = N_(
    "no [accessibility] in newscli.toml: the site has no accessibility statement, which a "
    "Swedish public body's site must link from every page (see docs/checks.md)"
)
