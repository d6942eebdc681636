"""export html keeps its promises to readers and to the newsroom: nothing lost, hidden or leaked.

Each test names what a reader or an editor would notice; pages are read by parsing them.
"""

from __future__ import annotations

import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.robotparser import RobotFileParser

import feedparser
import pytest

from tests.conftest import REPO, STORY, STORY_PATH, Invoke

BASE = "https://www.example.se/aktuellt/"
STORY_PAGE = f"2021/11/{STORY}/index.html"
GOLDEN_PHOTO = REPO / "tests" / "golden" / "site" / "photo.jpg"


def add_story(root: Path, slug: str, front: str, body: str = "\nEn text.\n") -> Path:
    """An article file in articles/2022/05/ with the given front-matter lines after the id."""
    path = root / "articles" / "2022" / "05" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'+++\nid = "{slug}-id"\nslug = "{slug}"\n{front.strip()}\n+++\n{body}', encoding="utf-8"
    )
    return path


def published(title: str, date: str = "2022-05-02T10:00:00+02:00", extra: str = "") -> str:
    return f'title = "{title}"\ndate = {date}\nstatus = "published"\n{extra}'


def site_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


# -- 3. nothing private from assets ---------------------------------------------------------

SECRET = b"PRIVATE: not for the public"


def _private_files(root: Path) -> dict[str, Path]:
    """Files no reader may ever get: a draft, the settings, git's config, the index."""
    draft = add_story(root, "hemligt-utkast", 'title = "Hemligt"\ndate = 2022-05-01T10:00:00+02:00')
    draft.write_bytes(draft.read_bytes() + SECRET)
    toml = root / "newscli.toml"
    toml.write_bytes(toml.read_bytes() + b"# " + SECRET + b"\n")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_bytes(SECRET)
    (root / "templates").mkdir()
    (root / "templates" / "x.pdf").write_bytes(SECRET)
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.pdf").write_bytes(SECRET)
    (root / "articles" / "2022" / "05" / "bilaga.pdf").write_bytes(SECRET)
    return {
        "draft": draft,
        "settings": toml,
        "git": root / ".git" / "config",
    }


@pytest.mark.parametrize("private", ["draft", "settings", "git"])
def test_a_symlinked_asset_never_publishes_the_private_file_it_points_to(
    invoke: Invoke, newsroom_path: Path, private: str
) -> None:
    target = _private_files(newsroom_path)[private]
    (newsroom_path / "images").mkdir()
    os.symlink(os.path.relpath(target, newsroom_path / "images"), newsroom_path / "images/x.pdf")
    os.symlink(os.path.relpath(target, newsroom_path / "images"), newsroom_path / "images/y.jpg")
    (newsroom_path / "images" / "ok.pdf").write_bytes(b"%PDF public")
    add_story(
        newsroom_path,
        "med-bilagor",
        published("Med bilagor", extra='[image]\nsrc = "images/y.jpg"\n'),
        body="\nSe [bilagan](images/x.pdf) och [den andra](images/ok.pdf).\n",
    )
    result = invoke("export", "html")
    public = newsroom_path / "public"
    assert (public / "images" / "ok.pdf").read_bytes() == b"%PDF public"
    assert not (public / "images" / "x.pdf").exists()
    assert not (public / "images" / "y.jpg").exists()
    for rel, data in site_files(public).items():
        assert SECRET not in data, rel
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert any("'images/x.pdf'" in w and "symbolic link" in w for w in warnings), warnings
    assert any("'images/y.jpg'" in w and "symbolic link" in w for w in warnings), warnings


def test_a_symlinked_folder_of_assets_publishes_nothing_through_it(
    invoke: Invoke, newsroom_path: Path
) -> None:
    _private_files(newsroom_path)
    os.symlink("articles/2022/05", newsroom_path / "bilagor")
    add_story(newsroom_path, "lankar", published("Länkar"), body="\n[Bilaga](bilagor/bilaga.pdf)\n")
    result = invoke("export", "html")
    public = newsroom_path / "public"
    assert not (public / "bilagor").exists()
    assert all(SECRET not in data for data in site_files(public).values())
    assert "'bilagor/bilaga.pdf'" in result.stderr and "symbolic link" in result.stderr


@pytest.mark.parametrize(
    ("src", "why"),
    [
        ("articles/2022/05/bilaga.pdf", "articles/"),
        ("templates/x.pdf", "templates/"),
        (".hidden/x.pdf", "hidden"),
        (".git/config.pdf", "hidden"),
    ],
)
def test_a_link_to_a_private_folder_is_refused_with_a_warning_naming_it(
    invoke: Invoke, newsroom_path: Path, src: str, why: str
) -> None:
    _private_files(newsroom_path)
    (newsroom_path / ".git" / "config.pdf").write_bytes(SECRET)
    add_story(newsroom_path, "privat", published("Privat"), body=f"\n[Fil]({src})\n")
    result = invoke("export", "html")
    public = newsroom_path / "public"
    assert all(SECRET not in data for data in site_files(public).values())
    refused = [line for line in result.stderr.splitlines() if repr(src) in line]
    assert refused and refused[0].startswith("newscli: warning: articles/2022/05/privat.md: ")
    assert why in refused[0].split(repr(src), 1)[1], refused[0]


# -- 1. a broken file never takes a live story off the site ---------------------------------

KEPT = "framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa"
KEPT_FILE = f"articles/2022/03/{KEPT}.md"
KEPT_PAGE = f"2022/03/{KEPT}/index.html"
KEPT_PHOTO = "images/kvalitetsmassa.jpg"
PHOTOS = (
    KEPT_PHOTO,
    "images/en-vecka-fri-fran-vald.jpg",
    "images/budgetunderskott.jpg",
    "images/anhorigkoordinator.jpg",
)


class Links(HTMLParser):
    """Every href and src of a page, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [v for k, v in attrs if k in ("href", "src") and v is not None]


def links_of(page: Path) -> set[str]:
    """The site-relative paths a page links to."""
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    site = page.parent
    found = set()
    for href in parser.links:
        if "://" in href or href.startswith("#"):
            continue
        target = os.path.normpath(site / href.split("#")[0])
        found.add(Path(target).as_posix())
    return found


def links_to(public: Path, page: str, target: str) -> bool:
    return (public / target).as_posix() in links_of(public / page)


def with_photos(root: Path) -> None:
    for src in PHOTOS:
        (root / src).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(GOLDEN_PHOTO, root / src)


def break_with_conflict_markers(path: Path) -> None:
    """What a half-finished git merge leaves in the front matter."""
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            'status = "published"\n',
            '<<<<<<< HEAD\nstatus = "published"\n=======\nstatus = "draft"\n>>>>>>> main\n',
            1,
        ),
        encoding="utf-8",
    )


def test_a_broken_file_keeps_its_live_story_everywhere_on_the_site_as_it_last_was(
    invoke: Invoke, newsroom_path: Path
) -> None:
    with_photos(newsroom_path)
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    page = (public / KEPT_PAGE).read_bytes()
    break_with_conflict_markers(newsroom_path / KEPT_FILE)

    result = invoke("export", "html")
    assert result.exit_code == 1, result.stderr
    summary = result.stderr.splitlines()[-1]
    assert summary.startswith("Exported 5 stories")
    assert summary.endswith("(published with 1 broken article kept at its last good version)")
    assert any(
        KEPT_FILE in line and "last good version" in line
        for line in result.stderr.splitlines()[:-1]
    )
    assert (public / KEPT_PAGE).read_bytes() == page  # exactly as the last export wrote it
    assert (public / KEPT_PHOTO).is_file()  # and what it shows
    for listing in ("index.html", "2022/03/index.html", "topics/kvalitetsutveckling/index.html"):
        assert links_to(public, listing, KEPT_PAGE), listing
    assert "(1 nyhet)" in (public / "topics/index.html").read_text(encoding="utf-8")
    url = f"{BASE}2022/03/{KEPT}/"
    assert f"<loc>{url}</loc>" in (public / "sitemap.xml").read_text(encoding="utf-8")
    for feed in ("rss.xml", "atom.xml", "topics/kvalitetsutveckling/rss.xml"):
        parsed = feedparser.parse((public / feed).read_bytes())
        assert url in [entry.link for entry in parsed.entries], feed


def test_a_kept_story_whose_page_is_missing_is_named_in_a_warning(
    invoke: Invoke, newsroom_path: Path
) -> None:
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    (public / KEPT_PAGE).unlink()
    break_with_conflict_markers(newsroom_path / KEPT_FILE)
    result = invoke("export", "html")
    assert result.exit_code == 1
    missing = [line for line in result.stderr.splitlines() if KEPT_PAGE in line]
    assert missing and "missing" in missing[0] and KEPT_FILE in missing[0], result.stderr
    assert links_to(public, "index.html", KEPT_PAGE)


def test_a_story_whose_last_good_version_is_unknown_keeps_its_page_and_no_page_is_removed(
    invoke: Invoke, newsroom_path: Path
) -> None:
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    before = site_files(public)
    shutil.rmtree(newsroom_path / ".newscli")  # no index: nothing knows the last good version
    break_with_conflict_markers(newsroom_path / KEPT_FILE)
    (newsroom_path / STORY_PATH).unlink()  # or was it renamed into the broken file?

    result = invoke("export", "html")
    assert result.exit_code == 1, result.stderr
    assert KEPT_FILE in result.stderr
    assert (public / KEPT_PAGE).read_bytes() == before[KEPT_PAGE]
    assert (public / STORY_PAGE).read_bytes() == before[STORY_PAGE]
    assert "no story page" in result.stderr.splitlines()[-1]

    # Once every file reads cleanly, removal is safe again.
    (newsroom_path / KEPT_FILE).write_text(
        (REPO / KEPT_FILE).read_text(encoding="utf-8"), encoding="utf-8"
    )
    again = invoke("export", "html")
    assert again.exit_code == 0, again.stderr
    assert not (public / STORY_PAGE).exists() and (public / KEPT_PAGE).is_file()


def test_a_file_that_was_never_valid_keeps_every_story_page_of_earlier_exports(
    invoke: Invoke, newsroom_path: Path
) -> None:
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    broken = add_story(newsroom_path, "trasig", 'title = "Ingen status eller datum"')
    broken.write_text("+++\n<<<<<<< HEAD\n+++\n", encoding="utf-8")
    (newsroom_path / STORY_PATH).unlink()
    result = invoke("export", "html")
    assert result.exit_code == 1
    assert "articles/2022/05/trasig.md" in result.stderr
    assert (public / STORY_PAGE).is_file()


# -- 4. a preview announces nothing; 11. robots.txt -----------------------------------------


class Robots(HTMLParser):
    """The robots meta tags of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.robots: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name") == "robots":
            self.robots.append(values.get("content") or "")


def robots_of(page: Path) -> list[str]:
    parser = Robots()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.robots


def robots_txt(folder: Path) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse((folder / "robots.txt").read_text(encoding="utf-8").splitlines())
    return parser


def with_draft_and_future(root: Path) -> None:
    add_story(root, "utkast", 'title = "Utkast"\ndate = 2022-05-01T10:00:00+02:00')
    path = root / "articles" / "2027" / "01" / "framtiden.md"
    path.parent.mkdir(parents=True)
    path.write_text(
        '+++\nid = "framtiden-id"\ntitle = "Framtiden"\nslug = "framtiden"\n'
        'date = 2027-01-05T10:00:00+01:00\nstatus = "published"\n+++\n\nSnart.\n',
        encoding="utf-8",
    )


@pytest.mark.parametrize("flags", [("--drafts",), ("--future",), ("--drafts", "--future")])
def test_a_preview_build_asks_every_page_not_to_be_indexed_and_announces_nothing(
    invoke: Invoke, newsroom_path: Path, flags: tuple[str, ...]
) -> None:
    with_draft_and_future(newsroom_path)
    out = newsroom_path / "preview"
    assert invoke("export", "html", "-o", "preview").exit_code == 0  # published there first
    assert (out / "sitemap.xml").is_file()
    result = invoke("export", "html", *flags, "-o", "preview")
    assert result.exit_code == 0, result.stderr
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 15
    for page in pages:
        assert robots_of(page) == ["noindex"], page.relative_to(out)
    assert not (out / "sitemap.xml").exists()  # the public build's sitemap went too
    robots = robots_txt(out)
    for path in ("", "2022/05/utkast/", "2027/01/", "index.html"):
        assert not robots.can_fetch("Googlebot", BASE + path), path
    assert not robots.site_maps()


def test_a_public_build_writes_robots_txt_naming_its_sitemap_and_pages_stay_indexable(
    invoke: Invoke, newsroom_path: Path
) -> None:
    with_draft_and_future(newsroom_path)
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    robots = robots_txt(public)
    assert robots.site_maps() == [f"{BASE}sitemap.xml"]
    assert robots.can_fetch("Googlebot", f"{BASE}2021/11/{STORY}/")
    assert all(robots_of(page) == [] for page in public.rglob("index.html"))
    sitemap = (public / "sitemap.xml").read_text(encoding="utf-8")
    assert "/utkast/" not in sitemap and "/framtiden/" not in sitemap and "2027" not in sitemap


def test_without_base_url_robots_txt_names_no_sitemap(invoke: Invoke, newsroom_path: Path) -> None:
    toml = newsroom_path / "newscli.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("base_url", "# base_url"))
    assert invoke("export", "html").exit_code == 0
    robots = robots_txt(newsroom_path / "public")
    assert robots.site_maps() is None and robots.can_fetch("Googlebot", "/index.html")


# -- 5. duplicate ids ------------------------------------------------------------------------


def copy_with_new_slug(root: Path, rel: str, slug: str) -> str:
    """A copied article file: same id, another slug (a new story started from an old one)."""
    source = root / rel
    copy = source.with_name(f"{slug}.md")
    text = source.read_text(encoding="utf-8")
    old_slug = source.stem
    copy.write_text(text.replace(f'slug = "{old_slug}"', f'slug = "{slug}"'), encoding="utf-8")
    return copy.relative_to(root).as_posix()


def stamps(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_two_files_with_one_id_stop_the_export_before_anything_is_written(
    invoke: Invoke, newsroom_path: Path
) -> None:
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    before = stamps(public)
    copy = copy_with_new_slug(newsroom_path, STORY_PATH, "kopia")
    result = invoke("export", "html")
    assert result.exit_code == 1
    error = result.stderr.splitlines()[-1]
    assert error.startswith("newscli: error: ") and STORY_PATH in error and copy in error
    assert "0b6f0c2e-6a53-4d6e-9a57-3c1f4c0de8b1" in error
    assert stamps(public) == before
    fresh = invoke("export", "html", "-o", "ny")
    assert fresh.exit_code == 1 and not (newsroom_path / "ny").exists()


# -- 7. authors ------------------------------------------------------------------------------


def test_a_story_page_names_an_author_without_the_email_address(
    invoke: Invoke, newsroom_path: Path
) -> None:
    add_story(
        newsroom_path,
        "med-adress",
        published("Med adress", extra='author = "Anna Andersson <anna@example.se>"'),
    )
    assert invoke("export", "html").exit_code == 0
    page = (newsroom_path / "public/2022/05/med-adress/index.html").read_text(encoding="utf-8")
    assert "Anna Andersson" in page and "anna@example.se" not in page


# -- 8. the JSON Feed ------------------------------------------------------------------------


class Alternates(HTMLParser):
    """The feeds a page announces: (type, href) of each <link rel="alternate">."""

    def __init__(self) -> None:
        super().__init__()
        self.feeds: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and values.get("rel") == "alternate":
            self.feeds.append((values.get("type") or "", values.get("href") or ""))


def test_the_site_writes_the_json_feed_its_feed_url_names_and_every_page_announces_it(
    invoke: Invoke, newsroom_path: Path
) -> None:
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    feed = json.loads((public / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == f"{BASE}feed.json"
    assert len(feed["items"]) == 5
    pages = [p for p in public.rglob("index.html")]
    assert len(pages) > 15
    for page in pages:
        parser = Alternates()
        parser.feed(page.read_text(encoding="utf-8"))
        hrefs = [href for kind, href in parser.feeds if kind == "application/feed+json"]
        assert len(hrefs) == 1, page
        assert (page.parent / hrefs[0]).resolve() == (public / "feed.json").resolve()


# -- 10. dates in the newsroom's timezone ----------------------------------------------------


class Times(HTMLParser):
    """Each <time>: its datetime attribute and the text it shows."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "time":
            self._open = dict(attrs).get("datetime") or ""

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.times.append((self._open, data))
            self._open = None


def times_of(page: Path) -> list[tuple[str, str]]:
    parser = Times()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.times


def test_every_date_on_the_site_is_the_newsrooms_own_day(
    invoke: Invoke, newsroom_path: Path
) -> None:
    # Stored with a winter offset in summer: 23:17+01:00 is 00:17 the next day in Stockholm.
    add_story(newsroom_path, "sen-kvall", published("Sen kväll", "2022-07-10T23:17:00+01:00"))
    # The last evening of June by that offset is the first of July in Stockholm.
    add_story(newsroom_path, "manadsskifte", published("Månadsskifte", "2022-06-30T23:17:00+01:00"))
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    late = ("2022-07-11T00:17:00+02:00", "11 juli 2022")
    edge = ("2022-07-01T00:17:00+02:00", "1 juli 2022")
    assert late in times_of(public / "2022/07/sen-kvall/index.html")
    # Its address keeps the stored date's month, as its file's folder does.
    assert edge in times_of(public / "2022/06/manadsskifte/index.html")
    front = times_of(public / "index.html")
    assert late in front and edge in front
    july = times_of(public / "2022/07/index.html")
    assert late in july and edge in july
    assert not (public / "2022/06/index.html").exists()
    sitemap = (public / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>2022-07-11T00:17:00+02:00</lastmod>" in sitemap
