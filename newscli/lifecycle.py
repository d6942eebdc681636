"""A story's life: its state at a moment, whether the public may see it, when the public
output next changes by itself, and the front-matter edits `publish`, `unpublish` and
`expire` make (run by the bulk runner in newscli.tagging, as `tag` runs its edits).

Every question here takes the moment it is asked at: the one clock is the run's
Environment (`env.now(tz)`), read once by the command and handed down.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from newscli.article import Article, ArticleEdit, Rewrite, Summary
from newscli.i18n import _

if TYPE_CHECKING:
    from newscli.newsroom import Finding, Newsroom


class State(enum.StrEnum):
    """Where a story is in its life at a moment; the values are the stable machine words
    of json and csv (the table shows them in the site language)."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"  # published, dated later than now (an embargo)
    PUBLISHED = "published"
    EXPIRING = "expiring"  # published, with an expiry moment still to come
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


# The states in which the public sees a story.
PUBLIC_STATES = (State.PUBLISHED, State.EXPIRING)


def state_of(story: Summary, now: dt.datetime) -> State:
    """The story's state at now. An expiry moment that has passed wins over an embargo
    (the story will never be shown)."""
    if story.status == "withdrawn":
        return State.WITHDRAWN
    if not story.published:
        return State.DRAFT
    if story.expires is not None and story.expires <= now:
        return State.EXPIRED
    if story.date > now:
        return State.SCHEDULED
    if story.expires is not None:
        return State.EXPIRING
    return State.PUBLISHED


def is_public(story: Summary, now: dt.datetime) -> bool:
    return state_of(story, now) in PUBLIC_STATES


def visible(story: Summary, now: dt.datetime, *, drafts: bool, future: bool) -> bool:
    """On the site and in the feeds at now; drafts and future widen it for previews (an
    expired or withdrawn story is in none)."""
    state = state_of(story, now)
    if state in (State.EXPIRED, State.WITHDRAWN):
        return False
    return (story.published or drafts) and (story.date <= now or future)


def moment_of(story: Summary, now: dt.datetime) -> dt.datetime | None:
    """The moment a listing shows beside the state: when a scheduled story appears, when
    an expiring one goes, when an expired one went, when a story was withdrawn."""
    state = state_of(story, now)
    if state is State.SCHEDULED:
        return story.date
    if state in (State.EXPIRING, State.EXPIRED):
        return story.expires
    if state is State.WITHDRAWN:
        return story.withdrawn
    return None


def changes_at(story: Summary, now: dt.datetime) -> dt.datetime | None:
    """The next moment after now at which this story's place on the public outputs changes
    by itself: its embargo ending, or its expiry."""
    if not story.published:
        return None
    moments = [m for m in (story.date, story.expires) if m is not None and m > now]
    return min(moments, default=None)


def next_change(stories: Iterable[Summary], now: dt.datetime) -> dt.datetime | None:
    """The earliest moment after now at which the public output changes by itself (the
    next embargo or expiry), or None when nothing is due."""
    moments = [m for m in (changes_at(story, now) for story in stories) if m is not None]
    return min(moments, default=None)


def review_due(story: Summary, now: dt.datetime) -> bool:
    return story.review_by is not None and story.review_by <= now


# -- the edits of publish, unpublish and expire -------------------------------------------


def _shown(value: dt.datetime | None) -> str:
    return "–" if value is None else value.isoformat()


def publishing(at: dt.datetime | None) -> ArticleEdit:
    """status = "published", and with at the story's date (its embargo): `publish`."""

    def edit(article: Article) -> Rewrite | None:
        values: dict[str, object] = {}
        if article.status != "published":
            values["status"] = "published"
        if at is not None and article.date != at:
            values["date"] = at
        if not values:
            return None
        before = (article.status, f"date {_shown(article.date)}")
        after = ("published", f"date {_shown(at or article.date)}")
        return Rewrite(values, before, after)

    return edit


def withdrawing(reason: str, at: dt.datetime) -> ArticleEdit:
    """status = "withdrawn" with the moment and the reason: `unpublish`. A story withdrawn
    before keeps its record."""

    def edit(article: Article) -> Rewrite | None:
        if article.status == "withdrawn":
            return None
        values = {"status": "withdrawn", "withdrawn": at, "withdrawn_reason": reason}
        return Rewrite(values, (article.status,), ("withdrawn", f"withdrawn {_shown(at)}"))

    return edit


def expiring(at: dt.datetime) -> ArticleEdit:
    """expires = at: `expire`."""

    def edit(article: Article) -> Rewrite | None:
        if article.expires == at:
            return None
        before = f"expires {_shown(article.expires)}"
        return Rewrite({"expires": at}, (before,), (f"expires {_shown(at)}",))

    return edit


# -- what check says about a story's life ---------------------------------------------------


def life_problems(story: Summary, now: dt.datetime) -> list[tuple[str, str]]:
    """(key, message) of each warning about a story's life at now: a review that is due, a
    withdrawn story without its moment, an expiry no later than the story's date."""
    found = []
    if story.review_by is not None and review_due(story, now):
        when = story.review_by.date().isoformat()
        found.append(
            ("review_by", _("review_by {date} has passed: review the story").format(date=when))
        )
    if story.status == "withdrawn" and story.withdrawn is None:
        found.append(
            ("status", _("withdrawn without 'withdrawn' (when): its notice shows no date"))
        )
    if story.status == "withdrawn" and not story.withdrawn_reason:
        found.append(("status", _("withdrawn without 'withdrawn_reason' (why) for the record")))
    if story.expires is not None and story.expires <= story.date:
        found.append(("expires", _("expires no later than its date: it is never shown")))

    return found


def check_life(newsroom: Newsroom, stories: Sequence[Summary], now: dt.datetime) -> list[Finding]:
    """`check`'s warnings about stories' lives, each at the line of its key (only the few
    files with a warning are read again, for their lines)."""
    from newscli import frontmatter
    from newscli.newsroom import Finding

    findings: list[Finding] = []
    for story in stories:
        problems = life_problems(story, now)
        if not problems or story.path is None:
            continue
        try:
            text = newsroom.file_of(story).read_text(encoding="utf-8")
            parts = frontmatter.split(text)
        except (OSError, UnicodeDecodeError, frontmatter.FrontMatterError):
            continue  # the file changed since; check's other rules name what is wrong
        findings.extend(
            Finding(story.path, frontmatter.key_line(parts, key), message, warning=True)
            for key, message in problems
        )
    return findings
