"""WordPress exports (WXR): a hand-written export as WordPress 6 writes it, WordPress's stored
HTML made plain, and hostile files (entity bombs, external entities, broken XML, Latin-1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscli.errors import NewsError
from newscli.importing.incoming import Incoming, Unreadable
from newscli.importing.wordpress import clean_content, plain_text, read_export
from tests.conftest import REPO
from tests.support.fuzz import FUZZ

EXPORT = REPO / "tests" / "fixtures" / "import" / "wordpress" / "export.xml"
UTC = dt.UTC


def as_html(content: str, base_url: str = "") -> str:
    """The converter of these tests: none, so each test sees what the reader hands on."""
    return content


def read(kinds: tuple[str, ...] = ("post",), path: Path = EXPORT) -> list[Incoming | Unreadable]:
    return read_export(path, kinds, to_markdown=as_html)


def story(title: str, kinds: tuple[str, ...] = ("post",)) -> Incoming:
    [found] = [e for e in read(kinds) if isinstance(e, Incoming) and e.title == title]
    return found


def wxr(
    items: str,
    encoding: str = "UTF-8",
    prolog: str = "",
    namespace: str = "http://wordpress.org/export/1.2/",
) -> str:
    """A minimal export around items, as WordPress writes its head."""
    return f"""<?xml version="1.0" encoding="{encoding}" ?>{prolog}
<rss version="2.0" xmlns:excerpt="{namespace}excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{namespace}">
<channel><title>Exempelby</title><link>https://example.se</link>
<wp:wxr_version>1.2</wp:wxr_version>{items}</channel></rss>
"""


def item(
    title: str, content: str = "<p>Text.</p>", status: str = "publish", post_id: str = "1"
) -> str:
    return f"""<item><title>{title}</title><link>https://example.se/?p=1</link>
<guid isPermaLink="false">https://example.se/?p=1</guid>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[Ingressen.]]></excerpt:encoded>
<dc:creator>eva</dc:creator>
<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>2024-01-02 03:04:05</wp:post_date_gmt>
<wp:status>{status}</wp:status><wp:post_type>post</wp:post_type></item>"""


def written(folder: Path, text: str, encoding: str = "utf-8") -> Path:
    path = folder / "export.xml"
    path.write_bytes(text.encode(encoding))
    return path


# -- the export ------------------------------------------------------------------------------


def test_only_posts_are_read_unless_other_kinds_are_asked_for() -> None:
    assert [e.where for e in read()] == [
        "export.xml, post 101 'Familjecentralen får nya öppettider'",
        "export.xml, post 57 'Träffpunkten & dagverksamheten flyttar'",
        "export.xml, post 130 'Ny anhörigkoordinator på plats'",
        "export.xml, post 131 'Föräldrautbildning i vår'",
        "export.xml, post 140 'Socialnämndens sammanträde i mars'",
        "export.xml, post 150 'Intern: bemanning under julen'",
        "export.xml, post 151 'Lösenord till nämndens handlingar'",
        "export.xml, post 12 'Gammal nyhet om sommarkollo'",
        "export.xml, post 160 'Tipsa oss om goda exempel'",
    ]
    pages = read(("page", "attachment"))
    assert [e.title for e in pages if isinstance(e, Incoming)] == [
        "Lekrum",
        "Kontakta socialtjänsten",
    ]


def test_published_scheduled_and_draft_posts_keep_their_state_and_date() -> None:
    published = story("Familjecentralen får nya öppettider")
    assert (published.status, published.date) == (
        "published",
        dt.datetime(2024, 1, 16, 8, 30, tzinfo=UTC),
    )
    assert published.updated == dt.datetime(2024, 1, 18, 13, 5, 12, tzinfo=UTC)
    future = story("Socialnämndens sammanträde i mars")
    assert (future.status, future.date) == ("published", dt.datetime(2030, 3, 19, 7, 0, tzinfo=UTC))
    assert future.updated is None  # edited before its date: not an update readers saw
    draft = story("Ny anhörigkoordinator på plats")
    pending = story("Föräldrautbildning i vår")
    assert draft.status == pending.status == "draft"
    # A draft never scheduled has no date in WordPress (0000-00-00): it gets its last save.
    assert draft.date == dt.datetime(2024, 2, 1, 9, 12, 40, tzinfo=UTC)


def test_private_password_protected_and_trashed_posts_are_never_imported() -> None:
    skipped = {e.where: e.problem for e in read() if isinstance(e, Unreadable)}
    assert skipped == {
        "export.xml, post 150 'Intern: bemanning under julen'": "private in WordPress: not imported, so that it is never published by mistake",
        "export.xml, post 151 'Lösenord till nämndens handlingar'": "protected by a password in WordPress: not imported, so that it is never published by mistake",
        "export.xml, post 12 'Gammal nyhet om sommarkollo'": "in WordPress's trash: not imported",
    }


def test_categories_and_tags_are_topics_once_each_without_the_default_category() -> None:
    assert story("Familjecentralen får nya öppettider").topics == ("Familjefrågor", "Öppettider")
    # "Okategoriserade" (uncategorized) and the post format are not topics; the tag
    # "äldreomsorg" is the category "Äldreomsorg" once more.
    assert story("Träffpunkten & dagverksamheten flyttar").topics == ("Äldreomsorg",)


def test_authors_are_their_display_names_or_their_login_when_the_export_lacks_them() -> None:
    assert story("Familjecentralen får nya öppettider").author == "Karin Lindström"
    assert story("Träffpunkten & dagverksamheten flyttar").author == "Webbredaktionen"
    assert story("Tipsa oss om goda exempel").author == "okand.anvandare"


def test_the_featured_image_is_the_attachment_the_post_points_at() -> None:
    photo = story("Familjecentralen får nya öppettider").photo
    assert photo is not None
    assert photo.url == "https://socialtjanst.example.se/wp-content/uploads/2024/01/lekrum.jpg"
    assert photo.alt == "Ett lekrum med låga bord och färgglada kuddar"
    assert photo.caption == "Lekrummet är nyrenoverat."
    assert story("Träffpunkten & dagverksamheten flyttar").photo is None


def test_the_excerpt_is_the_lead_as_plain_text_and_titles_lose_their_markup() -> None:
    assert story("Familjecentralen får nya öppettider").lead == (
        "Familjecentralen har öppet på tisdagskvällar från februari."
    )
    tips = story("Tipsa oss om goda exempel")  # stored as "Tipsa oss om <em>goda exempel</em>"
    assert tips.lead == "Vet du någon som gör skillnad?"  # its <script> and <b> gone
    assert story("Träffpunkten & dagverksamheten flyttar").lead == ""  # no excerpt: the body's


def test_each_post_remembers_its_site_post_id_and_address() -> None:
    post = story("Familjecentralen får nya öppettider")
    assert post.key == {"wordpress": "https://socialtjanst.example.se", "post_id": "101"}
    assert post.former_key == {
        "wordpress": "https://socialtjanst.example.se",
        "guid": "https://socialtjanst.example.se/?p=101",
    }
    assert (
        post.source_url
        == "https://socialtjanst.example.se/2024/01/familjecentralen-far-nya-oppettider/"
    )
    assert post.source_name == "Socialtjänsten Exempelby"


def test_the_body_is_the_cleaned_content_through_the_converter() -> None:
    calls: list[str] = []

    def convert(content: str, base_url: str) -> str:
        calls.append(content)
        return "MARKDOWN"

    posts = read_export(EXPORT, to_markdown=convert)
    assert {e.body for e in posts if isinstance(e, Incoming)} == {"MARKDOWN"}
    assert not any("<!-- wp:" in content for content in calls)
    gutenberg = story("Familjecentralen får nya öppettider").body
    assert "<h2" in gutenberg and "<li>Tisdag även 17–19</li>" in gutenberg
    assert "latest-posts" not in gutenberg


def test_the_real_converter_drops_scripts_and_javascript_links() -> None:
    pytest.importorskip("newscli.importing.html")
    from newscli.importing.wordpress import read_wordpress

    [tips] = [e for e in read_wordpress(EXPORT) if e.where.endswith("'Tipsa oss om goda exempel'")]
    assert isinstance(tips, Incoming)
    assert "Tipsa oss här" in tips.body and "Vi läser alla tips." in tips.body
    for hostile in ("javascript:", "<script", "document.write", "tracker.example.com", "onclick"):
        assert hostile not in tips.body


def test_an_item_without_a_title_or_with_an_unknown_status_is_named(tmp_path: Path) -> None:
    path_items = item("") + item("Autosparat", status="auto-draft")
    entries = read_export(written(tmp_path, wxr(path_items)), to_markdown=as_html)
    assert [e.problem for e in entries if isinstance(e, Unreadable)] == [
        "has no title",
        "has a WordPress status newscli does not know: “auto-draft”",
    ]


CLASSIC = REPO / "tests" / "fixtures" / "import" / "wordpress" / "classic-https.xml"


@pytest.mark.parametrize(
    "namespace",
    [
        "http://wordpress.org/export/1.0/",
        "http://wordpress.org/export/1.1/",
        "http://wordpress.org/export/1.2/",
        "https://wordpress.org/export/1.1/",
        "https://wordpress.org/export/1.2/",
    ],
)
def test_every_wxr_namespace_version_is_read_from_the_files_own_declarations(
    tmp_path: Path, namespace: str
) -> None:
    [post] = read_export(
        written(tmp_path, wxr(item("Öppet hus"), namespace=namespace)), to_markdown=as_html
    )
    assert isinstance(post, Incoming)
    assert (post.title, post.lead, post.author, post.status) == (
        "Öppet hus",
        "Ingressen.",
        "eva",
        "published",
    )
    assert post.date == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_a_current_export_with_https_namespaces_is_not_refused() -> None:
    posts = read_export(CLASSIC, to_markdown=as_html)
    assert [p.title for p in posts if isinstance(p, Incoming)] == [
        "Vårens kurser",
        "Sommarens läger",
    ]


def test_posts_sharing_a_guid_are_told_apart_by_their_post_id() -> None:
    first, second = read_export(CLASSIC, to_markdown=as_html)
    assert isinstance(first, Incoming) and isinstance(second, Incoming)
    assert first.key == {"wordpress": "https://kultur.example.se", "post_id": "7"}
    assert second.key == {"wordpress": "https://kultur.example.se", "post_id": "8"}


def test_a_post_without_an_id_is_keyed_by_its_guid(tmp_path: Path) -> None:
    without = item("Utan id").replace("<wp:post_id>1</wp:post_id>", "")
    [post] = read_export(written(tmp_path, wxr(without)), to_markdown=as_html)
    assert isinstance(post, Incoming)
    assert post.key == {"wordpress": "https://example.se", "guid": "https://example.se/?p=1"}


# -- WordPress's stored HTML -------------------------------------------------------------------


def test_block_comments_go_and_their_html_stays() -> None:
    content = '<!-- wp:paragraph -->\n<p>Hej.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:spacer {"height":"20px"} /-->'
    assert clean_content(content) == "<p>Hej.</p>"


def test_a_caption_shortcode_becomes_a_figure_with_its_caption() -> None:
    content = '[caption id="attachment_5" align="alignnone" width="300"]<a href="https://e.se/b.jpg"><img src="https://e.se/b.jpg" alt="Ett hus" /></a> Huset i dag. Foto: Per Ek[/caption]'
    assert clean_content(content) == (
        '<figure><a href="https://e.se/b.jpg"><img src="https://e.se/b.jpg" alt="Ett hus" /></a>'
        "<figcaption>Huset i dag. Foto: Per Ek</figcaption></figure>"
    )
    old = '[caption id="" align="alignleft" caption="Gammal form"]<img src="https://e.se/c.jpg" alt="" />[/caption]'
    assert (
        clean_content(old)
        == '<figure><img src="https://e.se/c.jpg" alt="" /><figcaption>Gammal form</figcaption></figure>'
    )


def test_galleries_and_forms_are_dropped_and_embeds_become_links() -> None:
    content = 'Före.\n\n[gallery ids="1,2"]\n\n[contact-form-7 id="9" title="Kontakt"]\n\n[embed]https://www.youtube.com/watch?v=x[/embed]\n\n[video mp4="https://e.se/film.mp4"][/video]\n\n[embed]javascript:alert(1)[/embed]'
    assert clean_content(content) == (
        "<p>Före.</p>\n"
        '<p><a href="https://www.youtube.com/watch?v=x">https://www.youtube.com/watch?v=x</a></p>\n'
        '<p><a href="https://e.se/film.mp4">https://e.se/film.mp4</a></p>'
    )


def test_page_builder_wrappers_go_and_brackets_in_text_stay() -> None:
    content = "[vc_row][vc_column][vc_column_text]Enligt beslutet [1] gäller [sic] detta.[/vc_column_text][/vc_column][/vc_row]"
    assert clean_content(content) == "<p>Enligt beslutet [1] gäller [sic] detta.</p>"


def test_classic_editor_text_gets_paragraphs_and_line_breaks_as_wordpress_shows_it() -> None:
    content = "Första stycket\nmed en radbrytning.\n\n\nAndra stycket.\n\n<h3>Rubrik</h3>\n\n<pre>kod\n\nmed tom rad</pre>"
    assert clean_content(content) == (
        "<p>Första stycket<br />\nmed en radbrytning.</p>\n<p>Andra stycket.</p>\n"
        "<h3>Rubrik</h3>\n<pre>kod\n\nmed tom rad</pre>"
    )


@pytest.mark.parametrize(
    "hostile",
    ["a" + " " * 100_000 + "b", "<div" * 25_000 + " x", "<figcaption>" + " " * 100_000 + "x"],
    ids=["spaces", "unclosed-tags", "figcaption"],
)
def test_long_runs_of_white_space_or_unclosed_tags_take_no_quadratic_time(hostile: str) -> None:
    import time

    started = time.monotonic()
    clean_content(hostile)
    assert time.monotonic() - started < 3.0  # linear: ~0.1 s; quadratic: minutes


def test_plain_text_decodes_entities_and_drops_tags_and_scripts() -> None:
    assert (
        plain_text("Tom &amp; Jerry <em>igen</em><script>x()</script>&nbsp;!")
        == "Tom & Jerry igen !"
    )


# -- hostile and odd files ----------------------------------------------------------------------

BOMB = """
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>"""
EXTERNAL = """
<!DOCTYPE rss [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>"""


def test_an_entity_bomb_is_refused_and_nothing_is_read(tmp_path: Path) -> None:
    path = written(tmp_path, wxr(item("&g;"), prolog=BOMB))
    with pytest.raises(NewsError) as refused:
        read(path=path)
    assert "declares XML entities" in str(refused.value)
    assert str(refused.value).startswith(str(path))


def test_an_external_entity_is_refused_and_the_file_it_names_is_never_read(tmp_path: Path) -> None:
    path = written(tmp_path, wxr(item("&secret;"), prolog=EXTERNAL))
    with pytest.raises(NewsError) as refused:
        read(path=path)
    assert "declares XML entities" in str(refused.value)
    assert "root:" not in str(refused.value)


def test_broken_xml_is_one_error_naming_the_line(tmp_path: Path) -> None:
    broken = wxr(item("Trasig")).replace("</title>", "", 1)
    with pytest.raises(NewsError) as refused:
        read(path=written(tmp_path, broken))
    assert refused.value.line is not None and refused.value.line > 1
    assert "not well-formed XML (mismatched tag" in refused.value.message


def test_an_rss_feed_is_not_taken_for_a_wordpress_export(tmp_path: Path) -> None:
    feed = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A</title></item></channel></rss>'
    with pytest.raises(NewsError, match="not a WordPress export"):
        read(path=written(tmp_path, feed))


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(NewsError, match="cannot be read"):
        read(path=tmp_path / "saknas.xml")


def test_an_export_declared_iso_8859_1_reads_its_swedish_letters(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        wxr(item("Öppet hus på Källbogården", "<p>Välkommen, säger Åsa.</p>"), "ISO-8859-1"),
        "latin-1",
    )
    assert b"\xd6ppet" in path.read_bytes()
    [post] = read(path=path)
    assert isinstance(post, Incoming)
    assert post.title == "Öppet hus på Källbogården"
    assert post.body == "<p>Välkommen, säger Åsa.</p>"
    assert post.date == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


CONTENT_PARTS = st.sampled_from(
    [
        "[caption]",
        "[/caption]",
        "[embed]",
        "[/embed]",
        "[vc_row]",
        "[/vc_row]",
        "[gallery",
        "]",
        "<!-- wp:x -->",
        "<!--",
        "-->",
        "<pre>",
        "</pre>",
        "<p>",
        "\n\n",
        "\n",
        "\x00",
        "\x01",
        "<br>",
        "<ul><li>",
        "&amp;",
        "<script>",
        "<img src=x>",
    ]
)


@FUZZ
@given(st.lists(st.one_of(CONTENT_PARTS, st.text()), max_size=20))
def test_any_stored_content_is_cleaned_without_a_crash(parts: list[str]) -> None:
    content = "".join(parts)
    cleaned = clean_content(content)  # NUL is clean_content's own placeholder for <pre>
    assert "\x00" not in cleaned
    assert "<!-- wp:x -->" not in cleaned
    assert "\n" not in plain_text(content)


# -- classic-editor posts through the real converter ---------------------------------------------


def rendered_classic() -> str:
    from newscli.importing.wordpress import read_wordpress
    from newscli.markdown import render_markdown

    post = read_wordpress(CLASSIC)[0]
    assert isinstance(post, Incoming)
    return render_markdown(post.body)


def test_classic_editor_lists_nested_and_mixed_render_back_to_their_structure() -> None:
    html = rendered_classic().replace("\n", "")
    assert (
        "<ul><li>Piano<ul><li>nybörjare</li><li>fortsättning<ol><li>grupp A</li>"
        "<li>grupp B</li></ol></li></ul></li><li>Teater</li></ul>"
    ) in html


def test_classic_editor_paragraphs_headings_tables_quotes_and_pre_render_back() -> None:
    html = rendered_classic()
    assert "<p>Anmälan öppnar den 12 februari.<br />\nVälkommen med din anmälan!</p>" in html
    assert "<h2>Kurser för barn</h2>" in html and "<h3>Avgifter</h3>" in html
    assert "<th>Kurs</th>" in html and "<td>Piano (30 min)</td>" in html
    assert "<td>450 kr | termin</td>" in html
    assert "<blockquote>\n<p>Musik är att lyssna.<br />\nOch att spela.</p>\n</blockquote>" in html
    assert "<pre><code>for lektion in vecka:\n\n    spela()\n</code></pre>" in html
    assert "<pre><code>Rosor röda,\nvioler blå.\n</code></pre>" in html
    assert html.rstrip().endswith("<p>Frågor? Ring 08-123 45 67.</p>")


def test_classic_editor_posts_show_no_stray_backslash_anywhere() -> None:
    assert [line for line in rendered_classic().splitlines() if "\\" in line] == []


def test_relative_images_in_a_post_are_read_against_the_site() -> None:
    from newscli.importing.wordpress import read_wordpress

    post = read_wordpress(CLASSIC)[0]
    assert isinstance(post, Incoming)
    assert (
        "![Ett piano \\[flygel\\]](https://kultur.example.se/wp-content/uploads/2024/02/piano-300x200.jpg)"
        in post.body
    )


def test_block_editor_content_is_not_given_classic_paragraphs() -> None:
    content = "<!-- wp:paragraph -->\n<p>Ett\nstycke.</p>\n<!-- /wp:paragraph -->"
    assert clean_content(content) == "<p>Ett\nstycke.</p>"


def test_a_post_imported_under_its_guid_by_an_older_newscli_is_found_again_once(
    newsroom_path: Path,
) -> None:
    import dataclasses

    from newscli.importing.core import Action, ImportOptions, import_stories
    from newscli.importing.wordpress import read_wordpress
    from newscli.newsroom import Newsroom
    from tests.conftest import NOW

    posts = [p for p in read_wordpress(CLASSIC) if isinstance(p, Incoming)]
    as_before = [dataclasses.replace(posts[0], key=posts[0].former_key, former_key={})]
    newsroom = Newsroom(newsroom_path)
    import_stories(newsroom, list(as_before), ImportOptions(), now=NOW, download=lambda url: b"")
    report = import_stories(
        newsroom, list(posts), ImportOptions(dry_run=True), now=NOW, download=lambda url: b""
    )
    # The second post shares the first one's guid: it is a story of its own, never the old one.
    assert [o.action for o in report.outcomes] == [Action.UNCHANGED, Action.CREATE]


def test_a_gallery_shortcode_brings_its_photos_with_their_alt_and_caption() -> None:
    from newscli.importing.wordpress import read_wordpress

    camp = read_wordpress(CLASSIC)[1]
    assert isinstance(camp, Incoming)
    assert camp.body == (
        "Lägret är i juni.\n\n"
        "![Barn som badar](https://kultur.example.se/wp-content/uploads/2024/05/bad.jpg)\n\n"
        "Badet vid lägret.\n\nVälkommen!"
    )  # the pdf is no photo, and id 99 is not in the export


def test_a_gallery_without_ids_shows_the_photos_attached_to_the_post(tmp_path: Path) -> None:
    from newscli.importing.wordpress import read_wordpress

    attachment = """<item><title>bild</title><wp:post_id>5</wp:post_id>
<wp:post_parent>1</wp:post_parent><wp:status>inherit</wp:status>
<wp:post_type>attachment</wp:post_type>
<wp:attachment_url>https://example.se/bild.png</wp:attachment_url></item>"""
    path = written(tmp_path, wxr(item("Galleri", "Bilder:\n\n[gallery]") + attachment))
    [post] = read_wordpress(path)
    assert isinstance(post, Incoming)
    assert post.body == "Bilder:\n\n![](https://example.se/bild.png)"
