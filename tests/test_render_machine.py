"""Output for scripts: JSON and CSV carry every field of every article, never coloured."""

import csv
import io
import json
from pathlib import Path

from tests.conftest import STORY, STORY_PATH, Invoke


def test_list_json_and_csv_carry_every_field(invoke: Invoke, newsroom_path: Path) -> None:
    story = newsroom_path / STORY_PATH
    story.write_text(
        story.read_text().replace('status = "published"', 'status = "published"\nreviewer = "Eva"')
    )
    records = json.loads(invoke("list", "--format", "json").stdout)
    record = next(r for r in records if r["slug"] == STORY)
    assert record["path"] == STORY_PATH
    assert record["reviewer"] == "Eva"
    assert record["source"]["name"] == "Piteå kommun, Piteå"
    assert record["date"] == "2021-11-23T14:00:00+01:00"
    rows = list(csv.DictReader(io.StringIO(invoke("list", "--format", "csv").stdout)))
    row = next(r for r in rows if r["slug"] == STORY)
    assert row["topics"] == "Ekonomi; Anhörigstöd"
    assert row["source.url"].startswith("https://")
    assert row["reviewer"] == "Eva"
    assert len(rows) == 5


def _hostile_titles(invoke: Invoke, newsroom_path: Path) -> None:
    """Stories whose title and teaser a spreadsheet would run as formulas."""
    for title, teaser in (
        ('=HYPERLINK("https://evil.example";"klicka")', "+46 70 123 45 67"),
        ("-5 grader i Piteå", "@SUM(A1:A9)"),
    ):
        assert invoke("new", "--teaser", teaser, "--no-input", "--", title).exit_code == 0


def test_plain_csv_is_rfc_4180_utf8_with_every_value_exactly_as_it_is(
    invoke: Invoke, newsroom_path: Path
) -> None:
    _hostile_titles(invoke, newsroom_path)
    out = invoke("list", "--format", "csv", "--lix").stdout
    assert not out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out)))
    titles = {row["title"] for row in rows}
    assert '=HYPERLINK("https://evil.example";"klicka")' in titles  # for scripts: exact
    assert "-5 grader i Piteå" in titles
    assert {row["teaser"] for row in rows} >= {"+46 70 123 45 67", "@SUM(A1:A9)"}
    assert all("." in row["lix"] or row["lix"].isdigit() for row in rows)


def test_excel_csv_opens_in_a_swedish_spreadsheet_and_runs_no_formula(
    invoke: Invoke, newsroom_path: Path
) -> None:
    _hostile_titles(invoke, newsroom_path)
    result = invoke("list", "--excel", "--lix")
    assert result.exit_code == 0
    data = result.stdout_bytes
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 only with its BOM
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) == 7
    assert rows[0]["slug"] and rows[0]["title"]
    titles = {row["title"] for row in rows}
    assert '\'=HYPERLINK("https://evil.example";"klicka")' in titles
    assert "'-5 grader i Piteå" in titles
    assert (
        "Förbättrad ekonomisk prognos för socialtjänsten, utökat brandskydd och satsning på barn som anhöriga"
        in titles
    )
    assert {row["teaser"] for row in rows} >= {"'+46 70 123 45 67", "'@SUM(A1:A9)"}
    assert all(row["lix"].replace(",", "").isdigit() for row in rows)  # a decimal comma
    assert any("," in row["lix"] for row in rows)
    assert (
        invoke("list", "--format", "csv", "--excel").stdout_bytes
        == invoke("list", "--excel").stdout_bytes
    )


def test_excel_goes_with_csv_only(invoke: Invoke) -> None:
    result = invoke("list", "--excel", "--format", "json")
    assert result.exit_code == 2
    assert "--excel goes with --format csv" in result.stderr


def test_every_cell_that_would_start_a_formula_is_neutralised() -> None:
    from newscli.render.machine import neutralised, write_csv

    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralised(f"{start}1+1") == f"'{start}1+1"
    assert neutralised("Piteå = bäst") == "Piteå = bäst"
    out = io.StringIO()
    write_csv([{"title": "=1+1", "count": -3, "share": 0.5}], out, excel=True)
    assert out.getvalue() == "\ufefftitle;count;share\r\n'=1+1;-3;0,5\r\n"
