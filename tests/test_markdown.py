"""Story Markdown: whatever a body holds (raw HTML, hostile links and autolinks), the HTML
has only the elements Markdown makes and no URL a browser would run."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newscli.markdown import render_markdown
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
