"""The import writer: stories read from any source (Incoming) become article files, the same
way for every source, and a second run finds each of them again.

A run plans first (what to create, update or skip, and what to refuse), then writes, under
the newsroom lock, one story at a time: a story that cannot be written is refused with its
reason and the others go on; every file is written atomically (Newsroom.create, Newsroom.rewrite).

What each imported article remembers, in its `[source]` table (docs/import.md):
- the source's key (feed + guid for a feed), by which a second run finds the article;
- `content_hash`: a hash of the story as the source gave it. The same hash again: the story
  is unchanged at the source, and is skipped;
- `article_hash`: a hash of what the import wrote (title, dates, author, topics, teaser, body,
  photo). When the file no longer gives that hash, staff edited it since the import, and
  `--update` leaves it alone: a newsroom's own edit is never overwritten by its old source;
- `photo_url`: the address of the story's photo (kept also when it could not be downloaded).

A story the newsroom already imported from another feed of the same site (its RSS and its
Atom, say) is known by its address (`[source] url`) and not created twice. Photos a body shows
from another site are downloaded like the story's photo, or kept as addresses with a warning.
Every download goes through the import's one fetcher (newscli.importing.fetch).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from newscli import personal
from newscli.article import Article, Image, Source, Summary, lead_of, to_meta
from newscli.catalog import Catalog
from newscli.errors import ArticleError, NewsError, UsageError
from newscli.frontmatter import dump
from newscli.i18n import _
from newscli.importing.body_photos import bring_in_body_photos
from newscli.importing.fetch import fetch_photo
from newscli.importing.incoming import Incoming, IncomingPhoto, Read, Unreadable
from newscli.newsroom import Newsroom, new_draft, parse_article
from newscli.slugs import make_slug, unique_slug
from newscli.topics import Topics, clean_topic, topic_key

# The [source] keys the writer keeps for itself besides the source's own key.
CONTENT_HASH = "content_hash"
ARTICLE_HASH = "article_hash"
PHOTO_URL = "photo_url"
NOTE = "note"
# The years a story may be dated in: the calendar's ends are placeholders (0001-01-01 is an
# empty date in .NET, 9999-12-31 "never"), not when a story was published.
EARLIEST_YEAR, LATEST_YEAR = 1000, 8999

Download = Callable[[str], bytes]


class Action(enum.StrEnum):
    """What the run did (or, in a dry run, would do) with one entry."""

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"  # imported before, the same at the source: skipped
    CHANGED = "changed"  # changed at the source, and no --update: skipped
    EDITED = "edited"  # edited by staff since the import: skipped, even with --update
    NO_DATE = "no-date"  # the source gives no date, and --date-missing skip: skipped
    DUPLICATE = "duplicate"  # the same key twice in one source: the second skipped
    ELSEWHERE = "elsewhere"  # imported through another feed of the site (the same address)
    PRIVATE = "private"  # not public at the source (private, trashed): left out on purpose
    REFUSED = "refused"  # could not be made an article or written; the reason says why


SKIPPED = frozenset(
    {
        Action.UNCHANGED,
        Action.CHANGED,
        Action.EDITED,
        Action.NO_DATE,
        Action.DUPLICATE,
        Action.ELSEWHERE,
        Action.PRIVATE,
    }
)


@dataclass(frozen=True)
class ImportOptions:
    """The run's choices: status of new stories, whether to rewrite changed ones, what to do
    with a story without a date (skip | now | draft: a draft dated now, to be dated by
    hand), and whether to write at all."""

    status: str = "published"
    update: bool = False
    date_missing: str = "skip"
    dry_run: bool = False


@dataclass(frozen=True)
class Outcome:
    """One entry's fate: what was done, the article file (newsroom-relative; for a create in
    a dry run, the path it would most likely get), why when skipped or refused, and
    warnings (a photo that could not be downloaded, say)."""

    where: str
    action: Action
    title: str = ""
    path: PurePosixPath | None = None
    reason: str = ""
    warnings: tuple[str, ...] = ()


@dataclass
class ImportReport:
    """What a run did, entry by entry, and the broken article files it met."""

    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    broken: list[ArticleError] = field(default_factory=list)

    def count(self, *actions: Action) -> int:
        return sum(outcome.action in actions for outcome in self.outcomes)

    @property
    def refused(self) -> int:
        return self.count(Action.REFUSED)


@dataclass
class _Step:
    """A planned entry: the outcome so far, and what applying it needs."""

    outcome: Outcome
    incoming: Incoming | None = None
    draft: Article | None = None
    existing: Article | None = None


# -- hashes ------------------------------------------------------------------------------------


def _hash(parts: Iterable[str]) -> str:
    """sha256 of the parts, each ended by a NUL (so that ('ab', 'c') is not ('a', 'bc'))."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return f"sha256:{digest.hexdigest()[:32]}"


def _moment(value: dt.datetime | None) -> str:
    return "" if value is None else value.isoformat()


def content_hash(incoming: Incoming) -> str:
    """What the source gave for a story (never where from, and the date as given: a story
    without one dated now is the same story tomorrow)."""
    photo = incoming.photo or IncomingPhoto()
    return _hash(
        [
            incoming.title,
            _moment(incoming.date),
            _moment(incoming.updated),
            incoming.author,
            *incoming.topics,
            "\x01",
            incoming.lead,
            incoming.body,
            incoming.status,
            photo.url,
            photo.alt,
            photo.caption,
            photo.credit,
            incoming.source_name,
            incoming.source_url,
            incoming.source_note,
        ]
    )


def article_hash(article: Summary, body: str) -> str:
    """What an import writes and --update would rewrite: the story's words, dates, author,
    topics and photo; not its status (staff publish imported drafts), not [source]."""
    image = article.image or Image(src="")
    return _hash(
        [
            article.title,
            _moment(article.date),
            _moment(article.updated),
            article.author,
            *article.topics,
            "\x01",
            article.teaser if article.teaser is not None else "\x02",
            body,
            image.src,
            image.alt,
            image.caption,
            image.credit,
        ]
    )


# -- finding what was imported before ------------------------------------------------------------


def _identity(key: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(key.items()))


def _source_values(source: Source | None) -> dict[str, str]:
    if source is None:
        return {}
    values = {k: str(v) for k, v in source.extra.items() if isinstance(v, str | int)}
    if source.name:
        values["name"] = source.name
    if source.url:
        values["url"] = source.url
    return values


def address(url: str) -> str:
    """A story's address as a key: scheme, host and a trailing slash or fragment do not make
    another story (a site's RSS may say http:// where its Atom says https://)."""
    bare = url.strip().split("#", 1)[0]
    scheme, colon, rest = bare.partition("://")
    if not colon or scheme.lower() not in ("http", "https"):
        return ""
    host, slash, path = rest.partition("/")
    host = host.lower().removesuffix(":80").removesuffix(":443")
    return f"{host}{slash}{path}".rstrip("/")


class _Imported:
    """The newsroom's imported articles, found by the keys of the sources being read, and
    by their address (`[source] url`)."""

    def __init__(self, summaries: Iterable[Summary], key_names: set[tuple[str, ...]]):
        self._found: dict[tuple[tuple[str, str], ...], Summary] = {}
        self._at: dict[str, Summary] = {}
        for summary in summaries:
            values = _source_values(summary.source)
            if CONTENT_HASH not in values:
                continue  # not imported: staff wrote a [source] by hand
            for names in key_names:
                if all(name in values for name in names):
                    identity = _identity({name: values[name] for name in names})
                    self._found.setdefault(identity, summary)
            where = address(values.get("url", ""))
            if where:
                self._at.setdefault(where, summary)

    def get(self, key: dict[str, str]) -> Summary | None:
        return self._found.get(_identity(key))

    def claim(self, key: dict[str, str]) -> Summary | None:
        """The article imported under a key an older newscli gave (Incoming.former_key),
        given to one story only."""
        return self._found.pop(_identity(key), None) if key else None

    def at(self, url: str) -> Summary | None:
        """The story imported from url, through whichever source."""
        where = address(url)
        return self._at.get(where) if where else None


# -- planning ----------------------------------------------------------------------------------


class _Namer:
    """Topics as the newsroom spells them (topics.Topics); a topic new to the newsroom
    keeps the first spelling this run met."""

    def __init__(self, topics: Topics):
        self.topics = topics
        self.new: dict[str, str] = {}

    def names(self, given: Iterable[str]) -> list[str]:
        result = []
        for name in given:
            cleaned = clean_topic(name)
            if not cleaned:
                continue
            known = self.topics.get(cleaned)
            if known is not None:
                result.append(known.name)
            else:
                result.append(self.new.setdefault(topic_key(cleaned), cleaned))
        return result


def _status(incoming: Incoming, options: ImportOptions) -> str:
    """--status draft makes every story a draft; otherwise the source's status, else the
    run's (a source's draft stays a draft whatever the run says)."""
    if options.status == "draft" or incoming.status == "draft":
        return "draft"
    return incoming.status or options.status


def _draft(
    newsroom: Newsroom,
    incoming: Incoming,
    date: dt.datetime,
    options: ImportOptions,
    namer: _Namer,
    now: dt.datetime,
) -> Article:
    """The article an incoming story becomes (without its photo, which apply downloads)."""
    body = incoming.body.strip("\n")
    lead = " ".join(incoming.lead.split())
    # A lead that is the body's first paragraph is not written twice: newscli shows the
    # first paragraph as the lead when there is no teaser.
    teaser = lead if lead and lead != lead_of(None, body) else None
    draft = new_draft(
        newsroom.site,
        incoming.title,
        now=now,
        teaser=teaser,
        topics=namer.names(incoming.topics),
        author=incoming.author or None,
        date=date,
        status=_status(incoming, options),
        body=body,
    )
    updated = incoming.updated if incoming.updated and incoming.updated != date else None
    return dataclasses.replace(draft, updated=updated, source=_source(incoming))


def _source(incoming: Incoming, photo_url: str | None = None) -> Source:
    """[source]: name and url, the key, the note, the photo's address, the content hash
    (the article hash is added once the article is complete)."""
    extra: dict[str, Any] = {}
    url = incoming.source_url
    name = incoming.source_name
    for key, value in incoming.key.items():
        if key == "url":
            url = value
        elif key == "name":
            name = value
        else:
            extra[key] = value
    if incoming.source_note:
        extra[NOTE] = incoming.source_note
    photo = incoming.photo
    if photo_url or (photo is not None and photo.url):
        extra[PHOTO_URL] = photo_url or (photo.url if photo else "")
    extra[CONTENT_HASH] = content_hash(incoming)
    return Source(name=name, url=url, extra=extra)


def _sealed(article: Article) -> Article:
    """The article with its article hash in [source]."""
    assert article.source is not None
    extra = {**article.source.extra, ARTICLE_HASH: article_hash(article, article.body)}
    return dataclasses.replace(article, source=dataclasses.replace(article.source, extra=extra))


def _plan(
    catalog: Catalog, read: Read, options: ImportOptions, now: dt.datetime
) -> tuple[list[_Step], list[ArticleError], set[str]]:
    newsroom = catalog.newsroom
    public = catalog.public(now)
    # A broken file's story is still the one its source key names: it is never made twice.
    summaries = [*public.current, *public.last_good]
    key_names = {
        tuple(sorted(key))
        for i in read
        if isinstance(i, Incoming)
        for key in (i.key, i.former_key)
        if key
    }
    imported = _Imported(summaries, key_names)
    namer = _Namer(public.topics)
    tree = newsroom.tree(ordered=False)
    taken = {s.slug for s in summaries} | {
        rel.rsplit("/", 1)[-1].removesuffix(".md") for rel, _ in tree.files
    }
    seen: set[tuple[tuple[str, str], ...]] = set()
    # An address several entries of this source share (a feed linking every entry to its
    # front page) names no one story: not used to find stories imported through other feeds.
    counted: dict[str, int] = {}
    for item in read:
        if isinstance(item, Incoming) and address(item.source_url):
            counted[address(item.source_url)] = counted.get(address(item.source_url), 0) + 1
    shared = {where for where, n in counted.items() if n > 1}
    steps = []
    for item in read:
        if isinstance(item, Unreadable):
            action = Action.PRIVATE if item.private else Action.REFUSED
            steps.append(_Step(Outcome(item.where, action, reason=item.problem)))
            continue
        try:
            steps.append(
                _plan_one(newsroom, item, options, now, imported, namer, taken, seen, shared)
            )
        except NewsError as exc:
            steps.append(_Step(Outcome(item.where, Action.REFUSED, item.title, reason=str(exc))))
    return steps, list(public.broken), taken


def _plan_one(
    newsroom: Newsroom,
    incoming: Incoming,
    options: ImportOptions,
    now: dt.datetime,
    imported: _Imported,
    namer: _Namer,
    taken: set[str],
    seen: set[tuple[tuple[str, str], ...]],
    shared: set[str],
) -> _Step:
    where, title = incoming.where, incoming.title
    if not incoming.key:
        reason = _("the source gives no key to find it by again; not imported")
        return _Step(Outcome(where, Action.REFUSED, title, reason=reason))
    identity = _identity(incoming.key)
    if identity in seen:
        reason = _("appears twice in the source; the first one is imported")
        return _Step(Outcome(where, Action.DUPLICATE, title, reason=reason))
    seen.add(identity)
    found = imported.get(incoming.key) or imported.claim(incoming.former_key)
    if found is not None:
        return _plan_existing(newsroom, incoming, found, options, now, namer)
    elsewhere = None if address(incoming.source_url) in shared else imported.at(incoming.source_url)
    if elsewhere is not None:
        reason = _(
            "already imported from another feed of the same site (the same address {url}); "
            "not created twice"
        ).format(url=incoming.source_url)
        return _Step(Outcome(where, Action.ELSEWHERE, elsewhere.title, elsewhere.path, reason))
    date = incoming.date
    warnings: tuple[str, ...] = ()
    if date is None:
        if options.date_missing == "skip":
            reason = _("has no date; skipped (--date-missing now imports it dated now)")
            return _Step(Outcome(where, Action.NO_DATE, title, reason=reason))
        date = now.replace(second=0, microsecond=0)
        if options.date_missing == "draft":
            incoming = dataclasses.replace(incoming, status="draft")
            warnings = (_("no date on the page: set `date` before publishing"),)
    _refuse_placeholder(date)
    draft = _draft(newsroom, incoming, date, options, namer, now)
    slug = unique_slug(draft.slug or make_slug(title), taken)
    taken.add(slug)
    draft = dataclasses.replace(draft, slug=slug)
    path = PurePosixPath("articles", f"{date.year:04d}", f"{date.month:02d}", f"{slug}.md")
    _refuse_invalid(newsroom, draft, path)
    outcome = Outcome(where, Action.CREATE, draft.title, path, warnings=warnings)
    return _Step(outcome, incoming, draft)


def _refuse_placeholder(date: dt.datetime) -> None:
    """UsageError for a date at the calendar's ends: a placeholder, not a publication."""
    if not EARLIEST_YEAR <= date.year <= LATEST_YEAR:
        raise UsageError(
            _(
                "its date {date} is a placeholder, not when it was published (newscli takes "
                "years {first}–{last}); not imported"
            ).format(date=date.isoformat(), first=EARLIEST_YEAR, last=LATEST_YEAR)
        )


def _refuse_invalid(newsroom: Newsroom, draft: Article, path: PurePosixPath) -> None:
    """ArticleError (UsageError for text no file can hold) when the article would not read
    back from its file: found while planning, so that a dry run refuses what the real run
    would."""
    text = dump(to_meta(_sealed(draft)), draft.body)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which JSON's \ud800 escapes can give
        raise UsageError(
            _("holds characters that are not text (a lone UTF-16 surrogate); not imported")
        ) from None
    parse_article(text, newsroom.site, path)


def _plan_existing(
    newsroom: Newsroom,
    incoming: Incoming,
    found: Summary,
    options: ImportOptions,
    now: dt.datetime,
    namer: _Namer,
) -> _Step:
    where, path = incoming.where, found.path
    source = _source_values(found.source)
    if source.get(CONTENT_HASH) == content_hash(incoming):
        return _Step(Outcome(where, Action.UNCHANGED, found.title, path))
    if not options.update:
        reason = _("changed at the source since it was imported; --update rewrites it")
        return _Step(Outcome(where, Action.CHANGED, found.title, path, reason))
    existing = newsroom.load(newsroom.file_of(found))
    if _source_values(existing.source).get(ARTICLE_HASH) != article_hash(existing, existing.body):
        reason = _("edited since it was imported; not overwritten (its source changed too)")
        return _Step(Outcome(where, Action.EDITED, existing.title, path, reason))
    date = incoming.date or existing.date
    _refuse_placeholder(date)
    draft = _draft(newsroom, incoming, date, options, namer, now)
    at = existing.path or PurePosixPath(found.slug)
    _refuse_invalid(newsroom, dataclasses.replace(draft, slug=existing.slug), at)
    return _Step(Outcome(where, Action.UPDATE, draft.title, path), incoming, draft, existing)


# -- writing -----------------------------------------------------------------------------------


def _photo(
    newsroom: Newsroom, article: Article, photo: IncomingPhoto, download: Download
) -> tuple[Image | None, list[str]]:
    """The photo downloaded into the newsroom as `photo set` keeps photos (images/YYYY/MM/,
    checked with Pillow), or None and a warning saying why (its address stays in [source])."""
    from newscli.photos import inspect_photo, place_photo

    try:
        data = download(photo.url)
        placed = place_photo(
            newsroom.root, inspect_photo(data, photo.url), article.date, article.slug
        )
    except NewsError as exc:
        warning = _("photo not downloaded ({problem}); its address is kept in [source] {key}")
        return None, [warning.format(problem=exc.message, key=PHOTO_URL)]
    image = Image(src=placed.src, alt=photo.alt, caption=photo.caption, credit=photo.credit)
    warnings = []
    if not photo.alt.strip():
        warnings.append(
            _("the photo has no alt text: describe it with `newscli photo set {path} --alt …`")
        )
    return image, warnings


def _with_photo(
    newsroom: Newsroom,
    step: _Step,
    article: Article,
    download: Download,
) -> tuple[Article, list[str]]:
    incoming = step.incoming
    assert incoming is not None
    photo = incoming.photo
    if photo is None:
        return article, []
    if not photo.url:
        return _waiting_for_photo(article, photo)
    existing = step.existing
    if (
        existing is not None
        and existing.image is not None
        and _source_values(existing.source).get(PHOTO_URL) == photo.url
    ):  # the same photo as last time: not downloaded again
        kept = dataclasses.replace(
            existing.image, alt=photo.alt, caption=photo.caption, credit=photo.credit
        )
        return dataclasses.replace(article, image=kept), []
    image, warnings = _photo(newsroom, article, photo, download)
    if image is None:
        article, waiting = _waiting_for_photo(article, photo)
        return article, warnings + waiting
    return dataclasses.replace(article, image=image), warnings


def _waiting_for_photo(article: Article, photo: IncomingPhoto) -> tuple[Article, list[str]]:
    """A photo's words without its file (a copied page's caption and credit, a download that
    failed) kept in [source] for `photo set`, which takes them when the file comes."""
    from newscli.photos import WAITING_WORDS

    given = {"alt": photo.alt, "caption": photo.caption, "credit": photo.credit}
    words = {WAITING_WORDS[word]: text for word, text in given.items() if text.strip()}
    if not words:
        return article, []
    assert article.source is not None
    source = dataclasses.replace(article.source, extra={**article.source.extra, **words})
    note = _(
        "the photo's words (caption, credit, alt text) are kept in [source] until its file is set: "
        "newscli photo set {path} FILE"
    )
    return dataclasses.replace(article, source=source), [note]


def _apply(newsroom: Newsroom, step: _Step, download: Download) -> Outcome:
    outcome = step.outcome
    draft = step.draft
    assert draft is not None
    article, warnings = _with_photo(newsroom, step, draft, download)
    article, in_text = bring_in_body_photos(newsroom, article, download)
    warnings = [*outcome.warnings, *warnings, *in_text]
    article = _sealed(article)
    if step.existing is None:
        article, held = personal.published_as_draft(article)
        created = newsroom.create(article, set())
        warnings = [*warnings, *held]
        return dataclasses.replace(
            outcome,
            path=created.path,
            warnings=tuple(w.replace("{path}", str(created.path)) for w in warnings),
        )
    existing = step.existing
    assert existing.path is not None
    updated = dataclasses.replace(
        article,
        id=existing.id,
        slug=existing.slug,
        status=existing.status,
        expires=existing.expires,
        withdrawn=existing.withdrawn,
        withdrawn_reason=existing.withdrawn_reason,
        review_by=existing.review_by,
        extra=existing.extra,
        path=existing.path,
    )
    updated = _sealed(updated)
    file = newsroom.file_of(existing)
    before = newsroom.read_bytes(file)
    newsroom.rewrite(file, dump(to_meta(updated), updated.body), before=before)
    return dataclasses.replace(
        outcome, warnings=tuple(w.replace("{path}", str(existing.path)) for w in warnings)
    )


def _applied(newsroom: Newsroom, steps: Sequence[_Step], download: Download) -> Iterator[Outcome]:
    for step in steps:
        if step.outcome.action not in (Action.CREATE, Action.UPDATE):
            yield step.outcome
            continue
        try:
            yield _apply(newsroom, step, download)
        except NewsError as exc:
            yield dataclasses.replace(step.outcome, action=Action.REFUSED, reason=str(exc))


def import_stories(
    newsroom: Newsroom,
    read: Read,
    options: ImportOptions,
    *,
    now: dt.datetime,
    download: Download = fetch_photo,
    wait: Callable[[], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Turn the stories a source reader gave into article files, under the newsroom lock
    (a dry run takes no lock and writes nothing, downloads nothing). Each entry ends in one
    Outcome; one that fails is refused with its reason and the others go on."""
    from newscli.tagging import session

    report = ImportReport(dry_run=options.dry_run)
    if options.dry_run:
        with Catalog(newsroom) as catalog:
            steps, report.broken, _taken = _plan(catalog, read, options, now)
        report.outcomes = [step.outcome for step in steps]
        return report
    with session(newsroom, wait) as catalog:
        steps, report.broken, _taken = _plan(catalog, read, options, now)
        catalog.close()
        for done, outcome in enumerate(_applied(newsroom, steps, download), start=1):
            report.outcomes.append(outcome)
            if progress is not None:
                progress(done, len(steps))
    return report
