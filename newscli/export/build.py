"""`newscli build`: what the public output is made of, and when it next changes by itself.

The exports themselves are export_site and export_feed; this module says which ones a
newsroom configures ([build] in newscli.toml) and answers "when must it run again?" from
the catalog alone, without building anything (`newscli build --next`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from newscli.catalog import Catalog
from newscli.config import Builds
from newscli.newsroom import Newsroom


def site_folder(newsroom: Newsroom, builds: Builds) -> Path:
    """The folder the site is built in: build.output, relative to the newsroom."""
    return newsroom.root / Path(builds.output).expanduser()


def feed_target(newsroom: Newsroom, output: str) -> str:
    """A configured feed's file, relative to the newsroom unless absolute."""
    return str(newsroom.root / Path(output).expanduser())


def next_public_change(newsroom: Newsroom, now: dt.datetime) -> dt.datetime | None:
    """The next moment after now at which the public output changes by itself: the next
    embargo or expiry of a published story, also of one whose file is broken now and is
    kept on the site as its last good version (from the index, reading no file)."""
    with Catalog(newsroom) as catalog:
        return catalog.public(now).next_change()
