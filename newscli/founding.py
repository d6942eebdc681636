"""A new newsroom: its settings checked, then newscli.toml, articles/ and a .gitignore written,
and a git repository started if asked. `newscli init` is the command over it."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli_w

from newscli.config import CONFIG_NAME, LANGUAGES, is_site_url, site_from
from newscli.errors import ConfigError, NewsError, UsageError, WriteError
from newscli.files import write_atomic
from newscli.i18n import _
from newscli.newsroom import ARTICLES, PUBLIC, STATE, one_line

# What git should never keep: the export and newscli's caches (see DESIGN.md).
IGNORED = (f"/{PUBLIC}/", f"/{STATE}/")
DEFAULT_TITLE = {"sv": "Nyheter", "en": "News"}
DEFAULT_TIMEZONE = "Europe/Stockholm"


@dataclass(frozen=True)
class Founding:
    """What a new newsroom's newscli.toml says; base_url and author may be left empty."""

    title: str
    base_url: str = ""
    language: str = "sv"
    timezone: str = DEFAULT_TIMEZONE
    author: str = ""


@dataclass(frozen=True)
class Founded:
    """The newsroom made: its folder and what was created in it, in order."""

    root: Path
    created: tuple[str, ...]


def checked_title(text: str) -> str:
    """The site title as one line; an empty one is a UsageError."""
    title = one_line(text)
    if not title:
        raise UsageError(_("the site title cannot be empty"))
    return title


def checked_base_url(text: str) -> str:
    """The site's address (http or https, with a host), or '' for none yet."""
    url = text.strip()
    if url and not is_site_url(url):
        raise UsageError(
            _(
                "the base URL must be an http(s) address with a host, like "
                "https://www.example.se/aktuellt/, not {url}"
            ).format(url=repr(url))
        )
    if url and not url.endswith("/"):
        url += "/"  # the site is a folder: links are made relative to it
    return url


def checked_language(text: str) -> str:
    """sv or en, the languages exported pages are labelled in."""
    language = text.strip().lower()
    if language not in LANGUAGES:
        raise UsageError(
            _("the language must be one of {languages}, not {language}").format(
                languages=", ".join(LANGUAGES), language=repr(text)
            )
        )
    return language


def checked_timezone(text: str) -> str:
    """An IANA timezone name that zoneinfo knows (Europe/Stockholm)."""
    name = text.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            _("unknown timezone {name}; use a name like Europe/Stockholm").format(name=repr(name))
        ) from None
    return name


def refuse_existing(folder: Path, *, force: bool = False) -> None:
    """A UsageError when folder cannot become a new newsroom: it is a file, or it already
    has a newscli.toml (never overwritten); unless force, also when it holds anything but
    hidden files and an articles/ folder (a newsroom from before init), or is inside
    another newsroom (as `hugo new site` refuses without --force)."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(_("{folder} is not a folder").format(folder=folder))
    if (folder / CONFIG_NAME).exists():
        raise NewsError(
            _("a newsroom is already here: {config} exists; nothing was changed").format(
                config=CONFIG_NAME
            ),
            folder / CONFIG_NAME,
        )
    if force:
        return
    outer = next((f for f in folder.absolute().parents if (f / CONFIG_NAME).is_file()), None)
    if outer is not None:
        raise UsageError(
            _(
                "{folder} is inside the newsroom {newsroom}; a newsroom in a newsroom is "
                "a mistake its commands cannot tell apart: choose a folder outside it, or "
                "give --force to make it there anyway"
            ).format(folder=folder, newsroom=outer)
        )
    try:
        names = sorted(entry.name for entry in folder.iterdir())
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(_("cannot read: {reason}").format(reason=exc.strerror or exc)) from None
    other = [name for name in names if not name.startswith(".") and name != ARTICLES]
    if other:
        shown = ", ".join(other[:5]) + (", …" if len(other) > 5 else "")
        raise UsageError(
            _(
                "{folder} is not empty (it holds {names}); a new newsroom goes in an empty "
                "or new folder: name one (newscli init nyheter), or give --force to make it "
                "here anyway"
            ).format(folder=folder, names=shown)
        )


def _toml(value: str) -> str:
    """A TOML string literal for value."""
    return tomli_w.dumps({"v": value}).split(" = ", 1)[1].strip()


def config_text(founding: Founding) -> str:
    """newscli.toml for a new newsroom: the answers, and a commented line for each left out."""
    url = founding.base_url
    author = founding.author
    lines = [
        "# The newsroom's settings, written by newscli init: newscli help settings says more.",
        "[site]",
        f"title = {_toml(founding.title)}",
        "# The site's address: absolute links in feeds and the sitemap.",
        f"base_url = {_toml(url)}" if url else '# base_url = "https://www.example.se/aktuellt/"',
        "# Labels and dates in exported pages: sv or en.",
        f"language = {_toml(founding.language)}",
        "# Dates typed without an offset are read in this timezone.",
        f"timezone = {_toml(founding.timezone)}",
        "",
        "[defaults]",
        f"author = {_toml(author)}" if author else '# author = "Piteå kommun"',
        "",
        STATEMENT_TEMPLATE[founding.language if founding.language in STATEMENT_TEMPLATE else "sv"],
    ]
    return "\n".join(lines)


# The accessibility statement's section, commented out, in the newsroom's language: a
# Swedish public body's site must have one (newscli help accessibility); staff fill it in and remove the
# '# ' of its lines.
STATEMENT_TEMPLATE = {
    "sv": """\
# Tillgänglighetsredogörelsen (lag (2018:1937) om tillgänglighet till digital offentlig
# service). Fyll i och ta bort '# ' framför raderna; mer i newscli help accessibility.
# [accessibility]
# organisation = "Piteå kommun"
# compliance = "partial"            # full (inga kända brister) | partial | none
# # Vart man vänder sig: e-post, telefon och webbformulär blir länkar.
# contact = ["kommun@example.se", "0911-69 60 00", "https://www.example.se/kontakt"]
# response_time = "inom fem arbetsdagar"   # svar på en anmälan om brister
# request_time = "inom fem arbetsdagar"    # svar på en begäran om tillgängligt format (15 §)
# assessed = 2026-01-15             # när webbplatsen granskades senast
# updated = 2026-01-15              # när redogörelsen uppdaterades senast (minst en gång om året)
# method = "Egen granskning med automatiska verktyg, skärmläsare och tangentbord."
#
# # Varje känd brist, varför (reason) och det tillgängliga alternativet, om det finns:
# # not-compliant (inte förenligt med kraven), disproportionate-burden (oskäligt
# # betungande, 12 §) eller outside-law (omfattas inte av lagen, 9 §).
# [[accessibility.known_issues]]
# what = "Äldre pdf-filer är inte tillgängliga."
# reason = "disproportionate-burden"
# alternative = "Kontakta oss så får du innehållet i ett annat format."
""",
    "en": """\
# The accessibility statement (the Swedish law (2018:1937) on accessibility of digital
# public services). Fill it in and remove the '# ' before its lines; more in
# newscli help accessibility.
# [accessibility]
# organisation = "Piteå kommun"
# compliance = "partial"            # full (no known issues) | partial | none
# # Where to turn: e-mail, phone and web form become links.
# contact = ["kommun@example.se", "0911-69 60 00", "https://www.example.se/contact"]
# response_time = "within five working days"   # the answer to a report of a problem
# request_time = "within five working days"    # the answer to a request for an accessible form (15 §)
# assessed = 2026-01-15             # when the site was last assessed
# updated = 2026-01-15              # when this statement was last updated (at least yearly)
# method = "Our own review with automated tools, a screen reader and the keyboard."
#
# # Each known issue, why (reason) and its accessible alternative, if there is one:
# # not-compliant, disproportionate-burden (12 §) or outside-law (9 §).
# [[accessibility.known_issues]]
# what = "Older PDF files are not accessible."
# reason = "disproportionate-burden"
# alternative = "Contact us and we will send the content in another format."
""",
}


def _gitignore(folder: Path) -> bytes | None:
    """The .gitignore with the newsroom's lines added; None when it has them all already."""
    path = folder / ".gitignore"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise WriteError(_("cannot read: {reason}").format(reason=exc), path) from None
    have = {line.strip() for line in text.splitlines()}
    missing = [line for line in IGNORED if line not in have and line.lstrip("/") not in have]
    if not missing:
        return None
    if text and not text.endswith("\n"):
        text += "\n"
    return (text + "\n".join(missing) + "\n").encode("utf-8")


def found_newsroom(folder: Path, founding: Founding, *, force: bool = False) -> Founded:
    """Make folder a newsroom: articles/, .gitignore, then newscli.toml, written last and
    never over another one, so that a newsroom interrupted half-made can be made again
    (force: also in a folder refuse_existing would refuse otherwise)."""
    refuse_existing(folder, force=force)
    text = config_text(founding)
    try:  # never write settings newscli would then refuse to read
        site_from(tomllib.loads(text), folder / CONFIG_NAME)
    except (ConfigError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(
            _("the settings would not be valid: {reason}").format(reason=exc)
        ) from None
    created = []
    for place in (folder, folder / ARTICLES):
        if place.is_dir():
            continue
        try:
            place.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(
                _("cannot create the folder: {reason}").format(reason=exc.strerror or exc), place
            ) from None
        if place != folder:
            created.append(f"{ARTICLES}/")
    ignore = _gitignore(folder)
    if ignore is not None:
        write_atomic(folder / ".gitignore", ignore)
        created.append(".gitignore")
    try:
        write_atomic(folder / CONFIG_NAME, text.encode("utf-8"), exclusive=True)
    except FileExistsError:  # made meanwhile by someone else
        refuse_existing(folder, force=True)
        raise
    created.append(CONFIG_NAME)
    return Founded(folder, tuple(created))


def git_available() -> bool:
    return shutil.which("git") is not None


def in_repository(folder: Path) -> bool:
    """True when folder is already inside a git work tree (git init is then not offered)."""
    if not git_available():
        return False
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--is-inside-work-tree"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return False
    return done.returncode == 0 and done.stdout.strip() == "true"


def start_repository(folder: Path) -> None:
    """git init in folder; NewsError when git is missing or fails."""
    if not git_available():
        raise NewsError(_("git is not installed; the newsroom was made without a repository"))
    try:
        done = subprocess.run(
            ["git", "init", "--quiet", str(folder)], capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise NewsError(_("cannot run git: {reason}").format(reason=exc.strerror or exc)) from None
    if done.returncode != 0:
        raise NewsError(
            _("git init failed: {reason}").format(reason=done.stderr.strip() or done.returncode)
        )
