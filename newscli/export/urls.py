"""Where a story lives on the published site, shared by the feeds and the static site.

(A topic's address is part of the Topic: newscli.topics.)
"""

from __future__ import annotations

import re

from newscli.article import Summary

_ARTICLE_PAGE = re.compile(r"[0-9]{4}/[0-9]{2}/[^/]+/index\.html")


def article_path(article: Summary) -> str:
    """The story's folder under base_url: '2021/11/<slug>/' from the date's own local month."""
    return f"{article.date.year:04d}/{article.date.month:02d}/{article.slug}/"


def is_article_page(rel: str) -> bool:
    """True for the file of a story's page in the site ('2021/11/<slug>/index.html')."""
    return _ARTICLE_PAGE.fullmatch(rel) is not None
