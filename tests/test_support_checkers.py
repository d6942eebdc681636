"""The checkers of tests/support catch what they must: an injected element or `on…` attribute,
every spelling of a `javascript:` URL, a malformed feed; and hostile text survives TOML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.support.checkers import check_xml_feed, html_shape, unsafe_urls
from tests.support.hostile import NASTY, toml_string


def test_shape_sees_injected_elements_and_attributes() -> None:
    shape = html_shape('<p title="x">a<img src=x onerror=alert(1)><svg/onload=alert(1)></p>')
    assert {"p", "img", "svg"} <= shape.elements
    assert ("img", "onerror") in shape.attributes
    assert ("svg", "onload") in shape.attributes


def test_unsafe_urls_are_found_however_they_are_spelled() -> None:
    assert unsafe_urls(
        ["javascript:alert(1)", " JaVa\tScRipt:x", "data:text/html,x", "vbscript:x"]
    ) == [
        "javascript:alert(1)",
        " JaVa\tScRipt:x",
        "data:text/html,x",
        "vbscript:x",
    ]
    assert unsafe_urls(["../a/index.html", "https://x.se/", "mailto:a@b.se", "./a:b"]) == []
    assert unsafe_urls(["a:b/c"]) == ["a:b/c"]  # a browser reads "a:" as a scheme


def test_feed_check_rejects_a_malformed_feed() -> None:
    with pytest.raises(ET.ParseError):
        check_xml_feed("<rss><channel><title>a & b</title></channel></rss>")


def test_toml_string_round_trips_every_hostile_text() -> None:
    import tomllib

    for value in NASTY:
        assert tomllib.loads(f"x = {toml_string(value)}")["x"] == value
