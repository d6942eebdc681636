"""The accessibility statement (tillgänglighetsredogörelse) from [accessibility] in
newscli.toml, with what the EU model statement (Implementing Decision (EU) 2018/1523) and
the supervising authority, DIGG, ask of one under lag (2018:1937) om tillgänglighet till
digital offentlig service: the body's and the site's names; how far the site complies,
consistent with what is not accessible; each such content with its reason (not compliant,
a disproportionate burden under 12 §, or outside the law under 9 §) and its accessible
alternative; how to ask for content in an accessible form (15 §) and how soon the answer
comes; how to report a problem, with contacts as links; DIGG's form; when the site was
assessed and the statement updated (a warning once that is more than a year ago); and how
the site was tested.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from newscli.config import CONFIG_NAME, Site, is_site_url
from newscli.errors import ConfigError
from newscli.i18n import N_, _
from newscli.newsroom import Finding

if TYPE_CHECKING:
    from newscli.newsroom import Newsroom

# Where the statement is on the site (a folder, as every page: tillganglighet/index.html).
STATEMENT_PATH = "tillganglighet/"
# DIGG's form for reporting a public body's inaccessible digital service.
DIGG_FORM = "https://www.digg.se/tdosanmalan"
COMPLIANCE = ("full", "partial", "none")
# Why content is not accessible: it fails the requirements; making it accessible would be
# a disproportionate burden (12 §); the law does not cover it (9 §).
NOT_COMPLIANT = "not-compliant"
BURDEN = "disproportionate-burden"
OUTSIDE = "outside-law"
REASONS = (NOT_COMPLIANT, BURDEN, OUTSIDE)
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
# A statement is to be reviewed at least once a year (Implementing Decision (EU)
# 2018/1523, and DIGG): older than this, check and the export say so.
YEAR = dt.timedelta(days=365)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{4,}[0-9]")


@dataclass(frozen=True)
class KnownIssue:
    """Content that is not accessible: what it is, why (one of REASONS), and the accessible
    alternative, if there is one."""

    what: str
    reason: str = NOT_COMPLIANT
    alternative: str = ""


@dataclass(frozen=True)
class Contact:
    """A way to reach the organisation, as written and as a link (mailto:, tel:, https:)."""

    text: str
    href: str
    kind: str  # email | phone | web


@dataclass(frozen=True)
class Statement:
    """A complete accessibility statement, as the page shows it."""

    organisation: str
    site_name: str
    compliance: str
    known_issues: tuple[KnownIssue, ...]
    contacts: tuple[Contact, ...]
    response_time: str
    request_time: str
    digg_form: str
    assessed: dt.date
    updated: dt.date
    method: str

    def issues(self, reason: str) -> tuple[KnownIssue, ...]:
        """The known issues of one reason, in the order newscli.toml lists them."""
        return tuple(issue for issue in self.known_issues if issue.reason == reason)

    def stale(self, today: dt.date) -> str | None:
        """Why the statement must be reviewed (its assessment or its update is more than a
        year old), or None."""
        oldest = min(self.assessed, self.updated)
        if today - oldest <= YEAR:
            return None
        return _(
            "[accessibility] was assessed on {assessed} and updated on {updated}, more than a "
            "year ago: review the site and the statement, then set assessed and updated"
        ).format(assessed=self.assessed.isoformat(), updated=self.updated.isoformat())


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


def contact_of(text: str) -> Contact | None:
    """A contact as a link: an e-mail address (mailto:), a phone number (tel:, a Swedish
    number's leading 0 as +46) or a web form's http(s) address; None for anything else.
    (The export writes the link as a valid URL.)"""
    if is_site_url(text):
        return Contact(text, text, "web")
    if _EMAIL.fullmatch(text):
        return Contact(text, "mailto:" + text, "email")
    if _PHONE.fullmatch(text):
        digits = re.sub(r"\D", "", text)
        if text.startswith("+"):
            number = "+" + digits
        elif digits.startswith("00"):
            number = "+" + digits[2:]
        else:
            number = "+46" + digits.removeprefix("0")
        return Contact(text, "tel:" + number, "phone")
    return None


def _contacts(table: dict[str, Any], path: Path) -> tuple[Contact, ...]:
    given = table["contact"]
    texts = [given] if isinstance(given, str) else given
    if not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
        raise ConfigError(_("[accessibility] contact must be a text or a list of texts"), path)
    contacts = []
    for text in texts:
        contact = contact_of(" ".join(text.split()))
        if contact is None:
            raise ConfigError(
                _(
                    "[accessibility] contact {value} is no e-mail address, phone number or "
                    "http(s) address of a web form"
                ).format(value=repr(text)),
                path,
            )
        contacts.append(contact)
    return tuple(contacts)


def _issue(item: object, path: Path) -> KnownIssue:
    if isinstance(item, str):
        return KnownIssue(" ".join(item.split()))
    fields = ("what", "reason", "alternative")
    if (
        not isinstance(item, dict)
        or not isinstance(item.get("what"), str)
        or any(not isinstance(value, str) or key not in fields for key, value in item.items())
    ):
        raise ConfigError(
            _(
                "[accessibility] each of known_issues is a text, or a table with what, reason "
                "and alternative (texts), not {value}"
            ).format(value=repr(item)),
            path,
        )
    reason = item.get("reason", NOT_COMPLIANT)
    if reason not in REASONS:
        raise ConfigError(
            _("[accessibility] a known issue's reason must be one of {values}, not {value}").format(
                values=", ".join(REASONS), value=repr(reason)
            ),
            path,
        )
    return KnownIssue(
        " ".join(item["what"].split()), reason, " ".join(item.get("alternative", "").split())
    )


def statement_of(site: Site, root: Path) -> Statement | None:
    """The site's statement; None without an [accessibility] section; ConfigError naming
    every missing key (and any wrong one) when it is there but incomplete, or when its
    compliance contradicts its known issues."""
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
            _("[accessibility] is incomplete: {keys} missing (newscli help accessibility)").format(
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
    if not isinstance(issues, list):
        raise ConfigError(_("[accessibility] known_issues must be a list"), path)
    known = tuple(_issue(item, path) for item in issues)
    if compliance == "full" and known:
        raise ConfigError(
            _(
                '[accessibility] compliance = "full" but known_issues lists content that is '
                'not accessible: a site with known issues is "partial" (or "none")'
            ),
            path,
        )
    response = _text(table, "response_time", path)
    return Statement(
        organisation=_text(table, "organisation", path),
        site_name=_text(table, "site_name", path) if "site_name" in table else site.title,
        compliance=compliance,
        known_issues=known,
        contacts=_contacts(table, path),
        response_time=response,
        request_time=_text(table, "request_time", path) if "request_time" in table else response,
        digg_form=form,
        assessed=_date(table, "assessed", path),
        updated=_date(table, "updated", path),
        method=_text(table, "method", path),
    )


def statement_findings(newsroom: Newsroom, today: dt.date) -> list[Finding]:
    """What `check` says of the statement, at its line in newscli.toml: a missing section
    and one older than a year (warnings), one that is wrong or incomplete (an error)."""
    root = newsroom.root
    try:
        statement = statement_of(newsroom.site, root)
    except ConfigError as exc:
        return [Finding(CONFIG_PATH, _line(root, "compliance"), exc.message)]
    if statement is None:
        return [Finding(CONFIG_PATH, 1, _(MISSING_WARNING), warning=True)]
    stale = statement.stale(today)
    return [] if stale is None else [Finding(CONFIG_PATH, _line(root, "updated"), stale, True)]


def _line(root: Path, key: str) -> int:
    """The line of key in newscli.toml's [accessibility] (of the section without it)."""
    try:
        lines = (root / CONFIG_NAME).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return 1
    section = next((n for n, line in enumerate(lines) if line.strip() == "[accessibility]"), 0)
    for number, line in enumerate(lines[section:], section + 1):
        if re.match(rf"\s*{key}\s*=", line):
            return number
    return section + 1


CONFIG_PATH = PurePosixPath(CONFIG_NAME)

# Translated where it is shown (export.site), as it is made at import time.
MISSING_WARNING = N_(
    "no [accessibility] in newscli.toml: the site has no accessibility statement, which a "
    "Swedish public body's site must link from every page (newscli help accessibility)"
)
