"""HTML from feeds as clean Markdown: the story's structure kept, whatever runs or tracks gone."""

from __future__ import annotations

from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from newscli.importing.html import html_to_markdown, html_to_text
from newscli.markdown import render_markdown
from tests.support.fuzz import FUZZ


def test_headings_lists_links_emphasis_and_quotes_are_kept() -> None:
    html = (
        "<h2>Program</h2><p>Text med <strong>fet</strong> och <em>kursiv</em> och "
        '<a href="https://example.se/a">en länk</a>.</p><ul><li>ett</li><li>två</li></ul>'
        "<ol><li>först</li></ol><blockquote><p>Ett citat.</p></blockquote>"
    )
    assert html_to_markdown(html) == (
        "## Program\n\nText med **fet** och *kursiv* och [en länk](https://example.se/a).\n\n"
        "- ett\n- två\n\n1. först\n\n> Ett citat."
    )


def test_scripts_styles_frames_and_forms_are_dropped_with_their_content() -> None:
    html = (
        "<p>Före</p><script>alert('x')</script><style>p{color:red}</style>"
        "<iframe src='https://evil.example/'>ram</iframe><form><input value='x'>Formulär"
        "<button>Skicka</button></form><noscript>ingen js</noscript><p>Efter</p>"
    )
    assert html_to_markdown(html) == "Före\n\nEfter"


def test_javascript_and_data_links_lose_their_address_and_keep_their_words() -> None:
    html = (
        '<p><a href="javascript:alert(1)">klicka</a> <a href=" JaVaScRiPt:alert(2)">här</a> '
        '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a> '
        '<img src="data:image/png;base64,AAAA" alt="pixel"></p>'
    )
    markdown = html_to_markdown(html)
    assert markdown == "klicka här data"
    assert "javascript" not in render_markdown(markdown).lower()


def test_tracking_attributes_parameters_and_pixels_are_dropped() -> None:
    html = (
        '<p><a href="https://example.se/x?utm_source=rss&amp;id=7&amp;fbclid=abc" '
        'onclick="track()" data-track="1">länk</a>'
        '<img src="https://stats.example/p.gif" width="1" height="1"></p>'
    )
    assert html_to_markdown(html) == "[länk](https://example.se/x?id=7)"


def test_words_that_look_like_markdown_stay_words() -> None:
    html = "<p>1. inte en lista</p><p># inte en rubrik</p><p>[text](javascript:x) a_b *c*</p>"
    markdown = html_to_markdown(html)
    rendered = render_markdown(markdown)
    assert "<ol>" not in rendered and "<h1>" not in rendered and "<a " not in rendered
    assert html_to_text(html) == "1. inte en lista # inte en rubrik [text](javascript:x) a_b *c*"


def test_a_lead_is_the_text_a_reader_sees() -> None:
    assert html_to_text("<p>Ingress &amp; mer &lt;b&gt;</p>\n<p>Två</p>") == "Ingress & mer <b> Två"


# -- line breaks and structure, as classic-editor HTML has them -----------------------------------


def stray_backslashes(markdown: str, *, allow_html: bool = False) -> list[str]:
    """The lines of the rendered page that show a backslash to the reader."""
    rendered = render_markdown(markdown, allow_html=allow_html)
    return [line for line in rendered.splitlines() if "\\" in line]


def test_a_line_break_at_a_blocks_edge_or_twice_in_a_row_leaves_no_backslash() -> None:
    html = (
        "<p>Verifiera:<br></p><p><br>Först<br><br>sedan<br /></p>"
        "<ul><li>ett<br></li></ul><blockquote><p>citat<br></p></blockquote>"
        "<p><strong>fet<br></strong>text</p>"
    )
    markdown = html_to_markdown(html)
    assert stray_backslashes(markdown) == []
    assert markdown == ("Verifiera:\n\nFörst\\\nsedan\n\n- ett\n\n> citat\n\n**fet**\\\ntext")


def test_a_line_break_inside_pre_is_a_newline_and_never_a_backslash() -> None:
    markdown = html_to_markdown("<pre>rad ett<br>rad två<br/>rad ``` tre</pre>")
    assert markdown == "````\nrad ett\nrad två\nrad ``` tre\n````"
    assert "<pre><code>rad ett\nrad två\nrad ``` tre\n</code></pre>" in render_markdown(markdown)


def test_a_line_break_in_a_heading_or_table_cell_is_a_space() -> None:
    html = (
        "<h2>Rubrik<br>två</h2><table><tr><th>Namn</th><th>Tel</th></tr>"
        "<tr><td>Anna<br>Berg</td><td>08 | 09</td></tr></table>"
    )
    markdown = html_to_markdown(html)
    assert markdown == ("## Rubrik två\n\n| Namn | Tel |\n| --- | --- |\n| Anna Berg | 08 \\| 09 |")
    rendered = render_markdown(markdown)
    assert "<th>Namn</th>" in rendered and "<td>08 | 09</td>" in rendered
    assert "\\" not in rendered


def test_a_table_without_header_cells_stays_a_table_its_first_row_the_header() -> None:
    html = "<table><tbody><tr><td>Kurs</td><td>Avgift</td></tr><tr><td>Piano</td><td>450 kr</td></tr></tbody></table>"
    rendered = render_markdown(html_to_markdown(html))
    assert "<th>Kurs</th>" in rendered and "<td>450 kr</td>" in rendered


# -- imported text is text ------------------------------------------------------------------------


def test_text_that_reads_as_html_stays_visible_text_even_where_html_is_allowed() -> None:
    html = "<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;</p>"
    markdown = html_to_markdown(html)
    rendered = render_markdown(markdown, allow_html=True)
    assert "<script" not in rendered and "<img" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert html_to_text(html) == "<script>alert(1)</script> <img src=x onerror=alert(2)>"


def test_an_address_in_angle_brackets_as_text_is_no_live_link() -> None:
    markdown = html_to_markdown("<p>Se &lt;https://evil.example/&gt; nu</p>")
    assert "<a " not in render_markdown(markdown)


def test_plain_text_that_looks_like_a_link_is_no_link() -> None:
    markdown = html_to_markdown("[klicka](javascript:alert(1)) och *inte* fet")
    assert markdown == "\\[klicka\\](javascript:alert(1)) och \\*inte\\* fet"
    assert "<a " not in render_markdown(markdown, allow_html=True)
    assert html_to_text("[klicka](javascript:alert(1))") == "[klicka](javascript:alert(1))"


def test_a_titles_tags_and_scripts_are_not_its_text() -> None:
    assert html_to_text("<b>Fet</b> <script>alert(1)</script>") == "Fet"


# -- links and images -----------------------------------------------------------------------------


def test_relative_links_and_images_are_read_against_the_base_address() -> None:
    html = '<p><a href="/om-oss/">Om oss</a> <img src="bild.jpg" alt="En bild"></p>'
    assert html_to_markdown(html, base_url="https://example.se/nyheter") == (
        "[Om oss](https://example.se/om-oss/) ![En bild](https://example.se/nyheter/bild.jpg)"
    )


def test_a_link_to_the_image_it_shows_is_the_image_alone_and_its_alt_is_escaped() -> None:
    html = (
        '<a href="https://e.se/piano.jpg"><img src="https://e.se/piano-300x200.jpg" '
        'alt="Ett piano [flygel]"></a> <a href="https://e.se/sida"><img src="https://e.se/b.png" alt=""></a>'
    )
    markdown = html_to_markdown(html)
    assert markdown == (
        "![Ett piano \\[flygel\\]](https://e.se/piano-300x200.jpg) "
        "[![](https://e.se/b.png)](https://e.se/sida)"
    )
    assert 'alt="Ett piano [flygel]"' in render_markdown(markdown)


def test_code_with_line_breaks_is_a_block_of_code_without_backslashes() -> None:
    markdown = html_to_markdown(
        "<p>Kod:<br />\n<code>.rubrik {<br />\n\tmarginal: 0;<br />\n}</code></p><p><kbd>Ctrl<br>C</kbd></p>"
    )
    assert markdown == "Kod:\n\n```\n.rubrik {\nmarginal: 0;\n}\n```\n\n`Ctrl C`"
    assert stray_backslashes(markdown) == []


def test_a_tables_footer_row_is_a_row_not_a_second_header() -> None:
    html = (
        "<table><thead><tr><th>Kurs</th><th>Avgift</th></tr></thead>"
        "<tbody><tr><td>Piano</td><td>450 kr</td></tr></tbody>"
        "<tfoot><tr><td>Summa</td><td>450 kr</td></tr></tfoot></table>"
    )
    markdown = html_to_markdown(html)
    assert markdown == ("| Kurs | Avgift |\n| --- | --- |\n| Piano | 450 kr |\n| Summa | 450 kr |")
    assert render_markdown(markdown).count("<tr>") == 3


def test_two_lists_in_a_row_stay_two_lists() -> None:
    html = "<ul><li>a</li></ul>\n<ul><li>b</li></ul><ol><li>ett</li></ol><ol><li>två</li></ol>"
    markdown = html_to_markdown(html)
    assert markdown == "- a\n\n* b\n\n1. ett\n\n1) två"
    rendered = render_markdown(markdown)
    assert rendered.count("<ul>") == 2 and rendered.count("<ol>") == 2


def test_bold_around_a_list_leaves_the_list_and_no_backslash() -> None:
    # Found by the fuzz test below: `**- - 0\n\n    1\.**` showed "**- - 0" and a code block.
    markdown = html_to_markdown("<strong><ul><li><ul><li>0<p>1. ")
    rendered = render_markdown(markdown, allow_html=True)
    assert rendered.count("<ul>") == 2 and "<pre>" not in rendered
    assert "\\" not in BeautifulSoup(rendered, "html.parser").get_text()


def test_list_items_outside_a_list_and_code_in_code_leave_no_backslash() -> None:
    # Found by the fuzz test below: "ord- x" on one line, and `\\|` in a table cell.
    stray = render_markdown(html_to_markdown("ord<li>x</li><li>y</li> z"))
    assert "<p>ord</p>" in stray and stray.count("<li>") == 2
    cell = render_markdown(html_to_markdown("<table><tr><td><code><code>a|b"))
    assert "<code>a|b</code>" in cell
    nested = render_markdown(html_to_markdown("<table><tr><td><table><tr><td>a|b<td>c"))
    assert "<th>a|b c</th>" in nested  # was a paragraph of bars and a backslash
    term = render_markdown(html_to_markdown("<dl><dt><table><tr><td>x</td></tr></table><dd>0"))
    assert "<strong>x" in term and "|" not in term  # was bars in bold
    around = render_markdown(html_to_markdown("<code>ord<p>x"))  # was "`ord" and "x`"
    assert around == "<p>ord</p>\n<p>x</p>\n"


def test_words_after_a_nested_list_in_an_item_are_a_paragraph_not_code() -> None:
    # Found by the fuzz test below: "```1\." — the words joined the code's closing fence.
    rendered = render_markdown(html_to_markdown("<ul><li><ul><li><pre>ord</li></ul>1. x"))
    assert "<p>1. x</p>" in rendered and "```" not in rendered
    tight = render_markdown(html_to_markdown("<ul><li>a<ul><li>b</li></ul></li></ul>"))
    assert tight.startswith("<ul>\n<li>a\n<ul>")  # an item's first words stay its line


HTML_PARTS = st.sampled_from(
    [
        "<p>", "</p>", "<br>", "<br><br>", "<ul><li>", "</li></ul>", "<ol><li>", "</li>",
        "<li>", "</ol>", "<table><tr><td>", "</td><td>", "</td></tr></table>", "<h2>",
        "</h2>", "<blockquote>", "</blockquote>", "<pre>", "</pre>", "<code>", "</code>",
        "<strong>", "</strong>", "<em>", "</em>", '<a href="https://e.se/">', "</a>",
        '<img src="https://e.se/b.jpg" alt="b">', "\n", "\n\n", " ", "ord", "1. ", "# ",
        "- ", "&lt;b&gt;", "*", "_", "[", "]", "|", "`", "~", ">", "&amp;", "<dl><dt>",
        "</dt><dd>", "</dd></dl>", "<dt>", "<tfoot><tr><td>",
    ]
)  # fmt: skip


@FUZZ
@given(st.lists(st.one_of(HTML_PARTS, st.text(max_size=5)), max_size=30))
def test_no_html_leaves_a_backslash_the_reader_sees(parts: list[str]) -> None:
    html = "".join(parts)
    markdown = html_to_markdown(html)
    rendered = render_markdown(markdown, allow_html=True)
    shown = BeautifulSoup(rendered, "html.parser").get_text()
    assert shown.count("\\") <= html.count("\\")
    assert "<script" not in rendered and "<b>" not in rendered


def test_html_nested_thousands_deep_keeps_its_words_without_a_recursion_error() -> None:
    deep = "<div><blockquote>" * 2500 + "Djupt <b>ord</b>" + "</blockquote></div>" * 2500
    markdown = html_to_markdown(f"<p>Före</p>{deep}<p>Efter</p>")
    assert markdown.startswith("Före\n\n") and markdown.endswith("\n\nEfter")
    assert markdown.count("Djupt ord") == 1


def test_a_pipe_in_code_in_a_table_cell_stays_in_its_cell() -> None:
    html = "<table><tr><th>Kod</th><th>Not</th></tr><tr><td><code>a|b</code></td><td>x</td></tr></table>"
    rendered = render_markdown(html_to_markdown(html))
    assert "<td><code>a|b</code></td>\n<td>x</td>" in rendered


def test_a_definition_list_is_each_term_in_bold_over_its_definition() -> None:
    html = "<dl><dt>Startup</dt><dd>Ett nytt företag.</dd><dt>#jobba</dt><dd>Ett motto.</dd></dl>"
    markdown = html_to_markdown(html)
    assert markdown == "**Startup**\\\nEtt nytt företag.\n\n**#jobba**\\\nEtt motto."
    rendered = render_markdown(markdown)
    assert "<p><strong>Startup</strong><br />\nEtt nytt företag.</p>" in rendered
    assert "\\" not in rendered and ":" not in rendered


def test_a_term_without_a_definition_leaves_no_backslash() -> None:
    markdown = html_to_markdown("<dl><dt>Ett</dt><dt>Två</dt><dd>Båda.</dd><dt>Sist</dt></dl>")
    assert markdown == "**Ett**\n\n**Två**\\\nBåda.\n\n**Sist**"
    assert stray_backslashes(markdown) == []
