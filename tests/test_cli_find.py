"""Finding stories from the command line: forgiving REFs, --author and --topic by the start
of a word, dates as staff type them, and shell completion of slugs and topics."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from newscli import cli
from tests.conftest import PINNED, REPO, STORY, Invoke

SOCIAL = [
    "articles/2022/02/socialnamnden-har-minskat-sitt-budgetunderskott-med-31-miljoner-pa-tva-ar.md",
    "articles/2022/01/socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation.md",
]


def paths(invoke: Invoke, *args: str) -> list[str]:
    result = invoke("list", "--format", "paths", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


# -- REFs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref", ["forbattrad", "Förbättrad", "FÖRBÄTTRAD-EKONOMISK", "0b6f", "0B6F0C2E6A53"]
)
def test_a_unique_slug_beginning_or_id_prefix_names_the_story(invoke: Invoke, ref: str) -> None:
    shown = invoke("show", ref, "--raw")
    assert shown.exit_code == 0, shown.stderr
    assert 'id = "0b6f0c2e-6a53' in shown.stdout


def test_an_ambiguous_beginning_names_the_stories_it_could_mean(invoke: Invoke) -> None:
    result = invoke("show", "social")
    assert result.exit_code == 1 and result.stdout == ""
    assert "'social' matches 2 stories" in result.stderr
    assert all(path in result.stderr for path in SOCIAL)


def test_an_ambiguous_ref_names_at_most_five_stories(invoke: Invoke) -> None:
    for n in range(7):
        assert invoke("new", f"Nyhet nummer {n}", "--no-input").exit_code == 0
    result = invoke("show", "nyhet")
    assert result.exit_code == 1
    assert "matches 7 stories" in result.stderr and "and 2 more" in result.stderr
    assert result.stderr.count("articles/") == 5


def test_an_exact_slug_wins_over_longer_slugs_it_begins(invoke: Invoke) -> None:
    invoke("new", "Budget", "--no-input")
    invoke("new", "Budget", "--no-input")  # budget-2
    assert invoke("show", "budget", "--raw").stdout.count('slug = "budget"') == 1


def test_an_unknown_ref_suggests_the_closest_slugs_and_titles(invoke: Invoke) -> None:
    typo = invoke("show", "forbatrad")
    assert typo.exit_code == 1 and typo.stdout == ""
    assert f"did you mean {STORY} (Förbättrad ekonomisk" in typo.stderr
    # Words of a title, with accents, find the story too.
    words = invoke("edit", "vecka fri från våld")
    assert words.exit_code == 1
    assert "did you mean pitea-kommun-deltar-i-kampanjen-en-vecka-fri-fran-vald" in words.stderr


def test_an_id_prefix_needs_four_characters(invoke: Invoke) -> None:
    short = invoke("show", "0b6")
    assert short.exit_code == 1
    assert "an id prefix needs at least 4 characters" in short.stderr
    assert invoke("show", "0b6f").exit_code == 0


def test_a_selection_takes_the_same_refs(invoke: Invoke) -> None:
    result = invoke("unpublish", "forbattrad", "-a", "Pitea-kommun", "--reason", "x", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "2 stories would change" in result.stdout
    unknown = invoke("publish", "-a", "forbatrad", "--dry-run")
    assert unknown.exit_code == 1
    assert f"did you mean {STORY}" in unknown.stderr and "nothing was changed" in unknown.stderr


# -- --author and --topic -------------------------------------------------------------------


@pytest.mark.parametrize("index", [(), ("--no-index",)], ids=["index", "files"])
def test_author_matches_the_start_of_a_word_in_any_case_and_without_accents(
    invoke: Invoke, index: tuple[str, ...]
) -> None:
    assert len(paths(invoke, "--author", "pitea", *index)) == 5
    assert len(paths(invoke, "--author", "KOMMUN", *index)) == 5
    assert len(paths(invoke, "--author", "Piteå  kommun", *index)) == 5
    assert paths(invoke, "--author", "ommun", *index) == []
    assert paths(invoke, "--author", "kommunen", *index) == []


@pytest.mark.parametrize("index", [(), ("--no-index",)], ids=["index", "files"])
def test_topic_matches_the_start_of_a_word_of_the_newsrooms_topics(
    invoke: Invoke, index: tuple[str, ...]
) -> None:
    assert len(paths(invoke, "--topic", "famil", *index)) == 4
    assert paths(invoke, "--topic", "vald", *index) == [
        "articles/2022/03/pitea-kommun-deltar-i-kampanjen-en-vecka-fri-fran-vald.md"
    ]
    assert paths(invoke, "--topic", "NÄRA", *index) == paths(invoke, "--topic", "vald", *index)


def test_a_topic_the_newsroom_has_means_only_itself(invoke: Invoke) -> None:
    invoke("new", "Styrning", "-t", "Ekonomistyrning", "--no-input")
    assert len(paths(invoke, "--topic", "ekonomi")) == 2  # not Ekonomistyrning's story
    assert len(paths(invoke, "--topic", "ekon")) == 3  # both topics
    tagged = invoke("tag", "add", "Budget", "--topic", "Ekonomi", "--dry-run")
    assert "2 stories would change" in tagged.stdout


@pytest.mark.parametrize("form", ["table", "json", "paths"])
def test_a_topic_no_story_has_is_named_with_the_closest_and_lists_nothing(
    invoke: Invoke, form: str
) -> None:
    result = invoke("list", "--topic", "Ekonomii", "--format", form)
    assert result.exit_code == 0
    assert (
        "newscli: warning: no topic 'Ekonomii' in this newsroom; did you mean Ekonomi?"
        in result.stderr
    )
    if form == "json":
        assert json.loads(result.stdout) == []
    else:
        assert result.stdout == ""


def test_a_selection_by_a_topic_no_story_has_says_so_and_changes_nothing(invoke: Invoke) -> None:
    for args in (
        ("tag", "add", "X", "--topic", "Familjefrgor"),
        ("publish", "--topic", "Familjefrgor"),
    ):
        result = invoke(*args, "--dry-run")
        assert result.exit_code == 0
        assert "no topic 'Familjefrgor'" in result.stderr and "Familjefrågor" in result.stderr
        assert result.stdout.startswith("0 stories would change")


# -- dates ------------------------------------------------------------------------------------


@pytest.fixture
def dated(invoke: Invoke) -> Invoke:
    """Stories around the pinned now, Monday 2026-11-23 10:00 in Stockholm."""
    for title, date in [
        ("I dag", "2026-11-23 08:00"),
        ("I går", "2026-11-22 23:30"),
        ("En vecka sedan", "2026-11-16 00:10"),
        ("Två veckor sedan", "2026-11-09 12:00"),
        ("Nyårsnatt", "2026-01-01 00:30"),  # 2025-12-31 23:30 UTC
    ]:
        assert invoke("new", title, "--date", date, "--no-input").exit_code == 0
    return invoke


@pytest.mark.parametrize(
    ("args", "count"),
    [
        (("--since", "today"), 1),
        (("--since", "idag"), 1),
        (("--since", "yesterday"), 2),
        (("--since", "igår", "--until", "igår"), 1),
        (("--since", "7d"), 3),
        (("--until", "7d", "--since", "7d"), 1),
        (("--since", "2w"), 4),
        (("--since", "2026"), 5),
        (("--until", "2025"), 5),  # the five samples; New Year's night is 2026 here
        (("--since", "2026-11"), 4),
        (("--until", "2022-02"), 3),  # the end of February counts
        (("--since", "2022-02", "--until", "2022-02"), 1),
        (("--since", "2022-03-03", "--until", "2022-03-03"), 1),
        (("--until", "2022-02-16 13:29"), 2),
    ],
)
def test_each_date_form_selects_by_the_newsrooms_days(
    dated: Invoke, args: tuple[str, ...], count: int
) -> None:
    assert len(paths(dated, *args)) == count
    assert len(paths(dated, *args, "--no-index")) == count


def test_a_date_that_cannot_be_read_is_a_usage_error_listing_the_forms(invoke: Invoke) -> None:
    for args in (("list", "--since", "förra veckan"), ("tag", "add", "X", "--until", "2022-13")):
        result = invoke(*args)
        assert result.exit_code == 2
        assert "use 2022-02-03, 2022-02, 2022, today (idag), yesterday (igår), 7d" in result.stderr


# -- shell completion --------------------------------------------------------------------------


def complete(shell: str, words: str, root: Path | None = None) -> Result:
    """newscli asked by a shell to complete the last word of words (ending in a space: a new one)."""
    variables = {"_NEWSCLI_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        parts = words.split(" ")
        variables |= {"COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    else:
        variables["_TYPER_COMPLETE_ARGS"] = words
        if shell == "fish":
            variables["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    result = CliRunner().invoke(cli.app, [], env=variables, prog_name="newscli", obj=PINNED)
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    return result


def everything_in(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*")
    }


SOCIAL_SLUGS = [Path(p).stem for p in SOCIAL]


def test_bash_completes_slugs_newest_first(invoke: Invoke) -> None:
    invoke("list")  # the index
    assert complete("bash", "newscli show soc").stdout.split() == SOCIAL_SLUGS
    assert complete("bash", "newscli photo set soc").stdout.split() == SOCIAL_SLUGS
    assert complete("bash", "newscli publish --article soc").stdout.split() == SOCIAL_SLUGS


def test_zsh_and_fish_complete_slugs_with_their_titles(invoke: Invoke) -> None:
    invoke("list")
    zsh = complete("zsh", "newscli edit forb").stdout
    assert zsh.startswith(f"{STORY}\tFörbättrad ekonomisk prognos")
    fish = complete("fish", "newscli log forb").stdout
    assert fish.startswith(f"{STORY}\tFörbättrad ekonomisk prognos")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_every_shell_completes_the_newsrooms_topics(invoke: Invoke, shell: str) -> None:
    invoke("list")
    assert "Familjefrågor" in complete(shell, "newscli list --topic Fam").stdout
    assert "Familjefrågor" in complete(shell, "newscli tag remove Fam").stdout
    assert "Familjefrågor" in complete(shell, "newscli new --topic Fam").stdout
    # Typed in another case and without accents: the newsroom's spelling, where the shell
    # puts it in the typed word's place (zsh keeps only what begins with the typed text).
    offered = complete(shell, "newscli tag add --topic kval").stdout
    assert ("kvalitetsutveckling" if shell == "zsh" else "Kvalitetsutveckling") in offered


@pytest.mark.parametrize("shell", ["bash", "fish"])
def test_tab_after_a_topics_beginning_in_lower_case_gives_the_newsrooms_spelling(
    invoke: Invoke, shell: str
) -> None:
    """Tab after `anh` gives Anhörigstöd, not anhörigstöd: a second spelling never starts
    in completion."""
    invoke("list")
    for command in ("newscli tag add anh", "newscli new --topic anh", "newscli list --topic anh"):
        assert complete(shell, command).stdout.split("\t")[0].split() == ["Anhörigstöd"]


def test_bash_gets_a_topics_spaces_escaped(invoke: Invoke) -> None:
    invoke("list")
    assert complete("bash", "newscli list --topic Vål").stdout == "Våld\\ i\\ nära\\ relationer\n"


def test_completion_writes_nothing_and_finds_new_files_without_the_index(
    invoke: Invoke, newsroom_path: Path
) -> None:
    # No index yet: slugs come from the file names, topics need the index.
    before = everything_in(newsroom_path)
    assert complete("bash", "newscli show forb").stdout.split() == [STORY]
    assert complete("bash", "newscli list --topic Fam").stdout.strip() == ""
    assert everything_in(newsroom_path) == before
    invoke("list")
    invoke("new", "Förnyad plan", "--date", "2021-11-30", "--no-input")  # after the index
    before = everything_in(newsroom_path)
    offered = complete("bash", "newscli show for").stdout.split()
    assert sorted(offered) == sorted([STORY, "fornyad-plan"])
    assert everything_in(newsroom_path) == before


def test_completion_follows_root_and_offers_nothing_outside_a_newsroom(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("list")
    monkeypatch.chdir(tmp_path)
    assert complete("bash", "newscli show forb").stdout.strip() == ""
    rooted = complete("bash", f"newscli show --root {newsroom_path} forb").stdout
    assert rooted.split() == [STORY]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_each_shells_script(shell: str) -> None:
    # A process of its own: Typer reads the variable when it builds the option.
    variables = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "newscli", "--show-completion", shell],
        capture_output=True,
        text=True,
        env=variables,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"_NEWSCLI_COMPLETE=complete_{shell}" in result.stdout


def test_metavars_read_as_words(invoke: Invoke) -> None:
    listed = invoke("list", "--help").stdout
    for words in ("--topic TOPIC", "--author AUTHOR", "--since DATE", "--until DATE"):
        assert words in listed
    assert "REF" in invoke("show", "--help").stdout
    assert "-a, --article REF" in invoke("publish", "--help").stdout


def test_help_completes_its_guides_and_the_commands(invoke: Invoke) -> None:
    assert complete("bash", "newscli help ch").stdout.split() == ["checks", "check"]
    assert complete("bash", "newscli help se").stdout.split() == ["settings", "serve"]
