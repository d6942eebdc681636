"""What every page of the site is rendered with: the templates (the newsroom's own first),
their helpers (url, words in the site language), and the keys that say when a page must be
rendered again."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from types import CodeType

import jinja2
from markupsafe import Markup

from newscli import __version__, labels, markdown, parallel
from newscli.errors import NewsError
from newscli.export import urls
from newscli.export.pages import link
from newscli.labels import label, long_date, moment, month_name
from newscli.markdown import is_safe_url
from newscli.newsroom import TEMPLATES, Newsroom, state_folder

PACKAGE = Path(__file__).resolve().parent
# What a card is rendered with for the way to the site root: markup no text can come out
# as (every value is escaped, and this holds a '<'), put in as markup by url() alone.
ROOT_STAND_IN = "<newscli-root>"


def build_key(newsroom: Newsroom) -> str:
    """Everything every page depends on besides its stories: settings, templates, newscli itself.

    A change here renders every page again; the pages' own keys cover the rest.
    """
    digest = hashlib.sha256(f"{__version__}\n{newsroom.site!r}\n".encode())
    code = [Path(m.__file__ or "") for m in (labels, markdown, parallel)]
    code += sorted(PACKAGE.glob("*.py"))  # the site's own modules (pages, urls, the builder…)
    folders = [newsroom.root / TEMPLATES, PACKAGE / TEMPLATES]
    files = code + [f for d in folders if d.is_dir() for f in sorted(d.rglob("*")) if f.is_file()]
    for file in files:
        digest.update(f"{file}\n".encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def digest(*parts: object) -> str:
    """A short stable key of the reprs of parts (frozen dataclasses of plain values)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


# -- templates ----------------------------------------------------------------------------


def template_environment(newsroom_root: Path) -> jinja2.Environment:
    """Templates from the newsroom's templates/ folder first, then newscli's own."""
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(newsroom_root / TEMPLATES),
            jinja2.FileSystemLoader(PACKAGE / TEMPLATES),
        ]
    )
    environment = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one export never sees a template change: no stat per render
        bytecode_cache=_compiled_templates(newsroom_root),
    )
    environment.globals["url"] = _url
    environment.globals["file_url"] = _file_url
    environment.globals["valid_url"] = urls.valid_url
    environment.globals["safe_url"] = is_safe_url
    return environment


def _compiled_templates(newsroom_root: Path) -> jinja2.BytecodeCache:
    """Templates compiled once: kept in .newscli/ between runs, and in this process between
    exports (serve, watch, a script's loop: newscli's own templates compile once whatever
    the newsroom). Jinja2 checks each against its source: compiling them is most of a small
    re-publish otherwise."""
    try:
        folder = state_folder(newsroom_root) / "templates"
        folder.mkdir(exist_ok=True)
    except (NewsError, OSError):
        return _CompiledHere(None)
    return _CompiledHere(jinja2.FileSystemBytecodeCache(str(folder)))


# The code of every template compiled in this process: its key (name and file) → (checksum
# of its source, code).
_compiled: dict[str, tuple[str, CodeType | None]] = {}


class _CompiledHere(jinja2.BytecodeCache):
    """The process's compiled templates first, then the folder's (if any)."""

    def __init__(self, kept: jinja2.BytecodeCache | None) -> None:
        self.kept = kept

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        checksum, code = _compiled.get(bucket.key, (None, None))
        if checksum == bucket.checksum:
            bucket.code = code
            return
        if self.kept is not None:
            self.kept.load_bytecode(bucket)
            if bucket.code is not None:
                _compiled[bucket.key] = (bucket.checksum, bucket.code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        _compiled[bucket.key] = (bucket.checksum, bucket.code)
        if self.kept is not None:
            self.kept.dump_bytecode(bucket)


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str | Markup:
    """A site-relative path as a link from the page being rendered."""
    linked = link(target, context["root"])
    if linked.startswith(ROOT_STAND_IN):  # a card rendered once for every page (story_card)
        return Markup(ROOT_STAND_IN) + linked[len(ROOT_STAND_IN) :]
    return linked


@jinja2.pass_context
def _file_url(context: jinja2.runtime.Context, target: str) -> str | Markup:
    """A file of the site (a photo: '#', '?' and spaces are part of its name) as a link from
    the page being rendered; an address of its own as it is."""
    return _url(context, urls.path_url(target) if markdown.is_relative_url(target) else target)


@dataclass(frozen=True)
class Words:
    """Labels in the site language, and dates in it and in the newsroom's timezone, for
    templates."""

    language: str
    tz: dt.tzinfo = dt.UTC

    def __call__(self, key: str, **values: object) -> str:
        text = label(self.language, key)
        return text.format(**values) if values else text

    def date(self, value: dt.datetime) -> str:
        """'11 juli 2022': the day it is in the newsroom, whatever offset it was stored with."""
        return long_date(moment(value, self.tz), self.language)

    def day(self, value: dt.date) -> str:
        """A calendar day ('14 maj 2024'), as written: no timezone to move it."""
        return long_date(value, self.language)

    def iso(self, value: dt.datetime) -> str:
        """The moment for a datetime attribute, with the newsroom's offset then."""
        return moment(value, self.tz).isoformat()

    def month(self, year: int, month: int) -> str:
        return f"{month_name(self.language, month)} {year}"

    def stories(self, count: int) -> str:
        return f"{count} {label(self.language, 'story_one' if count == 1 else 'story_many')}"
