"""The same newsroom as a Hugo site and as a Pelican site, so their builds can be timed next to
newscli's.

Each peer's site is converted from the generated newscli newsroom's files (read with tomllib,
not with newscli), so every tool gets the same stories: titles, teasers, bodies (byte for
byte), topics, dates, authors, drafts, photos. The sites are made of comparable pages:

- Hugo: a minimal theme written here (no Hugo code is kept anywhere): the front page
  paginated by 20 as newscli's, one page per story (`/YYYY/MM/slug/`), a paginated page per
  topic with its RSS feed (50 items, as newscli's), the topics index, an archive of months
  (a `months` taxonomy: one page per month listing its stories), the home feed, sitemap,
  robots.txt and 404 page. Drafts are not built, as newscli's public site leaves them out.
- Pelican: its default theme, with the same URLs where Pelican has the page (stories,
  topics as tags, month archives, the archive), pagination by 20, RSS and Atom feeds of 50
  items, per-topic RSS; category and author pages are not written (newscli has none).

A peer's site is kept next to the newsroom (DIR-hugo, DIR-pelican) with a marker of the
corpus it was converted from, and converted again when that differs. Pelican is a PyPI
package: when it is not on PATH, `install_pelican` puts it in a venv of its own under the
benchmark cache; it is never one of newscli's dependencies.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.generate import CORPUS_FILE

CONVERTED = ".newscli-bench-converted.json"
CONVERTER_VERSION = 1  # bump when the conversion writes different files
PER_PAGE = 20  # newscli's default per_page
FEED_ITEMS = 50  # what newscli's feeds hold
PELICAN_SPEC = "pelican[markdown]"


@dataclass(frozen=True)
class Story:
    """One newscli article file as the peers need it."""

    relative: Path  # articles/YYYY/MM/slug.md, relative to articles/
    meta: dict[str, Any]
    body: str


def stories(root: Path) -> Iterator[Story]:
    """The newsroom's article files, in path order, split into front matter and body."""
    articles = root / "articles"
    for path in sorted(articles.rglob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("+++\n", 2)
        yield Story(path.relative_to(articles), tomllib.loads(front), body)


def _toml(value: object) -> str:
    """A TOML value for the few kinds the front matter holds (JSON strings are TOML strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _hugo_page(story: Story) -> str:
    meta = story.meta
    date: dt.datetime = meta["date"]
    fields: dict[str, object] = {
        "title": meta["title"],
        "slug": meta["slug"],
        "date": date,
        "draft": meta.get("status", "draft") != "published",
        "author": meta.get("author", ""),
        "teaser": meta.get("teaser", ""),
        "topics": list(meta.get("topics", [])),
        "months": [f"{date.year:04d}-{date.month:02d}"],
    }
    image = meta.get("image")
    if image:
        fields |= {
            "image": image["src"],
            "image_alt": image.get("alt", ""),
            "caption": image.get("caption", ""),
            "credit": image.get("credit", ""),
        }
    source = meta.get("source")
    if source:
        fields |= {"source_name": source.get("name", ""), "source_url": source.get("url", "")}
    front = "".join(f"{key} = {_toml(value)}\n" for key, value in fields.items())
    return f"+++\n{front}+++\n{story.body}"


def _pelican_page(story: Story) -> str:
    meta = story.meta
    lines = {
        "Title": meta["title"],
        "Date": meta["date"].isoformat(),
        "Slug": meta["slug"],
        "Author": meta.get("author", ""),
        "Tags": ", ".join(meta.get("topics", [])),
        "Summary": meta.get("teaser", ""),
        "Status": "published" if meta.get("status") == "published" else "draft",
    }
    if meta.get("image"):
        lines["Image"] = meta["image"]["src"]  # kept, not shown: the default theme has no photo
    header = "".join(f"{key}: {value}\n" for key, value in lines.items() if value)
    return header + story.body  # the body starts with its blank line, ending the header


HUGO_CONFIG = f"""\
baseURL = "https://www.example.se/aktuellt/"
languageCode = "sv"
title = "Benchmark"
paginate = {PER_PAGE}
paginatePath = "page"
rssLimit = {FEED_ITEMS}
enableRobotsTXT = true
disableKinds = ["section"]

[taxonomies]
topic = "topics"
month = "months"

[permalinks]
posts = "/:year/:month/:slug/"

[outputs]
home = ["HTML", "RSS"]
page = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML", "RSS"]
"""

# A theme as small as newscli's pages: cards with photo, date, teaser and topic links.
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="sv">
<head><meta charset="utf-8"><title>{{ block "title" . }}{{ .Title }} – {{ site.Title }}{{ end }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{{ with .Params.teaser }}<meta name="description" content="{{ . }}">{{ end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "/topics/" | relURL }}">Ämnen</a> <a href="{{ "/months/" | relURL }}">Arkiv</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }}</footer>
</body>
</html>
""",
    "partials/card.html": """<article class="card">
{{ with .Params.image }}<figure class="card-photo"><img src="{{ . | relURL }}" alt="{{ $.Params.image_alt }}" loading="lazy">
{{ with $.Params.caption }}<figcaption>{{ . }} <span class="credit">Foto: {{ $.Params.credit }}</span></figcaption>{{ end }}</figure>{{ end }}
<div class="card-text">
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2 January 2006" }}</time></p>
{{ with .Params.teaser }}<p class="teaser">{{ . }}</p>{{ end }}
{{ with .GetTerms "topics" }}<p class="topics"><span class="label">Ämnen</span>
{{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</p>{{ end }}
</div>
</article>
""",
    "partials/pager.html": """{{ $p := .Paginator }}{{ if gt $p.TotalPages 1 }}<nav class="pager">
{{ if $p.HasPrev }}<a href="{{ $p.Prev.URL }}" rel="prev">← Nyare</a>{{ end }}
<span>Sida {{ $p.PageNumber }} av {{ $p.TotalPages }}</span>
{{ if $p.HasNext }}<a href="{{ $p.Next.URL }}" rel="next">Äldre →</a>{{ end }}
</nav>{{ end }}
""",
    "index.html": """{{ define "title" }}{{ site.Title }}{{ end }}
{{ define "main" }}<h1>Senaste nytt</h1>
{{ $pages := .Paginate site.RegularPages }}
<div class="cards">{{ range $pages.Pages }}{{ partial "card.html" . }}{{ end }}</div>
{{ partial "pager.html" . }}{{ end }}
""",
    "_default/single.html": """{{ define "main" }}<article class="story">
<h1>{{ .Title }}</h1>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ with .Params.author }} · {{ . }}{{ end }}</p>
{{ with .Params.teaser }}<div class="lead">{{ . | markdownify }}</div>{{ end }}
{{ with .Params.image }}<figure class="photo"><img src="{{ . | relURL }}" alt="{{ $.Params.image_alt }}">
<figcaption>{{ $.Params.caption }} <span class="credit">Foto: {{ $.Params.credit }}</span></figcaption></figure>{{ end }}
<div class="body">{{ .Content }}</div>
<footer class="story-footer">
{{ with .GetTerms "topics" }}<p class="topics"><span class="label">Ämnen</span>
{{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</p>{{ end }}
{{ with .Params.author }}<p class="author"><span class="label">Författare</span> {{ . }}</p>{{ end }}
{{ with .Params.source_url }}<p class="source"><span class="label">Källa</span> <a href="{{ . }}">{{ $.Params.source_name }}</a></p>{{ end }}
</footer>
</article>{{ end }}
""",
    "_default/term.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<div class="cards">{{ range .Paginator.Pages }}{{ partial "card.html" . }}{{ end }}</div>
{{ partial "pager.html" . }}{{ end }}
""",
    "months/term.html": """{{ define "main" }}<p class="breadcrumb"><a href="{{ "/months/" | relURL }}">Arkiv</a></p>
<h1>{{ .Title }}</h1>
<ul class="story-list">{{ range .Pages }}
<li><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2 January 2006" }}</time> <a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul>{{ end }}
""",
    "_default/taxonomy.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}
</ul>{{ end }}
""",
    "404.html": """{{ define "main" }}<h1>Sidan finns inte</h1>
<p><a href="{{ "/" | relURL }}">Till startsidan</a></p>{{ end }}
""",
}

PELICAN_CONFIG = f"""\
AUTHOR = "Piteå kommun"
SITENAME = "Benchmark"
SITEURL = ""
RELATIVE_URLS = True
PATH = "content"
STATIC_PATHS = ["images"]
TIMEZONE = "Europe/Stockholm"
DEFAULT_LANG = "sv"
DEFAULT_DATE_FORMAT = "%d %B %Y"
DEFAULT_PAGINATION = {PER_PAGE}
DEFAULT_CATEGORY = "Nyheter"
USE_FOLDER_AS_CATEGORY = False
ARTICLE_URL = "{{date:%Y}}/{{date:%m}}/{{slug}}/"
ARTICLE_SAVE_AS = "{{date:%Y}}/{{date:%m}}/{{slug}}/index.html"
DRAFT_SAVE_AS = ""
TAG_URL = "topics/{{slug}}/"
TAG_SAVE_AS = "topics/{{slug}}/index.html"
TAGS_SAVE_AS = "topics/index.html"
ARCHIVES_SAVE_AS = "archive/index.html"
MONTH_ARCHIVE_SAVE_AS = "{{date:%Y}}/{{date:%m}}/index.html"
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
FEED_MAX_ITEMS = {FEED_ITEMS}
FEED_ALL_RSS = "rss.xml"
FEED_ALL_ATOM = "atom.xml"
TAG_FEED_RSS = "topics/{{slug}}/rss.xml"
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
# Its cache, as a newsroom re-publishing after an edit would run it.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
"""


def _marker(root: Path, peer: str) -> dict[str, object]:
    marker = root / CORPUS_FILE
    recorded = json.loads(marker.read_text("utf-8")) if marker.is_file() else None
    return {"peer": peer, "version": CONVERTER_VERSION, "corpus": recorded}


def peer_root(root: Path, peer: str) -> Path:
    """Where a peer's copy of the newsroom at root is kept: next to it."""
    return root.with_name(f"{root.name}-{peer}")


def _fresh(site: Path, wanted: dict[str, object]) -> bool:
    marker = site / CONVERTED
    return marker.is_file() and json.loads(marker.read_text("utf-8")) == wanted


def _write_content(root: Path, content: Path, convert: Callable[[Story], str]) -> None:
    shutil.rmtree(content, ignore_errors=True)
    for story in stories(root):
        target = content / story.relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(convert(story), encoding="utf-8")


def _converted(
    root: Path, site: Path, peer: str, settings: dict[str, str], write: Callable[[Path], None]
) -> Path:
    """site with its settings files (written every time: they are small, and a change to
    them must not need a new conversion), and with write(site) run first unless its marker
    says it holds root's corpus; the marker is written last, so a conversion cut short is
    done again."""
    site.mkdir(parents=True, exist_ok=True)
    for name, text in settings.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    wanted = _marker(root, peer)
    if _fresh(site, wanted):
        return site
    (site / CONVERTED).unlink(missing_ok=True)
    write(site)
    (site / CONVERTED).write_text(json.dumps(wanted) + "\n", encoding="utf-8")
    return site


def hugo_site(root: Path, site: Path | None = None) -> Path:
    """The Hugo site of the newsroom at root (converted when missing or from another corpus)."""

    def write(site: Path) -> None:
        _write_content(root, site / "content" / "posts", _hugo_page)
        shutil.rmtree(site / "static", ignore_errors=True)
        shutil.copytree(root / "images", site / "static" / "images")

    settings = {"hugo.toml": HUGO_CONFIG} | {f"layouts/{n}": t for n, t in HUGO_LAYOUTS.items()}
    return _converted(root, site or peer_root(root, "hugo"), "hugo", settings, write)


def pelican_site(root: Path, site: Path | None = None) -> Path:
    """The Pelican site of the newsroom at root (converted when missing or another corpus)."""

    def write(site: Path) -> None:
        _write_content(root, site / "content", _pelican_page)  # images go in content/ too
        shutil.copytree(root / "images", site / "content" / "images")

    settings = {"pelicanconf.py": PELICAN_CONFIG}
    return _converted(root, site or peer_root(root, "pelican"), "pelican", settings, write)


def retitle(path: Path, title: str) -> None:
    """Give the story in path (a newscli, Hugo or Pelican file) this title, nothing else."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("+++\n"):  # TOML front matter: newscli's and Hugo's
        pattern, line = r"^title = .*$", f"title = {_toml(title)}"
    else:
        pattern, line = r"^Title: .*$", f"Title: {title}"
    new, count = re.subn(pattern, lambda _: line, text, count=1, flags=re.MULTILINE)
    if count != 1:
        raise RuntimeError(f"no title line in {path}")
    path.write_text(new, encoding="utf-8")


# The tools.


def hugo() -> str | None:
    """Hugo's executable, or None when it is not installed."""
    return shutil.which("hugo")


def pelican_venv() -> Path:
    return Path.home() / ".cache" / "newscli-bench" / "pelican-venv"


def pelican(install: bool = False) -> str | None:
    """Pelican's executable: on PATH, or in the benchmark's own venv (made there when install
    is true and it is missing). None when it is not installed or could not be."""
    found = shutil.which("pelican")
    if found:
        return found
    venv = pelican_venv()
    executable = venv / "bin" / "pelican"
    if executable.is_file():
        return str(executable)
    if not install:
        return None
    print(f"installing {PELICAN_SPEC} into {venv} …", file=sys.stderr)
    base = getattr(sys, "_base_executable", sys.executable)
    try:
        subprocess.run([base, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", PELICAN_SPEC],
            check=True,
            capture_output=True,
            timeout=600,
        )
    except (OSError, subprocess.SubprocessError) as error:
        print(f"Pelican could not be installed ({error}): its rows say so", file=sys.stderr)
        shutil.rmtree(venv, ignore_errors=True)
        return None
    return str(executable) if executable.is_file() else None


def hugo_build(executable: str, site: Path) -> list[str]:
    return [executable, "--source", str(site), "--destination", str(site / "public"), "--quiet"]


def hugo_list(executable: str, site: Path) -> list[str]:
    return [executable, "list", "all", "--source", str(site)]


def pelican_build(executable: str, site: Path) -> list[str]:
    return [
        executable,
        str(site / "content"),
        "--settings",
        str(site / "pelicanconf.py"),
        "--output",
        str(site / "output"),
        "--quiet",
    ]


def clean_output(site: Path, *folders: str) -> None:
    """Empty a peer's output (and cache) folders, for a build from nothing."""
    for folder in folders:
        shutil.rmtree(site / folder, ignore_errors=True)


def file_count(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder))
