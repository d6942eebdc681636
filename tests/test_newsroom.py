import os
import stat
from pathlib import Path

import pytest

from newscli.catalog import Catalog
from newscli.errors import RefError, WriteError
from newscli.newsroom import Newsroom, write_atomic
from tests.conftest import STORY, STORY_PATH


def test_the_sample_newsroom_has_the_five_seed_stories(newsroom: Newsroom) -> None:
    scan = newsroom.scan()
    assert scan.broken == []
    titles = {a.title for a in scan.articles}
    assert titles == {
        "Förbättrad ekonomisk prognos för socialtjänsten, utökat brandskydd och satsning på barn som anhöriga",
        "Framtidens socialtjänst i fokus under årets kvalitetsmässa",
        "Piteå kommun deltar i kampanjen En vecka fri från våld",
        "Socialnämnden har minskat sitt budgetunderskott med 31 miljoner på två år",
        "Socialtjänsten erbjuder stöd till anhöriga genom ny organisation",
    }
    story = Catalog(newsroom).resolve(STORY).one
    assert story.author == "Piteå kommun"
    assert story.source is not None and story.source.name == "Piteå kommun, Piteå"
    assert "-Det är otroligt glädjande" in story.body
    assert "– Vår största utmaning" in story.body
    massa = (
        Catalog(newsroom).resolve("framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa").one
    )
    assert massa.image is not None and massa.image.credit == "Helene Markström"


def test_a_missing_teaser_is_the_first_paragraph(newsroom: Newsroom) -> None:
    article = (
        Catalog(newsroom)
        .resolve("socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation")
        .one
    )
    assert article.teaser is None
    assert article.lead.startswith("Socialtjänsten har sjösatt en ny organisation")
    assert article.story == ""


def test_refs_by_slug_path_and_id_prefix(
    newsroom: Newsroom, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(newsroom_path)
    by_slug = Catalog(newsroom).resolve(STORY).one
    assert Catalog(newsroom).resolve(STORY_PATH).one == by_slug
    assert Catalog(newsroom).resolve(str(newsroom_path / STORY_PATH)).one == by_slug
    assert Catalog(newsroom).resolve("0b6f0c2e").one == by_slug


def test_unknown_ref_suggests_and_ambiguous_ref_lists(newsroom: Newsroom) -> None:
    with pytest.raises(
        RefError, match="did you mean forbattrad-ekonomisk-prognos-for-socialtjansten"
    ):
        Catalog(newsroom).resolve("forbattrad-ekonomisk-prognos")
    # ids of the samples start with 0, 5, 9, c, e: "" is not allowed, a shared prefix is ambiguous
    path = (
        newsroom.root
        / "articles/2022/01/socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation.md"
    )
    path.write_text(path.read_text().replace('id = "e4f0', 'id = "0b6f'), encoding="utf-8")
    with pytest.raises(RefError, match="matches 2 articles") as exc:
        Catalog(newsroom).resolve("0b6f")
    assert STORY_PATH in str(exc.value)


def test_a_path_outside_articles_is_not_a_ref(newsroom: Newsroom, newsroom_path: Path) -> None:
    (newsroom_path / "other.md").write_text("+++\n+++\n")
    with pytest.raises(RefError):
        Catalog(newsroom).resolve("other.md")


def test_atomic_write_keeps_mode_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_a_failing_rename_leaves_the_original_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.md"
    target.write_text("old")

    def no_space(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(WriteError, match="No space left") as exc:
        write_atomic(target, b"new")
    assert "a.md" in str(exc.value)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_exclusive_write_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_text("first")
    with pytest.raises(FileExistsError):
        write_atomic(target, b"second", exclusive=True)
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]
