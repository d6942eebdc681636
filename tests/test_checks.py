"""check's one rule set: what the author controls of accessibility, plain language, the
photo rules among them, each named by file and line; [checks] in newscli.toml switches a
rule off (with a reason) or an optional one on; --strict fails on warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscli import photos
from newscli.checks import RULE_NAMES, RULES, clean_versions
from tests.conftest import Invoke
from tests.support.newsrooms import add_article, story

FRONT = 'title = "Nytt stöd"\ndate = 2022-05-02T09:00:00+02:00\nstatus = "published"'
# The body starts on line 8 of the file (+++, id, slug, title, date, status, +++, blank).
BODY = """
Inledning med [klicka här](https://www.example.se/a) och [Läs mer](b.html).

Se https://www.example.se/stod för mer.

# En rubrik till

#### För djup rubrik

![](images/diagram.png)

DETTA ÄR VIKTIGT FÖR ALLA.

| Namn | Telefon |
| Anna | 123 |

Vi har bl.a. fått fler samtal.

Det här är en mening som har alldeles för många ord för att vara lätt att läsa eftersom den bara fortsätter och fortsätter utan att ta slut någon gång alls.
"""
EXPECTED = [
    (9, "the link text 'klicka här' says nothing out of context"),
    (9, "the link text 'Läs mer' says nothing out of context"),
    (11, "a bare address in the text (https://www.example.se/stod)"),
    (13, "a heading with one # in the body"),
    (15, "the heading skips from level 1 to 4"),
    (17, "an image in the body has no alt text (images/diagram.png)"),
    (19, "a sentence in capitals ('DETTA ÄR VIKTIGT FÖR ALLA.')"),
    (21, "a table without a header row"),
    (26, "a sentence of 30 words"),
    (24, "write out 'bl.a.': 'bland annat'"),
]


def story_lines(stdout: str, slug: str = "stod") -> list[str]:
    return [line for line in stdout.splitlines() if f"/{slug}.md:" in line]


def test_each_rule_names_the_line_of_what_it_found(invoke: Invoke, newsroom_path: Path) -> None:
    add_article(newsroom_path, "stod", FRONT, BODY)
    result = invoke("check")
    found = story_lines(result.stdout)
    for line, message in EXPECTED:
        assert any(
            row.startswith(f"articles/2022/05/stod.md:{line}: warning: {message}") for row in found
        ), (line, message, found)
    assert len(found) == len(EXPECTED)
    assert result.exit_code == 0  # warnings: the story is published all the same
    assert invoke("check", "--strict").exit_code == 1


def test_a_clean_story_gets_no_warning(invoke: Invoke, newsroom_path: Path) -> None:
    body = "\nSocialtjänsten har fler samtalstider.\n\n## Så söker du\n\nRing [kontaktcenter](a.html).\n"
    add_article(newsroom_path, "stod", FRONT, body)
    assert story_lines(invoke("check").stdout) == []


def test_a_rule_switched_off_with_a_reason_is_silent(invoke: Invoke, newsroom_path: Path) -> None:
    add_article(newsroom_path, "stod", FRONT, "\nVi har bl.a. fått fler samtal.\n")
    config = newsroom_path / "newscli.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[checks.off]\nabbreviation = "Juristerna vill ha lagens förkortningar"\n',
        encoding="utf-8",
    )
    assert story_lines(invoke("check").stdout) == []


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[checks.off]\nabbreviation = ""\n', "abbreviation needs the reason it is off"),
        ('[checks.off]\nstavning = "x"\n', "no rule is called 'stavning'"),
        ('[checks.off]\npersonal-number = "x"\n', "'personal-number' cannot be switched off"),
        ("[checks]\nlix_limit = -3\n", "lix_limit must be a positive number"),
    ],
)
def test_a_wrong_checks_table_is_a_config_error(
    invoke: Invoke, newsroom_path: Path, table: str, message: str
) -> None:
    config = newsroom_path / "newscli.toml"
    text = config.read_text(encoding="utf-8").replace("[checks]\nlix_limit = 55\n", "")
    config.write_text(text + "\n" + table, encoding="utf-8")
    result = invoke("check")
    assert result.exit_code == 1 and message in result.stderr and "newscli.toml" in result.stderr


def test_the_lix_limit_comes_from_newscli_toml(invoke: Invoke, newsroom_path: Path) -> None:
    # The seed story's LIX is 52: above 50, not above the sample's own limit of 55.
    story = "articles/2021/11/forbattrad-ekonomisk-prognos-for-socialtjansten.md"
    assert f"{story}:4: warning: LIX" not in invoke("check").stdout
    config = newsroom_path / "newscli.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("lix_limit = 55", "lix_limit = 50"),
        encoding="utf-8",
    )
    assert (
        f"{story}:4: warning: LIX 52 is above the newsroom's limit of 50" in invoke("check").stdout
    )


def test_photo_consent_is_asked_for_only_when_the_newsroom_turns_it_on(
    invoke: Invoke, newsroom_path: Path
) -> None:
    image = '\n[image]\nsrc = "https://www.example.se/bild.jpg"\nalt = "Två personer"'
    add_article(newsroom_path, "stod", FRONT + image, "\nEn text.\n")
    assert story_lines(invoke("check").stdout) == []
    config = newsroom_path / "newscli.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "[checks]\n", '[checks]\non = ["photo-consent"]\n'
        ),
        encoding="utf-8",
    )
    assert "stod.md:7: warning: the photo has no consent or legal_basis" in invoke("check").stdout
    add_article(
        newsroom_path, "stod", FRONT + image + '\nconsent = "Skriftligt, 2022-04-30"', "\nText.\n"
    )
    assert story_lines(invoke("check").stdout) == []


def test_the_photo_rules_are_in_the_one_rule_set() -> None:
    registered = {rule.photo for rule in RULES if rule.photo is not None}
    assert {
        photos.file_missing,
        photos.alt_missing,
        photos.alt_repeats,
        photos.credit_missing,
        photos.too_small,
    } == registered
    assert not hasattr(photos, "PHOTO_RULES")
    assert len(set(RULE_NAMES)) == len(RULE_NAMES)


def test_a_version_that_holds_a_personal_number_anywhere_is_not_clean() -> None:
    """What a broken file's last good version may hold (the index read it before it broke)."""
    clean = story("mote", teaser="Alla är välkomna.")
    holding = [
        story("titel", title="Möte om 640823–3234"),
        story("ingress", teaser="Han har 640823‑3234."),
        story("forst", body="\nHan har 640823-**3234**.\n\nMer.\n"),  # the lead
        story("motet-640823-3234"),  # the slug, the page's address
    ]
    versions = [s.summary() for s in (clean, *holding)]
    assert clean_versions(versions) == [clean.summary()]
    reason = {"personal_number_ok": "Stiftelsens organisationsnummer"}
    acknowledged = story("stiftelse", title="Stiftelsen 640823–3234", extra=reason).summary()
    assert clean_versions([acknowledged]) == [acknowledged]
