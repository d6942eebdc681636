"""Photos a story's text shows from its old site: brought into the newsroom as a story's own
photo is, or kept at their address and named in a warning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newscli.importing.core import ImportOptions, ImportReport, import_stories
from newscli.importing.fetch import FetchError
from newscli.importing.incoming import Incoming
from newscli.newsroom import Newsroom
from tests.conftest import NOW
from tests.support.newsrooms import PHOTO

CET = dt.timezone(dt.timedelta(hours=1))
PIANO = "https://kultur.example.se/wp-content/uploads/2024/02/piano.jpg"
GONE = "https://gammal.example.se/bild.jpg"


@pytest.fixture
def empty(newsroom_path: Path) -> Path:
    """A newsroom (the sample's) with no photo in February 2024."""
    assert not (newsroom_path / "images/2024/02").exists()
    return newsroom_path


def post(body: str) -> Incoming:
    return Incoming(
        where="export.xml, post 7",
        title="Vårens kurser",
        date=dt.datetime(2024, 2, 5, 9, 0, tzinfo=CET),
        body=body,
        key={"wordpress": "https://kultur.example.se", "post_id": "7"},
    )


def download(url: str) -> bytes:
    if url == PIANO:
        return PHOTO.read_bytes()
    raise FetchError("no answer within 30 seconds", url)


def imported(root: Path, body: str, **options: object) -> tuple[ImportReport, str]:
    report = import_stories(
        Newsroom(root), [post(body)], ImportOptions(**options), now=NOW, download=download
    )
    path = report.outcomes[0].path
    text = (root / str(path)).read_text() if path and (root / str(path)).exists() else ""
    return report, text


def test_a_photo_in_the_text_is_brought_in_and_the_text_shows_the_copy(empty: Path) -> None:
    report, text = imported(empty, f"Se bilden:\n\n![Ett piano \\[flygel\\]]({PIANO})")
    assert "![Ett piano \\[flygel\\]](images/2024/02/varens-kurser.jpg)" in text
    assert PIANO not in text.split("+++")[-1]
    assert (empty / "images/2024/02/varens-kurser.jpg").read_bytes() == PHOTO.read_bytes()
    assert report.outcomes[0].warnings == ()


def test_a_photo_that_cannot_be_fetched_keeps_its_address_and_is_named_once(empty: Path) -> None:
    body = f"![Gammal]({GONE})\n\nText.\n\n![Igen]({GONE})\n\n![Ett piano]({PIANO})"
    report, text = imported(empty, body)
    assert f"![Gammal]({GONE})" in text and f"![Igen]({GONE})" in text
    assert "![Ett piano](images/2024/02/varens-kurser.jpg)" in text
    assert report.outcomes[0].warnings == (
        "1 photo in the text could not be downloaded and is still shown from its old "
        f"address: {GONE} (no answer within 30 seconds)",
    )


def test_an_image_written_inside_code_is_no_photo_to_fetch(empty: Path) -> None:
    fetched: list[str] = []

    def counting(url: str) -> bytes:
        fetched.append(url)
        return download(url)

    body = f"```\n![kod]({PIANO})\n```"
    import_stories(Newsroom(empty), [post(body)], ImportOptions(), now=NOW, download=counting)
    assert fetched == []


def test_a_dry_run_fetches_no_photo_in_the_text(empty: Path) -> None:
    def refuse(url: str) -> bytes:
        raise AssertionError(url)

    report = import_stories(
        Newsroom(empty),
        [post(f"![Ett piano]({PIANO})")],
        ImportOptions(dry_run=True),
        now=NOW,
        download=refuse,
    )
    assert not (empty / "images/2024/02").exists()
    assert report.outcomes[0].warnings == ()
