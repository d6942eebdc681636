"""Which articles a listing is about: every filter of `list`, newest first."""

from tests.conftest import STORY_PATH, Invoke


def test_list_finds_stories_by_topic_words_dates_status_and_author(invoke: Invoke) -> None:
    def paths(*args: str) -> list[str]:
        result = invoke("list", "--format", "paths", *args)
        assert result.exit_code == 0, result.stderr
        return result.stdout.splitlines()

    assert len(paths()) == 5
    assert len(paths("--topic", "familjefragor")) == 4
    assert len(paths("--topic", "FAMILJEFRÅGOR ")) == 4
    assert paths("--search", "forbattrad") == [STORY_PATH]
    assert paths("--search", "KÄLLBOGÅRDEN") == [STORY_PATH]  # in the teaser and body only
    assert len(paths("--since", "2022-02-16", "--until", "2022-03-03")) == 2
    assert len(paths("--until", "2021-11-23")) == 1  # the whole day counts
    assert paths("--limit", "1") == [
        "articles/2022/03/framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa.md"
    ]
    assert paths("--status", "draft") == []
    assert len(paths("--author", "piteå kommun")) == 5
