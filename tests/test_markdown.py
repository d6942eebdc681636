"""Story Markdown: whatever a body holds (raw HTML, hostile links and autolinks), the HTML
has only the elements Markdown makes and no URL a browser would run."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscli import markdown
from newscli.markdown import _reference, render_markdown
from tests.conftest import REPO, STORY_PATH
from tests.support.checkers import MARKDOWN_ATTRIBUTES, MARKDOWN_ELEMENTS, html_shape, unsafe_urls
from tests.support.fuzz import FUZZ
from tests.support.hostile import hostile_markdown


@FUZZ
@given(st.lists(hostile_markdown, min_size=1, max_size=6).map("\n\n".join))
def test_markdown_makes_only_markdown_elements_and_safe_urls(text: str) -> None:
    shape = html_shape(render_markdown(text))
    assert shape.elements <= MARKDOWN_ELEMENTS, shape.elements - MARKDOWN_ELEMENTS
    assert shape.attributes <= MARKDOWN_ATTRIBUTES, shape.attributes - MARKDOWN_ATTRIBUTES
    assert unsafe_urls(shape.urls) == []


# Markdown's marks, odd URLs and text in every order: where the two renderers could differ.
_PIECES = st.sampled_from(
    [
        "*", "**", "_", "__", "[", "]", "(", ")", "![", "](", "!", "#", "## ", "`", "```",
        "\n", "\n\n", " ", "  \n", "\t", "    ", "- ", "+ ", "1. ", "2) ", "> ", "---", "===",
        "&", "&amp;", "&auml;", "&#0;", "&#x27;", "\\", "\\*", "\"", "'", "ä", "ö", "word",
        "https://example.se/a?b=1&c=2", "https://exämple.se/ö", "javascript:alert(1)",
        "mailto:a@b.se", "images/bild.jpg", "../a b", "%20", "%zz", "~", "|", "=", "<", ">",
        "[ref]", "[ref]: /url \"title\"\n", "\u0000", "\u00a0", "\u2028", "é",
    ]
)  # fmt: skip


@FUZZ
@given(st.lists(_PIECES | hostile_markdown, min_size=1, max_size=30).map("".join))
def test_the_compiled_renderer_writes_exactly_what_markdown_it_writes(text: str) -> None:
    def rewrite(url: str) -> str:
        return f"../../{url}"

    assert render_markdown(text) == _reference(text)
    assert render_markdown(text, rewrite_url=rewrite) == _reference(text, rewrite_url=rewrite)


def test_a_story_s_body_is_rendered_by_cmark_and_its_links_rewritten(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = (REPO / STORY_PATH).read_text(encoding="utf-8").split("+++\n", 2)[2]
    body += "\n[Budgeten](https://www.pitea.se/budget?ar=2022&del=2) och [mer](topics/ekonomi/).\n"
    expected = _reference(body, rewrite_url=lambda url: f"../{url}")
    monkeypatch.setattr(markdown, "_reference", None)  # markdown-it-py is not asked
    assert render_markdown(body, rewrite_url=lambda url: f"../{url}") == expected
    assert 'href="../https://www.pitea.se/budget?ar=2022&amp;del=2"' in expected
