"""The photos a story's text shows from its old site, brought into the newsroom as its own
photo is (images/YYYY/MM/<slug>-N.<ext>, checked with Pillow), so that the published story
never leans on the old site; a photo that cannot be fetched keeps its address and is named.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator

from newscli.article import Article
from newscli.errors import NewsError
from newscli.i18n import ngettext, number
from newscli.markdown import tokens
from newscli.newsroom import Newsroom

Download = Callable[[str], bytes]

# An image as the HTML converter writes one: ![alt](address); the alt has its marks escaped.
_IMAGE = re.compile(r"(?P<start>!\[(?:\\.|[^\]\\])*\]\()(?P<url>[^)\s]+)\)")


def _shown(body: str) -> Iterator[str]:
    """The addresses of the images the body shows, as the site's parser reads them (an
    image written inside a code block is no image)."""
    for block in tokens(body):
        for token in block.children or ():
            if token.type == "image":
                src = token.attrGet("src")
                if isinstance(src, str) and src.lower().startswith(("http://", "https://")):
                    yield src


def bring_in_body_photos(
    newsroom: Newsroom, article: Article, download: Download
) -> tuple[Article, list[str]]:
    """article with each web photo its body shows downloaded (by download, the fetcher the
    story's own photo comes through) and its image pointed at the copy; one warning naming
    those that could not be fetched, which keep their address."""
    from newscli.photos import inspect_photo, place_photo

    wanted = set(_shown(article.body))
    if not wanted:
        return article, []
    placed: dict[str, str] = {}
    failed: dict[str, str] = {}
    for url in sorted(wanted):
        try:
            photo = inspect_photo(download(url), url)
            placed[url] = place_photo(newsroom.root, photo, article.date, article.slug).src
        except NewsError as exc:
            failed[url] = exc.message

    def pointed(match: re.Match[str]) -> str:
        url = match["url"]
        return f"{match['start']}{placed[url]})" if url in placed else match.group()

    body = _IMAGE.sub(pointed, article.body)
    warnings = []
    if failed:
        listed = "; ".join(f"{url} ({problem})" for url, problem in failed.items())
        warnings.append(
            ngettext(
                "{n} photo in the text could not be downloaded and is still shown from "
                "its old address: {list}",
                "{n} photos in the text could not be downloaded and are still shown from "
                "their old addresses: {list}",
                len(failed),
            ).format(n=number(len(failed)), list=listed)
        )
    return dataclasses.replace(article, body=body), warnings
