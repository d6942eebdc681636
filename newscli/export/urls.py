"""Where a story lives on the published site, shared by the feeds and the static site.

(A topic's address is part of the Topic: newscli.topics.)
"""

from __future__ import annotations

from newscli.article import Summary


def article_path(article: Summary) -> str:
    """The story's folder under base_url: '2021/11/<slug>/' from the date's own local month."""
    return f"{article.date.year:04d}/{article.date.month:02d}/{article.slug}/"
