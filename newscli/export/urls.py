"""Where a story lives on the published site, and every address newscli writes made a valid
URL (RFC 3986), shared by the feeds, the sitemap and the static site.

A URL may hold only ASCII letters, digits and `-._~:/?#[]@!$&'()*+,;=`, and '%' only to
start an escape: everything else (a space, 'å', a '#' in a file's name) is written as its
UTF-8 bytes percent-encoded ('mässa.jpg' → 'm%C3%A4ssa.jpg'), a host in its IDNA form.

The site's sections have addresses in its language (sections()); a topic's address is
part of the Topic (newscli.topics), under the topics section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from newscli.article import Summary
from newscli.markdown import is_relative_url

_ARTICLE_PAGE = re.compile(r"[0-9]{4}/[0-9]{2}/[^/]+/index\.html")
# What RFC 3986 allows as it is, '%' only before two hex digits.
_VALID = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# What each part may hold as it is (RFC 3986 3.3–3.5); '%' keeps the escapes already there.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


@dataclass(frozen=True)
class Sections:
    """The folders of the site's sections: the topics (each topic's page under it) and the
    archive."""

    topics: str
    archive: str


# Each site language's words for its sections; an unknown language gets English ones.
SECTIONS = {
    "sv": Sections(topics="amnen/", archive="arkiv/"),
    "en": Sections(topics="topics/", archive="archive/"),
}
# Where every site had them before they were in its language: these addresses keep
# answering, with a page that sends the reader on (pages.former_addresses).
FORMER_SECTIONS = Sections(topics="topics/", archive="archive/")


def sections(language: str) -> Sections:
    """The section folders of a site in language ('amnen/', 'arkiv/' for 'sv')."""
    return SECTIONS.get(language, SECTIONS["en"])


def former_address(path: str, now: Sections) -> str | None:
    """Where the page or feed at site path was before the sections were named in the site's
    language ('topics/x/' for 'amnen/x/'); None when its address has not changed."""
    for new, old in ((now.topics, FORMER_SECTIONS.topics), (now.archive, FORMER_SECTIONS.archive)):
        if new != old and path.startswith(new):
            return old + path[len(new) :]
    return None


def article_path(article: Summary) -> str:
    """The story's folder under base_url: '2021/11/<slug>/' from the date's own local month."""
    return f"{article.date.year:04d}/{article.date.month:02d}/{article.slug}/"


def is_article_page(rel: str) -> bool:
    """True for the file of a story's page in the site ('2021/11/<slug>/index.html')."""
    return _ARTICLE_PAGE.fullmatch(rel) is not None


def _encoded(part: str, safe: str) -> str:
    return quote(_STRAY_PERCENT.sub("%25", part), safe=safe)


def _host(netloc: str) -> str:
    if netloc.isascii():
        return _encoded(netloc, ":@[]!$&'()*+,;=")
    userinfo, at, hostport = netloc.rpartition("@")
    host, colon, port = hostport.partition(":")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = _encoded(host, "")
    return _encoded(userinfo, ":!$&'()*+,;=") + at + host + colon + port


def valid_url(url: str) -> str:
    """An address as a valid URL: its scheme, host, path, query and fragment kept, every
    character a URL cannot hold percent-encoded as UTF-8."""
    if _VALID.fullmatch(url):
        return url
    parts = urlsplit(url.strip())
    return urlunsplit(
        (
            parts.scheme,
            _host(parts.netloc),
            _encoded(parts.path, _PATH_SAFE),
            _encoded(parts.query, _QUERY_SAFE),
            _encoded(parts.fragment, _QUERY_SAFE),
        )
    )


def path_url(path: str) -> str:
    """A site path (a folder or a file's name, 'images/mässa #2.jpg') as a URL path: a '#',
    a '?' or a space is part of the name, never a fragment or a query."""
    if _VALID.fullmatch(path) and "#" not in path and "?" not in path:
        return path
    return _encoded(path, _PATH_SAFE)


def public_url(base_url: str, target: str) -> str:
    """Where target is on the web, as a valid URL: a site path (a file, a page's folder)
    under base_url, or an address of its own."""
    if not is_relative_url(target):
        return valid_url(target)
    base = valid_url(base_url)
    return (base if base.endswith("/") else base + "/") + path_url(target)
