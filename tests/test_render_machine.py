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
