"""`tag add|remove|rename|merge` and `topics` from the command line, as scripts use them.

What a tag run promises about the files it writes (kills, failures, a second run at once)
is in tests/test_tagging.py."""

import json
from pathlib import Path

import pytest

from newscli.article import Article
from newscli.newsroom import Newsroom
from tests.conftest import STORY, STORY_PATH, Invoke

FAMILY = 4  # sample stories with Familjefrågor


def topics_of(newsroom_path: Path) -> dict[str, tuple[str, ...]]:
    newsroom = Newsroom(newsroom_path)
    return {str(a.path): a.topics for a in newsroom.scan().articles}


def test_rename_across_the_newsroom(invoke: Invoke, newsroom_path: Path) -> None:
    result = invoke("tag", "rename", "familjefrågor ", "Familj och barn")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{FAMILY} stories changed\n"
    topics = topics_of(newsroom_path)
    assert sum("Familj och barn" in t for t in topics.values()) == FAMILY
    assert not any("Familjefrågor" in t for t in topics.values())
    # order kept: the renamed topic stands where the old one stood
    assert topics[
        "articles/2022/02/socialnamnden-har-minskat-sitt-budgetunderskott-med-31-miljoner-pa-tva-ar.md"
    ] == ("Familj och barn", "Ekonomi")


def test_rename_twice_changes_nothing_the_second_time(invoke: Invoke, newsroom_path: Path) -> None:
    invoke("tag", "rename", "Familjefrågor", "Familj och barn")
    stamps = {p: p.stat().st_mtime_ns for p in newsroom_path.rglob("*.md")}
    again = invoke("tag", "rename", "Familjefrågor", "Familj och barn")
    assert again.exit_code == 0
    assert again.stdout == "0 stories changed\n"
    assert {p: p.stat().st_mtime_ns for p in newsroom_path.rglob("*.md")} == stamps


def test_rename_onto_an_existing_topic_merges(invoke: Invoke, newsroom_path: Path) -> None:
    assert invoke("tag", "rename", "Anhörigstöd", "ekonomi").exit_code == 0
    # one topic, not two, written the way the user typed it
    assert topics_of(newsroom_path)[STORY_PATH] == ("ekonomi",)


def test_unknown_topic_suggests_near_matches(invoke: Invoke) -> None:
    result = invoke("tag", "rename", "Familjefrgor", "Familj")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "newscli: error: no story has the topic 'Familjefrgor'; did you mean Familjefrågor?\n"
    )
    removed = invoke("tag", "remove", "Ekonom", "--all")
    assert removed.exit_code == 1 and "did you mean Ekonomi?" in removed.stderr


def test_merge_into_one(invoke: Invoke, newsroom_path: Path) -> None:
    result = invoke("tag", "merge", "Anhörigstöd", "Ekonomi", "--into", "Stöd och ekonomi")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "3 stories changed\n"
    topics = topics_of(newsroom_path)
    assert topics[STORY_PATH] == ("Stöd och ekonomi",)


def test_add_by_search_and_the_summary(invoke: Invoke, newsroom_path: Path) -> None:
    result = invoke("tag", "add", "Brandskydd", "Ekonomi", "--search", "budget")
    assert result.exit_code == 0, result.stderr
    # the story and the closing-accounts story mention "budget"; both gain Brandskydd
    assert result.stdout == "2 stories changed\n"
    again = invoke("tag", "add", "Brandskydd", "--search", "budget")
    assert again.stdout == "0 stories changed, 2 already tagged\n"


def test_add_from_stdin_paths_piped_from_list(invoke: Invoke, newsroom_path: Path) -> None:
    paths = invoke("list", "--topic", "Ekonomi", "--format", "paths").stdout
    result = invoke("tag", "add", "Budget", "--stdin", input=f"# from list\n\n{paths}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2 stories changed\n"
    assert sum("Budget" in t for t in topics_of(newsroom_path).values()) == 2


def test_add_by_article_refs_and_filters_narrow(invoke: Invoke, newsroom_path: Path) -> None:
    result = invoke("tag", "add", "Utvalda", "-a", STORY, "-a", "5d1c3f4e", "--topic", "Ekonomi")
    assert result.stdout == "1 story changed\n"
    assert "Utvalda" in topics_of(newsroom_path)[STORY_PATH]


def test_no_selection_is_a_usage_error(invoke: Invoke, newsroom_path: Path) -> None:
    before = {p: p.read_bytes() for p in newsroom_path.rglob("*.md")}
    result = invoke("tag", "add", "Brandskydd")
    assert result.exit_code == 2
    assert "say which stories" in result.stderr
    assert invoke("tag", "add", "X", "--stdin", input="\n# nothing\n").exit_code == 2
    assert invoke("tag", "add", "X", "--all", "-a", STORY).exit_code == 2
    assert {p: p.read_bytes() for p in newsroom_path.rglob("*.md")} == before


def test_unknown_ref_changes_nothing(invoke: Invoke, newsroom_path: Path) -> None:
    before = {p: p.read_bytes() for p in newsroom_path.rglob("*.md")}
    result = invoke("tag", "add", "X", "-a", STORY, "-a", "finns-inte")
    assert result.exit_code == 1 and "'finns-inte'" in result.stderr
    assert {p: p.read_bytes() for p in newsroom_path.rglob("*.md")} == before


def test_dry_run_shows_changes_and_writes_nothing(invoke: Invoke, newsroom_path: Path) -> None:
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in newsroom_path.rglob("*.md")}
    result = invoke("tag", "rename", "Ekonomi", "Budget", "--dry-run")
    assert result.exit_code == 0
    assert f"{STORY_PATH}: Ekonomi, Anhörigstöd → Budget, Anhörigstöd" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == "2 stories would change"
    report = json.loads(
        invoke("tag", "remove", "Ekonomi", "--all", "--dry-run", "--format", "json").stdout
    )
    assert (
        report["dry_run"] is True and len(report["changed"]) == 2 and len(report["unchanged"]) == 3
    )
    assert {
        p: (p.read_bytes(), p.stat().st_mtime_ns) for p in newsroom_path.rglob("*.md")
    } == before


def test_json_report_for_scripts(invoke: Invoke) -> None:
    report = json.loads(invoke("tag", "add", "Ekonomi", "--all", "--format", "json").stdout)
    assert report["summary"] == "3 stories changed, 2 already tagged"
    change = next(c for c in report["changed"] if c["path"].endswith("kvalitetsmassa.md"))
    assert change["before"] == ["Familjefrågor", "Kvalitetsutveckling"]
    assert change["after"] == ["Familjefrågor", "Kvalitetsutveckling", "Ekonomi"]


def test_broken_files_are_skipped_untouched_and_exit_1(invoke: Invoke, newsroom_path: Path) -> None:
    broken = newsroom_path / "articles/2022/03/trasig.md"
    broken.write_bytes(b'+++\ntitle = "Trasig\ntopics = ["Ekonomi"]\n+++\n')
    result = invoke("tag", "rename", "Ekonomi", "Budget")
    assert result.exit_code == 1
    assert result.stdout == "2 stories changed, 1 skipped (broken)\n"
    assert "articles/2022/03/trasig.md:2" in result.stderr
    assert broken.read_bytes() == b'+++\ntitle = "Trasig\ntopics = ["Ekonomi"]\n+++\n'
    piped = invoke(
        "tag", "add", "X", "--stdin", input="articles/2022/03/trasig.md\n" + STORY + "\n"
    )
    assert piped.exit_code == 1 and piped.stdout == "1 story changed, 1 skipped (broken)\n"


def test_topics_lists_counts_and_spellings(invoke: Invoke, newsroom_path: Path) -> None:
    story = newsroom_path / STORY_PATH
    story.write_text(
        story.read_text().replace('"Ekonomi", "Anhörigstöd"', '"ekonomi", "Anhörigstöd"')
    )
    (newsroom_path / "articles/2021/11/utkast.md").write_text(
        '+++\nid = "d"\ntitle = "Utkast"\nslug = "utkast"\ndate = 2021-11-01\ntopics = ["Ekonomi"]\n+++\n'
    )
    records = json.loads(invoke("topics", "--format", "json").stdout)
    assert records[0] == {
        "topic": "Familjefrågor",
        "slug": "familjefragor",
        "articles": 4,
        "published": 4,
        "spellings": ["Familjefrågor"],
    }
    economy = next(r for r in records if r["slug"] == "ekonomi")
    assert economy["articles"] == 3 and economy["published"] == 2
    assert sorted(economy["spellings"]) == ["Ekonomi", "ekonomi"]
    table = invoke("topics").stdout
    assert "ekonomi" in table and "Familjefrågor" in table
    by_name = json.loads(invoke("topics", "--sort", "name", "--format", "json").stdout)
    assert [r["slug"] for r in by_name] == sorted(r["slug"] for r in by_name)
    assert (
        invoke("topics", "--format", "csv").stdout.splitlines()[0]
        == "topic,slug,articles,published,spellings"
    )


def test_paths_with_a_newline_go_through_the_pipeline_with_null(
    invoke: Invoke, newsroom_path: Path
) -> None:
    odd = newsroom_path / "articles/2022/01/rad\nbrytning.md"
    odd.write_bytes(
        (newsroom_path / STORY_PATH)
        .read_bytes()
        .replace(b'slug = "forbattrad', b'slug = "radbrytning-forbattrad')
        .replace(b'id = "0b6f', b'id = "ffff')
    )
    listed = invoke("list", "--topic", "Ekonomi", "--format", "paths", "--null")
    paths = listed.stdout.split("\0")
    assert paths[-1] == "" and "articles/2022/01/rad\nbrytning.md" in paths
    tagged = invoke("tag", "add", "Budget", "--stdin", "--null", input=listed.stdout)
    assert tagged.exit_code == 0, tagged.stderr
    assert tagged.stdout.startswith("3 stories changed")
    assert "Budget" in Newsroom(newsroom_path).load(odd).topics
    # Without --null the same names break into pieces that name nothing: refused, unchanged.
    lines = invoke("list", "--topic", "Ekonomi", "--format", "paths").stdout
    assert invoke("tag", "add", "Annat", "--stdin", input=lines).exit_code == 1


def test_the_command_after_tag_reads_none_of_the_files_tag_wrote(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("list")
    assert invoke("tag", "rename", "Familjefrågor", "Familj").exit_code == 0
    loaded: list[Path] = []
    real_load = Newsroom.load

    def load(self: Newsroom, path: Path) -> Article:
        loaded.append(path)
        return real_load(self, path)

    monkeypatch.setattr(Newsroom, "load", load)
    indexed = invoke("list", "--format", "json", "--topic", "Familj")
    topics = invoke("topics", "--format", "json").stdout
    assert loaded == []
    assert (
        indexed.stdout
        == invoke("list", "--format", "json", "--topic", "Familj", "--no-index").stdout
    )
    assert len(json.loads(indexed.stdout)) == FAMILY
    counts = {t["topic"]: t["articles"] for t in json.loads(topics)}
    assert counts["Familj"] == FAMILY and "Familjefrågor" not in counts


def test_topics_excel_opens_in_a_swedish_spreadsheet_and_runs_no_formula(
    invoke: Invoke, newsroom_path: Path
) -> None:
    story = newsroom_path / STORY_PATH
    story.write_text(story.read_text().replace('"Ekonomi", "Anhörigstöd"', '"=1+1", "Anhörigstöd"'))
    result = invoke("topics", "--excel")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("\ufefftopic;slug;articles;")  # BOM, ';' between cells
    assert "\n'=1+1;" in result.stdout.replace("\r\n", "\n")  # a formula kept as text
    plain = invoke("topics", "--format", "csv")
    assert plain.stdout.startswith("topic,slug,articles,") and "\n=1+1," in plain.stdout
    assert invoke("topics", "--excel", "--format", "json").exit_code == 2


def test_topics_into_a_pipe_are_tab_separated_lines_like_list(invoke: Invoke) -> None:
    piped = invoke("topics").stdout
    lines = piped.splitlines()
    assert lines and all(line.count("\t") == 3 for line in lines)
    assert "Familjefrågor\t" in piped and "─" not in piped and "Topic" not in piped


# -- one selection, one topic vocabulary --------------------------------------------------


def test_add_writes_the_newsrooms_spelling_of_a_topic_it_has(
    invoke: Invoke, newsroom_path: Path
) -> None:
    """`tag add BUDGET` where stories have Budget adds Budget, never a second spelling."""
    assert invoke("tag", "add", "Budget", "--topic", "Ekonomi").exit_code == 0
    result = invoke("tag", "add", "BUDGET", "anhörigstöd", "--all")
    assert result.exit_code == 0, result.stderr
    written = {name for topics in topics_of(newsroom_path).values() for name in topics}
    assert "Budget" in written and "Anhörigstöd" in written
    assert not {"BUDGET", "anhörigstöd"} & written
    listed = json.loads(invoke("topics", "--format", "json").stdout)
    assert [t["spellings"] for t in listed if t["slug"] == "budget"] == [["Budget"]]


def test_add_warns_about_a_new_topic_that_reads_like_a_storys_slug(
    invoke: Invoke, newsroom_path: Path
) -> None:
    """`tag add Budget socialnamnden --topic ekonomi`: a REF typed where a topic goes."""
    result = invoke("tag", "add", "Budget", "socialnamnden", "--topic", "ekonomi", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert (
        "newscli: warning: the new topic 'socialnamnden' reads like the story "
        "socialnamnden-har-minskat-sitt-budgetunderskott-med-31-miljoner-pa-tva-ar"
    ) in result.stderr
    quiet = invoke("tag", "add", "Socialnämnden", "--topic", "ekonomi", "--dry-run")
    assert "reads like" not in quiet.stderr  # written as a topic is, not as a slug


@pytest.mark.parametrize(
    "command", [("tag", "add", "Granskad"), ("tag", "remove", "Ekonomi"), ("publish",)]
)
def test_every_bulk_command_selects_by_state_and_review(
    invoke: Invoke, newsroom_path: Path, command: tuple[str, ...]
) -> None:
    """The filters `list` takes, `tag add|remove` and `publish` take too (one selection)."""
    invoke("new", "Ett utkast", "-t", "Ekonomi", "--no-input")
    listed = invoke("list", "--state", "draft", "--format", "paths").stdout.split()
    assert len(listed) == 1
    result = invoke(*command, "--state", "draft", "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    touched = [c["path"] for c in report["changed"]] + report["unchanged"]
    assert sorted(touched) == sorted(listed)
    review = invoke(*command, "--review", "--dry-run", "--format", "json")
    assert review.exit_code == 0, review.stderr


def test_a_format_a_command_does_not_offer_is_refused(invoke: Invoke) -> None:
    """One set of formats; each command takes its own (tag reports text or json)."""
    refused = invoke("tag", "add", "X", "--all", "--format", "cards")
    assert refused.exit_code == 2 and "'cards' is not one of 'text', 'json'" in refused.stderr
    assert invoke("list", "--format", "text").exit_code == 2
    assert invoke("topics", "--format", "csv").exit_code == 0
    assert "<table|cards|json|csv|paths>" in invoke("list", "--help").stdout
