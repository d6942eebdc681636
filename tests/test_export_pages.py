"""The site's map: names sorted the Swedish way, and page-relative links that work from file://."""

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
