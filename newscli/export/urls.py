"""Where things live on the published site, shared by the feeds and the static site."""

from __future__ import annotations

import hashlib

from newscli.article import Article
from newscli.slugs import MAX_SLUG, SLUG_PATTERN, topic_key


def article_path(article: Article) -> str:
    """The story's folder under base_url: '2021/11/<slug>/' from the date's own local month."""
    return f"{article.date.year:04d}/{article.date.month:02d}/{article.slug}/"


def topic_path(topic: str) -> str:
    """The topic's folder under base_url: 'topics/<topic key>/'.

    A topic whose key is not a slug (one made only of emoji or punctuation, whose key can
    hold '/' or be '..') gets a folder named from a hash of its key, so that no topic can
    name a path outside topics/; a key longer than a slug may be is cut and given a hash.
    """
    key = topic_key(topic)
    if not SLUG_PATTERN.fullmatch(key):
        key = "topic-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    elif len(key) > MAX_SLUG:
        # A folder name has at most 255 bytes; keep topic folders as short as story slugs.
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
        key = f"{key[: MAX_SLUG - 13].rstrip('-')}-{digest}"
    return f"topics/{key}/"
