"""HTML from feeds as clean Markdown: the story's structure kept, whatever runs or tracks gone."""

from __future__ import annotations

from newscli.importing.html import html_to_markdown, html_to_text
from newscli.markdown import render_markdown


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
