"""The site's map: names sorted the Swedish way, and page-relative links that work from file://."""

from pathlib import Path

from newscli.export import pages


def test_swedish_collation_puts_a_ring_and_umlauts_last() -> None:
    names = ["Österbo", "Ekonomi", "Älv", "Ådal", "Zon", "Anhörigstöd", "Éclair"]
    ordered = sorted(names, key=lambda n: pages.collation_key(n, "sv"))
    assert ordered == ["Anhörigstöd", "Éclair", "Ekonomi", "Zon", "Ådal", "Älv", "Österbo"]


def test_links_name_index_html_and_encode_what_a_path_cannot_hold() -> None:
    assert pages.link("", "") == "index.html"
    assert pages.link("topics/", "../../") == "../../topics/index.html"
    assert pages.link("2021/11/x/#svar", "../") == "../2021/11/x/index.html#svar"
    assert pages.link("images/bild med mellanslag.jpg", "") == "images/bild%20med%20mellanslag.jpg"
    assert pages.link("images/redan%20kodad.jpg", "") == "images/redan%20kodad.jpg"
    assert pages.link("https://example.se/a/", "../") == "https://example.se/a/"
    assert pages.link("#innehall", "../") == "#innehall"


# -- section addresses in the site's language ------------------------------------------------

BASE = "https://www.example.se/aktuellt/"


def small_site(root: Path, language: str) -> Path:
    """A newsroom of two stories with a topic, in language; exported to root/public."""
    from newscli.export.site import export_site
    from newscli.newsroom import Newsroom
    from tests.conftest import NOW
    from tests.support.newsrooms import add_article

    root.mkdir(parents=True)
    (root / "newscli.toml").write_text(
        f'[site]\ntitle = "Kommunen"\nbase_url = "{BASE}"\nlanguage = "{language}"\n',
        encoding="utf-8",
    )
    for number in (1, 2):
        add_article(
            root,
            f"nyhet-{number}",
            f'title = "Nyhet {number}"\ndate = 2022-05-0{number}T10:00:00+02:00\n'
            'status = "published"\ntopics = ["Ekonomi"]',
            "Brödtext.\n",
        )
    export_site(Newsroom(root), root / "public", now=NOW)
    return root / "public"


def site_files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_a_swedish_sites_sections_are_amnen_and_arkiv_everywhere(tmp_path: Path) -> None:
    out = small_site(tmp_path / "sv", "sv")
    files = site_files(out)
    assert {"amnen/index.html", "amnen/ekonomi/index.html", "arkiv/index.html"} <= files
    assert "amnen/ekonomi/rss.xml" in files
    front = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="amnen/index.html">Ämnen</a>' in front
    assert '<a href="arkiv/index.html">Arkiv</a>' in front
    assert '<a href="amnen/ekonomi/index.html">Ekonomi</a>' in front
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{BASE}amnen/</loc>" in sitemap and f"<loc>{BASE}arkiv/</loc>" in sitemap
    assert f"<loc>{BASE}amnen/ekonomi/</loc>" in sitemap and "/topics/" not in sitemap
    feed = (out / "amnen/ekonomi/rss.xml").read_text(encoding="utf-8")
    assert f"<link>{BASE}amnen/ekonomi/</link>" in feed
    month = (out / "2022/05/index.html").read_text(encoding="utf-8")
    assert '<a href="../../arkiv/index.html">Arkiv</a>' in month


def test_a_swedish_sites_old_section_addresses_send_readers_on(tmp_path: Path) -> None:
    out = small_site(tmp_path / "sv", "sv")
    for old, new in [
        ("topics/index.html", "amnen/"),
        ("topics/ekonomi/index.html", "amnen/ekonomi/"),
        ("archive/index.html", "arkiv/"),
    ]:
        page = (out / old).read_text(encoding="utf-8")
        up = "../" * old.count("/")
        assert f'<meta http-equiv="refresh" content="0; url={up}{new}index.html">' in page
        assert f'<link rel="canonical" href="{BASE}{new}">' in page
        assert f'<a href="{up}{new}index.html">{BASE}{new}</a>' in page
        assert "<h1>Sidan har flyttat</h1>" in page
    # A feed reader follows no page: the old topic feed is still the topic's feed.
    assert (out / "topics/ekonomi/rss.xml").read_bytes() == (
        out / "amnen/ekonomi/rss.xml"
    ).read_bytes()
    assert "topics/" not in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_an_english_site_keeps_topics_and_archive_and_gets_no_redirects(tmp_path: Path) -> None:
    out = small_site(tmp_path / "en", "en")
    files = site_files(out)
    assert {"topics/index.html", "topics/ekonomi/index.html", "archive/index.html"} <= files
    assert not [name for name in files if name.startswith(("amnen/", "arkiv/"))]
    page = (out / "topics/index.html").read_text(encoding="utf-8")
    assert "http-equiv" not in page and '<a href="../topics/ekonomi/index.html">' in page


def test_the_footer_names_each_feed_once_in_a_named_group(tmp_path: Path) -> None:
    out = small_site(tmp_path / "sv", "sv")
    topic = (out / "amnen/ekonomi/index.html").read_text(encoding="utf-8")
    footer = topic[topic.index("<footer") :]
    assert '<nav class="feeds" aria-label="Nyhetsflöden">' in footer
    assert (
        '<a href="../../rss.xml" type="application/rss+xml">RSS</a> · '
        '<a href="../../atom.xml" type="application/atom+xml">Atom</a> · '
        '<a href="../../feed.json" type="application/feed+json">JSON Feed</a>'
    ) in footer
    assert "Kommunen" not in footer  # the site's title is said in the header, not per feed
