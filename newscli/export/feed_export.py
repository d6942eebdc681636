"""`newscli export rss|atom|json`: choose a feed's stories, render it, write it where allowed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from newscli.article import Summary
from newscli.catalog import Catalog
from newscli.checks import clean_versions, holding_numbers
from newscli.errors import ArticleError, NewsError
from newscli.export import feeds, urls
from newscli.export.images import FeedPhoto, Photo, SitePhotos, feed_photo
from newscli.export.output import ExportReport, file_in_output, guard_output, write_if_changed
from newscli.export.site_state import in_place_of_held, last_published_in
from newscli.i18n import _
from newscli.lifecycle import PUBLIC_STATES, State
from newscli.newsroom import PUBLIC, Newsroom
from newscli.query import Filters, chosen_topics, publishable
from newscli.topics import Topic

STDOUT = "-"


@dataclass
class FeedReport(ExportReport):
    """What a feed export did: how many stories, where the feed went, what was skipped."""

    stories: int
    shown: str  # where it went, as the summary names it
    text: str | None = None  # the feed itself, when it goes to stdout
    written: bool = False


def export_feed(
    newsroom: Newsroom,
    kind: str,
    output: str | None,
    *,
    now: dt.datetime,
    limit: int = 50,
    topic: str | None = None,
    drafts: bool = False,
    future: bool = False,
    full: bool = False,
    site_output: Path | None = None,
) -> FeedReport:
    """The newest published stories (or one topic's) as a feed: to public/ as on the site,
    to the file output names, or returned as text with output "-". A held-back story stays
    in it as the site in the folder site_output (default: public/, for a feed written
    there) last published it."""
    site = newsroom.site
    feeds.require_base_url(site)  # before reading every article
    target = None
    if output is None:
        shown = f"{PUBLIC}/"
    elif output != STDOUT:
        target = Path(output)
        guard_output(newsroom.root, target, folder=False)
        shown = output
    else:
        shown = "stdout"
    # What publishable() chooses, asked of the index: never an expired or withdrawn story.
    states = (
        *PUBLIC_STATES,
        *([State.DRAFT] if drafts else []),
        *([State.SCHEDULED] if future else []),
    )
    public_now = Filters(until=None if future else now, states=tuple(states), at=now)
    with Catalog(newsroom) as catalog:
        chosen_topic = _topic(catalog, topic)
        wanted = replace(public_now, topics=(chosen_topic.name,) if chosen_topic else ())
        public = catalog.public(now, wanted, limit)
        ids = catalog.ids(public_now)
    # A topic's feed lives beside its page, under the topics' folder in the site's language.
    section = urls.sections(site.language).topics
    topics = public.topics.in_section(section)
    chosen_topic = topics.topic(chosen_topic.name) if chosen_topic else None
    # A broken file's story stays in as it last was, if that was public (even in a preview).
    every_kept = publishable(public.last_good, now)
    feeds.check_unique_ids([*ids, *((s.id, str(s.path)) for s in every_kept)])
    kept_paths = {s.path for s in public.kept}
    chosen: list[Summary] = []
    unreadable: list[ArticleError] = []
    for summary in public.stories(drafts=drafts, future=future)[:limit]:
        if summary.path in kept_paths:
            chosen.append(summary)
            continue
        try:  # the feed needs the whole story: its file is read now
            chosen.append(newsroom.with_body(summary))
        except ArticleError as exc:  # changed since the index saw it
            unreadable.append(exc)
    # A story holding an identity number is held back as a broken file is; a kept story's
    # file is broken and cannot be read.
    numbered = holding_numbers(newsroom, [s for s in chosen if s.path not in kept_paths])
    # A kept version that holds one (the index read it before the file broke) stays out.
    unclean = kept_paths - {s.path for s in clean_versions(public.kept)}
    chosen = [s for s in chosen if str(s.path) not in numbered and s.path not in unclean]
    if site_output is None and output is None:
        site_output = newsroom.root / PUBLIC
    held = {*numbered, *(h.path for h in public.held)}
    last = None
    if site_output is not None and held:
        last = last_published_in(newsroom.root, site_output, held, site.tz)
    if last is not None:  # as the site shows them
        chosen, versions = in_place_of_held(public, chosen, numbered, last)
        chosen = chosen[:limit]
        kept_paths = {s.path for s in versions}
    broken = _unique(public.broken + unreadable) + list(numbered.values())
    report = FeedReport(len(chosen), shown, broken=broken)
    for summary in chosen:
        if summary.path in kept_paths:
            report.kept.append(str(summary.path))
            if full:
                report.warnings.append(
                    f"{summary.path}: "
                    + _(
                        "in the feed as its last good version without its text (--full): the "
                        "file is broken and its body cannot be read"
                    )
                )
    # Written elsewhere (-o FILE), the feed is published under that file's name.
    name = target.name if target is not None else None
    spec = feeds.feed_spec(site, kind, topic=chosen_topic, full=full, name=name)
    photos = SitePhotos(newsroom.root)
    photos.prepare(
        source
        for summary in chosen
        if summary.image is not None
        for source in [_source(newsroom, summary.image.src)]
        if source is not None
    )

    def photo_of(article: Summary) -> FeedPhoto | None:
        """The photo as the site publishes it; a story whose photo cannot be is sent without."""
        if article.image is None:
            return None
        shown = photos.shown(article.image.src, newsroom.asset)
        if not isinstance(shown, Photo):
            report.warnings.append(
                f"{article.path}: "
                + _("image {src} {why}; the story is sent without it").format(
                    src=repr(article.image.src), why=shown
                )
            )

        return feed_photo(shown)

    text = feeds.render_feed(chosen, site, spec, photo_of, topics)
    if output == STDOUT:
        report.text = text
        return report
    if target is None:
        rel = feeds.feed_path(kind, chosen_topic)
        report.shown = f"{PUBLIC}/{rel}"
        target = file_in_output(newsroom.root, newsroom.root / PUBLIC, rel)
    report.written = write_if_changed(target, text.encode("utf-8"))
    return report


def _topic(catalog: Catalog, typed: str | None) -> Topic | None:
    """The one topic --topic means, as every command reads it (query.chosen_topics: a
    topic's name in any spelling, or a word it begins); an error naming the closest
    topics when it means none, or the topics it could mean when it means several."""
    if typed is None:
        return None
    topics = catalog.public_topics()
    chosen, unknown = chosen_topics([typed], topics)
    if unknown:
        close = topics.suggest(typed)
        if close:
            raise NewsError(
                _("no story has the topic {topic}; did you mean {suggestions}?").format(
                    topic=repr(typed), suggestions=", ".join(close)
                )
            )
        raise NewsError(_("no story has the topic {topic}").format(topic=repr(typed)))
    if len(chosen) > 1:
        raise NewsError(
            _("the topic {topic} could be any of {topics}; a feed is of one of them").format(
                topic=repr(typed), topics=", ".join(chosen)
            )
        )
    return topics.get(chosen[0])


def _source(newsroom: Newsroom, src: str) -> Path | None:
    try:
        return newsroom.asset(src)
    except NewsError:
        return None


def _unique(errors: list[ArticleError]) -> list[ArticleError]:
    seen: dict[str, ArticleError] = {}
    for error in errors:
        seen.setdefault(str(error.path), error)
    return list(seen.values())
