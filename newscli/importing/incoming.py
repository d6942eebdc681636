"""A story as a source gives it, before it becomes an article: what every reader returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IncomingPhoto:
    """A photo the source points at: a URL (feeds, WordPress) or nothing but words (copied
    pages give only the caption and credit)."""

    url: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass(frozen=True)
class Incoming:
    """One story read from a source.

    `key` says where it came from so a second run finds it again: the `[source]` keys it is
    stored under (feed, guid, url, …). `where` names the entry in messages ("feed.xml, entry
    3", "export.xml, post 12 'Title'"). `body` is Markdown; `date` carries its offset, or is
    None when the source gave none (the writer decides: skip with a warning, or now).
    """

    where: str
    title: str
    date: dt.datetime | None = None
    updated: dt.datetime | None = None
    author: str = ""
    topics: tuple[str, ...] = ()
    lead: str = ""
    body: str = ""
    status: str = ""  # "" = the run's --status; else draft | published
    photo: IncomingPhoto | None = None
    source_name: str = ""
    source_url: str = ""
    source_note: str = ""
    key: dict[str, str] = field(default_factory=dict)
    former_key: dict[str, str] = field(default_factory=dict)  # the key older versions gave


@dataclass(frozen=True)
class Unreadable:
    """An entry a reader could not make a story of: named, with the reason; the others go on.

    `private`: the source keeps it from the public (a private, password-protected or trashed
    WordPress post); left out on purpose, which is no failure of the run."""

    where: str
    problem: str
    private: bool = False


Read = list[Incoming | Unreadable]
