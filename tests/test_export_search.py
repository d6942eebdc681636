"""The site's search as a reader meets it: only public stories are ever findable, Swedish
words are found by their stem and without their diacritics, results and filters work from
the sub-path the site is served under, the page is accessible with results shown, and a
withdrawn story is gone from search in the same export that takes its page away."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from newscli.export.site import export_site
from newscli.newsroom import Newsroom
from tests.conftest import NOW, STORY
from tests.support.browser import Browser, axe_source, axe_violations, axe_violations_shown
from tests.support.checkers import read, readable, searchable
from tests.support.harness import run
from tests.support.newsrooms import sample_newsroom, story, write_article
from tests.support.site_tools import CHROMIUM, missing_tool

PUBLIC = {
    "/2021/11/forbattrad-ekonomisk-prognos-for-socialtjansten/",
    "/2022/01/socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation/",
    "/2022/02/socialnamnden-har-minskat-sitt-budgetunderskott-med-31-miljoner-pa-tva-ar/",
    "/2022/03/framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa/",
    "/2022/03/pitea-kommun-deltar-i-kampanjen-en-vecka-fri-fran-vald/",
}
SECRET = "hemligaste"  # a word only the stories that are not public hold


def hidden_stories(root: Path) -> None:
    """A draft, an embargoed, an expired and a withdrawn story, each with the secret word."""
    body = f"\nDen {SECRET} texten om prognosen.\n"
    write_article(root, story("utkastet", status="draft", body=body))
    later = NOW + dt.timedelta(days=30)
    write_article(root, story("embargot", date=later, body=body))
    write_article(root, story("utgangen", expires=NOW - dt.timedelta(days=1), body=body))
    write_article(
        root,
        story(
            "indragen",
            status="withdrawn",
            withdrawn=NOW - dt.timedelta(days=2),
            withdrawn_reason="Fel uppgifter",
            body=body,
        ),
    )


def test_only_the_public_stories_are_in_the_index(tmp_path: Path) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    hidden_stories(root)
    export_site(Newsroom(root), tmp_path / "public", now=NOW)
    found = searchable(tmp_path / "public")
    assert set(found) == PUBLIC
    assert not [url for url, text in found.items() if SECRET in text]
    # The withdrawn story's notice page is on the site, and not in the index.
    assert (tmp_path / "public/2022/04/indragen/index.html").is_file()


def test_a_preview_build_indexes_only_what_is_public(tmp_path: Path) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    hidden_stories(root)
    export_site(Newsroom(root), tmp_path / "preview", now=NOW, drafts=True, future=True)
    assert (tmp_path / "preview/2022/04/utkastet/index.html").is_file()  # shown in the preview
    assert set(searchable(tmp_path / "preview")) == PUBLIC


def test_a_withdrawn_story_leaves_the_index_in_the_same_export(tmp_path: Path) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    public = tmp_path / "public"
    export_site(Newsroom(root), public, now=NOW)
    assert f"/2021/11/{STORY}/" in searchable(public)
    unpublished = run(root, "unpublish", STORY, "--reason", "Fel siffror")
    assert unpublished.exit_code == 0, unpublished.stderr
    export_site(Newsroom(root), public, now=NOW)
    assert set(searchable(public)) == PUBLIC - {f"/2021/11/{STORY}/"}


def test_an_edit_is_findable_after_the_next_export_and_the_old_words_are_not(
    tmp_path: Path,
) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    public = tmp_path / "public"
    export_site(Newsroom(root), public, now=NOW)
    path = root / "articles/2021/11" / f"{STORY}.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("brandskydd", "sprinklersystem"),
        encoding="utf-8",
    )
    export_site(Newsroom(root), public, now=NOW)  # a re-publish of one story
    text = searchable(public)[f"/2021/11/{STORY}/"]
    assert "sprinklersystem" in text and "brandskydd" not in text


def edit(root: Path, old: str, new: str, path: str = f"2021/11/{STORY}.md") -> None:
    """Replace a word in a story of the sample newsroom (its first, unless path says)."""
    file = root / "articles" / path
    file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def index_files(public: Path) -> dict[str, int]:
    return {
        p.relative_to(public).as_posix(): p.stat().st_mtime_ns
        for p in (public / "pagefind").rglob("*")
        if p.is_file()
    }


def test_a_re_publish_after_one_edit_indexes_only_that_story(tmp_path: Path) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    public = tmp_path / "public"
    export_site(Newsroom(root), public, now=NOW)
    before = index_files(public)
    edit(root, "carport", "cykelgarage")
    export_site(Newsroom(root), public, now=NOW)
    after = index_files(public)
    # Pagefind was given the edited story alone: the index of what changed holds one page.
    entry = json.loads((public / "pagefind/delta/pagefind-entry.json").read_bytes())
    assert entry["languages"]["sv"]["page_count"] == 1
    # The whole index is as it was, less the edited story's old text (its fragment).
    kept = {rel: mtime for rel, mtime in after.items() if not rel.startswith("pagefind/delta/")}
    kept.pop("pagefind/newscli-delta.json")
    assert len(before) - len(kept) == 2  # the old fragment, and the delta record rewritten
    assert all(before[rel] == mtime for rel, mtime in kept.items())
    found = searchable(public)
    assert set(found) == PUBLIC
    assert "cykelgarage" in found[f"/2021/11/{STORY}/"]
    assert not [url for url, text in found.items() if "carport" in text]
    # A second re-publish adds the next edited story to that index; the whole one stays.
    other = "2022/01/socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation"
    edit(root, "anhörigkoordinator", "anhörigsamordnare", f"{other}.md")
    export_site(Newsroom(root), public, now=NOW)
    entry = json.loads((public / "pagefind/delta/pagefind-entry.json").read_bytes())
    assert entry["languages"]["sv"]["page_count"] == 2
    again = index_files(public)
    assert all(before[rel] == again[rel] for rel in kept if rel in again)
    assert len(kept) - sum(rel in again for rel in kept) == 1  # the second story's old text
    found = searchable(public)
    assert set(found) == PUBLIC and "anhörigsamordnare" in found[f"/{other}/"]


def test_a_withdrawal_after_a_re_publish_leaves_no_trace_in_the_index(tmp_path: Path) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    public = tmp_path / "public"
    export_site(Newsroom(root), public, now=NOW)
    edit(root, "carport", "cykelgarage")
    export_site(Newsroom(root), public, now=NOW)  # the story is in the index of what changed
    unpublished = run(root, "unpublish", STORY, "--reason", "Fel siffror")
    assert unpublished.exit_code == 0, unpublished.stderr
    export_site(Newsroom(root), public, now=NOW)
    assert set(searchable(public)) == PUBLIC - {f"/2021/11/{STORY}/"}
    # Not a word of it anywhere in the index's files, new or old.
    for path in (public / "pagefind").rglob("*"):
        if path.is_file() and path.name != "newscli.json":
            text = readable(path)
            assert b"cykelgarage" not in text and b"carport" not in text, path
    assert not (public / "pagefind/delta").exists()


def test_an_unchanged_site_keeps_its_index_as_it_is(tmp_path: Path) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    public = tmp_path / "public"
    export_site(Newsroom(root), public, now=NOW)
    before = {p: p.stat().st_mtime_ns for p in (public / "pagefind").rglob("*") if p.is_file()}
    again = export_site(Newsroom(root), public, now=NOW, full=True)
    after = {p: p.stat().st_mtime_ns for p in (public / "pagefind").rglob("*") if p.is_file()}
    assert after == before and again.written == 0


def test_search_false_writes_no_search_page_index_or_field(tmp_path: Path) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    config = root / "newscli.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("[site]\n", "[site]\nsearch = false\n", 1),
        encoding="utf-8",
    )
    export_site(Newsroom(root), tmp_path / "public", now=NOW)
    assert not (tmp_path / "public/pagefind").exists()
    assert not (tmp_path / "public/search").exists()
    assert 'role="search"' not in read(tmp_path / "public", "index.html")


def test_every_page_has_a_labelled_search_field_and_the_page_says_what_needs_javascript(
    tmp_path: Path,
) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    export_site(Newsroom(root), tmp_path / "public", now=NOW)
    front = read(tmp_path / "public", "index.html")
    assert '<label class="visually-hidden" for="sok-rubrik">Sök bland nyheterna</label>' in front
    assert 'action="search/index.html" method="get"' in front
    page = read(tmp_path / "public", "search/index.html")
    assert "<noscript>" in page and 'href="../arkiv/index.html"' in page
    assert "Sökningen behöver JavaScript" in page


# -- in a real browser ---------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, str]]:
    """The sample newsroom's site, served from /kommun/nyheter/ on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("search")
    root = sample_newsroom(folder / "newsroom")
    public = folder / "www" / "kommun" / "nyheter"
    export_site(Newsroom(root), public, now=NOW)
    handler = functools.partial(_Quiet, directory=str(folder / "www"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield root, public, f"http://127.0.0.1:{server.server_address[1]}/kommun/nyheter/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    found = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    if found is None:
        missing_tool("Chromium (/usr/bin/chromium)")
    assert found is not None
    source = axe_source()
    if source is None:
        missing_tool("axe-core (.ci/vendor/node_modules/axe-core)")
    assert source is not None
    started = Browser(found, tmp_path_factory.mktemp("search-profile"))
    started.preload(source.read_text(encoding="utf-8"))
    yield started
    started.close()


STATUS = "document.getElementById('sok-status').textContent"


def wait_for(browser: Browser, expression: str, done: Callable[[Any], bool]) -> Any:
    """The value of expression in the page once done says it is what the test waits for,
    or its last value after 20 s."""
    deadline = time.monotonic() + 20
    value = browser.evaluate(expression)
    while not done(value) and time.monotonic() < deadline:
        time.sleep(0.05)
        value = browser.evaluate(expression)
    return value


def search(browser: Browser, url: str) -> tuple[str, list[dict[str, str]]]:
    """Open the search page at url and wait (at most 20 s) for its answer: the status line
    a screen reader announces, and each result's link, title and text."""
    browser.open(url)
    status = wait_for(browser, STATUS, lambda shown: bool(shown) and not shown.startswith("Söker"))
    results = browser.evaluate(
        "[...document.querySelectorAll('#sok-traffar li')].map(li => ({"
        "href: li.querySelector('a').getAttribute('href'), title: li.querySelector('a').textContent,"
        " text: li.innerText}))"
    )
    return status, results


def test_swedish_words_are_found_by_stem_and_without_diacritics(
    browser: Browser, served: tuple[Path, Path, str]
) -> None:
    _root, _public, base = served
    for word in ("forbattrad", "Förbättrad", "prognosen"):
        status, results = search(browser, f"{base}search/?q={word}")
        assert status == f"1 träff för ”{word}”"
        assert [r["href"] for r in results] == [f"/kommun/nyheter/2021/11/{STORY}/"]
        assert "23 november 2021 · Ekonomi, Anhörigstöd" in results[0]["text"]


def test_a_result_leads_to_its_story_under_the_sub_path(
    browser: Browser, served: tuple[Path, Path, str]
) -> None:
    _root, _public, base = served
    _status, results = search(browser, f"{base}search/?q=anhörigkoordinator")
    assert results
    browser.open(base.rsplit("/kommun/", 1)[0] + results[0]["href"])
    assert browser.evaluate("document.querySelector('h1').textContent") == results[0]["title"]


def test_filters_by_topic_and_year_and_newest_first(
    browser: Browser, served: tuple[Path, Path, str]
) -> None:
    _root, _public, base = served
    _status, every = search(browser, f"{base}search/?q=socialtjänsten&order=newest")
    dates = [r["href"].split("/")[3:5] for r in every]
    assert len(every) >= 3 and dates == sorted(dates, reverse=True)
    _status, by_year = search(browser, f"{base}search/?q=socialtjänsten&year=2021")
    assert [r["href"] for r in by_year] == [f"/kommun/nyheter/2021/11/{STORY}/"]
    status, by_topic = search(browser, f"{base}search/?topic=Ekonomi")
    assert len(by_topic) == 2 and status == "2 träffar för ”…”"
    options = browser.evaluate(
        "[...document.querySelectorAll('#sok-amne option')].map(o => o.textContent)"
    )
    assert "Ekonomi (2)" in options


def test_the_search_page_with_results_passes_axe_core(
    browser: Browser, served: tuple[Path, Path, str]
) -> None:
    _root, _public, base = served
    _status, results = search(browser, f"{base}search/?q=prognos")
    assert results
    assert axe_violations_shown(browser) == []
    assert axe_violations(browser, f"{base}index.html") == []


def test_the_search_field_works_with_the_keyboard_alone(
    browser: Browser, served: tuple[Path, Path, str]
) -> None:
    _root, _public, base = served
    browser.open(f"{base}search/")
    # The filters show once the index has loaded.
    wait_for(browser, "!document.querySelector('.search-filters').hidden", bool)
    browser.evaluate("document.getElementById('sok-text').focus()")
    browser.send("Input.insertText", session=browser.session, text="budget")
    for kind in ("keyDown", "keyUp"):
        browser.send(
            "Input.dispatchKeyEvent",
            session=browser.session,
            type=kind,
            key="Enter",
            code="Enter",
            windowsVirtualKeyCode=13,
            text="\r" if kind == "keyDown" else "",
        )
    status = wait_for(browser, STATUS, lambda shown: shown.endswith("för ”budget”"))
    assert status.endswith("för ”budget”") and not status.startswith("Inga")
    assert browser.evaluate("location.search") == "?q=budget"


def test_an_edited_story_is_found_by_its_new_words_once_and_in_its_place(
    browser: Browser, served: tuple[Path, Path, str]
) -> None:
    root, public, base = served
    edit(root, "carport", "cykelgarage")
    export_site(Newsroom(root), public, now=NOW)  # a re-publish: the edit in its own index
    assert (public / "pagefind/delta").is_dir()
    browser.send("Network.clearBrowserCache", session=browser.session)
    story_url = f"/kommun/nyheter/2021/11/{STORY}/"
    status, results = search(browser, f"{base}search/?q=cykelgarage")
    assert status == "1 träff för ”cykelgarage”"
    assert [r["href"] for r in results] == [story_url]
    assert "23 november 2021 · Ekonomi, Anhörigstöd" in results[0]["text"]
    status, _results = search(browser, f"{base}search/?q=carport")
    assert status == "Inga träffar för ”carport”."
    # Counted once in the filters and in the results, and in its place among the newest.
    _status, by_topic = search(browser, f"{base}search/?topic=Ekonomi")
    assert len(by_topic) == 2
    options = browser.evaluate(
        "[...document.querySelectorAll('#sok-amne option')].map(o => o.textContent)"
    )
    assert "Ekonomi (2)" in options and "Anhörigstöd (2)" in options
    _status, every = search(browser, f"{base}search/?q=socialtjänsten&order=newest")
    dates = [r["href"].split("/")[3:5] for r in every]
    assert story_url in [r["href"] for r in every] and dates == sorted(dates, reverse=True)
    assert len({r["href"] for r in every}) == len(every)


def test_a_withdrawn_story_is_no_longer_found_after_the_export(
    browser: Browser, tmp_path: Path, served: tuple[Path, Path, str]
) -> None:
    root, public, base = served
    _status, before = search(browser, f"{base}search/?q=kvalitetsmässa")
    slug = "framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa"
    assert any(slug in r["href"] for r in before)
    unpublished = run(root, "unpublish", slug, "--reason", "Fel datum")
    assert unpublished.exit_code == 0, unpublished.stderr
    export_site(Newsroom(root), public, now=NOW)
    browser.send("Network.clearBrowserCache", session=browser.session)
    _status, after = search(browser, f"{base}search/?q=kvalitetsmässa")
    assert not any(slug in r["href"] for r in after)
