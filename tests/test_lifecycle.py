"""A story's life with a pinned clock: each state in list, on the site, in every feed and
the sitemap; publish/unpublish/expire as bulk edits; build and build --next; log."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from newscli.config import Site
from newscli.export.site import export_site
from newscli.lifecycle import State, next_change, state_of
from newscli.newsroom import Newsroom
from tests.conftest import NOW, STORY, STORY_PATH, Invoke
from tests.support.checkers import readable, without_unstable_search_files
from tests.support.newsrooms import story, write_article
from tests.support.site_tools import nu_html_errors

HOUR = dt.timedelta(hours=1)


def life_newsroom(root: Path) -> dict[str, Path]:
    """One story in each state at NOW (and each path)."""
    stories = {
        "draft": story("ett-utkast", status="draft"),
        "scheduled": story("pa-vag", date=NOW + HOUR),
        "published": story("ute-nu"),
        "expiring": story("kampanjvecka", expires=NOW + 2 * HOUR),
        "expired": story("oppettider-jul", expires=NOW - HOUR),
        "withdrawn": story(
            "felaktig-uppgift",
            status="withdrawn",
            withdrawn=NOW - HOUR,
            withdrawn_reason="Fel datum för mötet",
        ),
    }
    return {state: write_article(root, article) for state, article in stories.items()}


@pytest.fixture
def life(newsroom_path: Path) -> dict[str, Path]:
    return life_newsroom(newsroom_path)


def test_each_state_at_a_moment_and_the_next_change() -> None:
    assert state_of(story("a", date=NOW + HOUR, expires=NOW - HOUR), NOW) is State.EXPIRED
    assert state_of(story("a", status="withdrawn", expires=NOW + HOUR), NOW) is State.WITHDRAWN
    assert state_of(story("a", expires=NOW), NOW) is State.EXPIRED  # from that moment on
    stories = [story("a", date=NOW + 3 * HOUR), story("b", expires=NOW + 2 * HOUR)]
    assert next_change(stories, NOW) == NOW + 2 * HOUR
    assert next_change([story("c", status="draft", date=NOW + HOUR)], NOW) is None


def test_list_shows_each_state_in_the_users_language_and_as_machine_words(
    invoke: Invoke, life: dict[str, Path]
) -> None:
    english = invoke("list", "--limit", "20").stdout
    assert "scheduled 2026-11-23 11:00" in english and "withdrawn 2026-11-23 09:00" in english
    table = invoke("list", "--limit", "20", variables={"LANG": "sv_SE.UTF-8"}).stdout
    for shown in ("utkast", "schemalagd 2026-11-23 11:00", "publicerad", "upphör 2026-11-23 12:00"):
        assert shown in table
    assert "utgången 2026-11-23 09:00" in table and "avpublicerad 2026-11-23 09:00" in table
    records = json.loads(invoke("list", "--format", "json").stdout)
    states = {r["slug"]: r["state"] for r in records}
    assert states["pa-vag"] == "scheduled" and states["kampanjvecka"] == "expiring"
    assert states["oppettider-jul"] == "expired" and states["felaktig-uppgift"] == "withdrawn"
    csv = invoke("list", "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("path,id,title,slug,date,updated,status,state,")
    gone = invoke("list", "--state", "expired", "--state", "withdrawn", "--format", "paths")
    assert sorted(gone.stdout.split()) == sorted(
        str(life[s].relative_to(life[s].parents[3])) for s in ("expired", "withdrawn")
    )
    # The index and the files answer alike.
    direct = invoke("list", "--state", "scheduled", "--no-index", "--format", "paths").stdout
    assert direct == invoke("list", "--state", "scheduled", "--format", "paths").stdout != ""


def test_list_review_and_check_warn_when_a_review_date_has_passed(
    invoke: Invoke, newsroom_path: Path
) -> None:
    path = newsroom_path / STORY_PATH
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('status = "published"', 'status = "published"\nreview_by = 2026-06-01', 1)
    )
    due = invoke("list", "--review", "--format", "paths").stdout.split()
    assert due == [STORY_PATH]
    checked = invoke("check")
    assert checked.exit_code == 0  # a warning, not an error
    line = text[: text.index('status = "published"')].count("\n") + 2
    assert f"{STORY_PATH}:{line}: warning: review_by 2026-06-01 has passed" in checked.stdout


def site_of(root: Path, now: dt.datetime, out: Path) -> dict[str, bytes]:
    newsroom = Newsroom(root)
    export_site(newsroom, out, now=now)
    return without_unstable_search_files(
        {
            str(p.relative_to(out)): readable(p)
            for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith(".")
        }
    )


def test_only_public_stories_reach_the_site_every_feed_and_the_sitemap(
    newsroom_path: Path, life: dict[str, Path], tmp_path: Path
) -> None:
    files = site_of(newsroom_path, NOW, tmp_path / "public")
    everything = b"\n".join(files.values()).decode("utf-8", "replace")
    for slug in ("ute-nu", "kampanjvecka"):
        assert f"2022/04/{slug}/index.html" in files
        assert slug in files["rss.xml"].decode() and slug in files["sitemap.xml"].decode()
    for slug in ("ett-utkast", "pa-vag", "oppettider-jul", "felaktig-uppgift"):
        for feed in ("rss.xml", "atom.xml", "feed.json", "sitemap.xml", "index.html"):
            assert slug not in files[feed].decode(), (slug, feed)
    assert "Oppettider jul" not in everything and "Felaktig uppgift" not in everything
    assert "2022/04/oppettider-jul/index.html" not in files
    for topic_feed in [
        name for name in files if name.startswith(("amnen/", "topics/")) and name.endswith(".xml")
    ]:
        assert "oppettider-jul" not in files[topic_feed].decode()
    # The withdrawn story's old address: a notice with the date, no content of the story.
    notice = files["2022/04/felaktig-uppgift/index.html"].decode()
    assert "Nyheten har avpublicerats" in notice and "23 november 2026" in notice
    assert "Felaktig uppgift" not in notice and "En text" not in notice
    assert "Fel datum" not in notice and '<meta name="robots" content="noindex">' in notice
    # and never deleted
    assert life["withdrawn"].is_file() and life["expired"].is_file()


def test_the_notice_page_can_be_turned_off_and_is_valid_html(
    newsroom_path: Path, life: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "public"
    export_site(Newsroom(newsroom_path), out, now=NOW)
    notice = out / "2022/04/felaktig-uppgift/index.html"
    quiet = Site(withdrawn_notice=False, base_url="https://example.se/")
    export_site(Newsroom(newsroom_path, quiet), tmp_path / "quiet", now=NOW)
    assert not (tmp_path / "quiet/2022/04/felaktig-uppgift").exists()
    assert nu_html_errors([notice]) == []


def test_an_export_at_0959_and_1001_differs_by_exactly_the_embargoed_story(
    newsroom_path: Path, tmp_path: Path
) -> None:
    ten = dt.datetime(2026, 11, 23, 10, 0, tzinfo=NOW.tzinfo)
    write_article(newsroom_path, story("efter-motet", date=ten))
    before = site_of(newsroom_path, ten - dt.timedelta(minutes=1), tmp_path / "a")
    again = site_of(newsroom_path, ten - dt.timedelta(minutes=1), tmp_path / "b")
    after = site_of(newsroom_path, ten + dt.timedelta(minutes=1), tmp_path / "c")
    assert before == again  # the same moment: byte-identical
    new = set(after) - set(before)
    assert "2022/04/efter-motet/index.html" not in new  # its folder is its date's month
    assert "2026/11/efter-motet/index.html" in new
    changed = {name for name in before if before[name] != after.get(name)}
    for name in changed | new:
        page = after.get(name, b"").decode("utf-8", "replace")
        assert (
            "efter-motet" in page
            or "Efter motet" in page
            or name.endswith(("arkiv/index.html", "amnen/index.html"))
            or name.startswith("pagefind/index/")  # the search index's word lists, made again
        ), name


def test_the_site_says_when_it_next_changes(
    newsroom_path: Path, life: dict[str, Path], tmp_path: Path
) -> None:
    report = export_site(Newsroom(newsroom_path), tmp_path / "public", now=NOW)
    assert report.next_change == NOW + HOUR  # the embargo of pa-vag; then kampanjvecka expires
    # (a re-publish after an expiry moment equals a full export: test_export_site_state.py)


# -- the commands -----------------------------------------------------------------------


def test_unpublish_changes_only_the_fields_it_sets_and_keeps_the_file(
    invoke: Invoke, newsroom_path: Path
) -> None:
    path = newsroom_path / STORY_PATH
    before = path.read_bytes()
    dry = invoke("unpublish", STORY, "--reason", "Fel siffror", "--dry-run")
    assert dry.exit_code == 0 and "1 story would change" in dry.stdout
    assert path.read_bytes() == before
    done = invoke("unpublish", STORY, "--reason", "Fel siffror")
    assert done.exit_code == 0 and "1 story changed" in done.stdout
    after = path.read_bytes().decode("utf-8")
    added = [line for line in after.splitlines() if line not in before.decode().splitlines()]
    assert added == [
        'status = "withdrawn"',
        "withdrawn = 2026-11-23 10:00:00+01:00",
        'withdrawn_reason = "Fel siffror"',
    ]
    removed = [line for line in before.decode().splitlines() if line not in after.splitlines()]
    assert removed == ['status = "published"']
    assert after.endswith(before.decode().split("+++", 2)[2])  # the body, byte for byte
    assert "already withdrawn" in invoke("unpublish", STORY, "--reason", "x").stdout
    assert invoke("unpublish", STORY).exit_code == 2  # a reason is required


def test_publish_and_expire_select_as_tag_does(invoke: Invoke, life: dict[str, Path]) -> None:
    assert invoke("publish").exit_code == 2  # no selection is never "everything"
    published = invoke("publish", "ett-utkast", "--at", "2026-12-01 10:00")
    assert published.exit_code == 0 and "1 story changed" in published.stdout
    text = life["draft"].read_text(encoding="utf-8")
    assert 'status = "published"' in text and "date = 2026-12-01 10:00:00+01:00" in text
    expired = invoke("expire", "--topic", "Familjefrågor", "--at", "2026-12-24", "--format", "json")
    report = json.loads(expired.stdout)
    assert len(report["changed"]) >= 5 and report["summary"].endswith("changed")
    assert "expires = 2026-12-24 00:00:00+01:00" in life["published"].read_text(encoding="utf-8")
    assert invoke("expire", "ute-nu").exit_code == 2  # --at is required


def test_build_runs_the_configured_exports_and_says_when_to_run_again(
    invoke: Invoke, newsroom_path: Path, life: dict[str, Path]
) -> None:
    config = newsroom_path / "newscli.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[build]\noutput = "site"\n[[build.feeds]]\nkind = "rss"\noutput = "extra/full.xml"\nfull = true\n',
        encoding="utf-8",
    )
    result = invoke("build")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Next change: 2026-11-23T11:00:00+01:00\n"
    assert (newsroom_path / "site/index.html").is_file()
    assert "<content:encoded>" in (newsroom_path / "extra/full.xml").read_text(encoding="utf-8")
    assert invoke("build", "--next").stdout == "2026-11-23T11:00:00+01:00\n"
    assert invoke("build", "--quiet").stdout == ""


def test_build_next_is_right_across_a_daylight_saving_change(
    invoke: Invoke, newsroom_path: Path
) -> None:
    # Sunday 29 March 2026, 02:00 CET: clocks go to 03:00 CEST. At 01:30 the embargo of
    # 03:00 summer time is half an hour away, not an hour and a half as the clock says.
    before = dt.datetime(2026, 3, 29, 1, 30, tzinfo=NOW.tzinfo)
    embargo = dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC)
    write_article(newsroom_path, story("sommartid", date=embargo))
    moment = invoke("build", "--next", clock=lambda tz: before.astimezone(tz)).stdout
    assert moment == "2026-03-29T03:00:00+02:00\n"
    assert dt.datetime.fromisoformat(moment.strip()) - before == dt.timedelta(minutes=30)
    # In autumn, the hour that happens twice: 02:30 the second time is +01:00.
    autumn = dt.datetime(2026, 10, 25, 0, 45, tzinfo=dt.UTC)
    write_article(newsroom_path, story("vintertid", date=autumn + dt.timedelta(hours=1)))
    moment = invoke("build", "--next", clock=lambda tz: autumn.astimezone(tz)).stdout
    assert moment == "2026-10-25T02:45:00+01:00\n"
    nothing = invoke(
        "build", "--next", clock=lambda tz: NOW.astimezone(tz) + dt.timedelta(days=400)
    )
    assert nothing.stdout == ""


def test_log_reads_git_and_says_so_outside_a_repository(
    invoke: Invoke, newsroom_path: Path
) -> None:
    outside = invoke("log")
    assert outside.exit_code == 1 and "not in a git repository" in outside.stderr
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    env = {"GIT_AUTHOR_NAME": "Helene Markström", "GIT_AUTHOR_EMAIL": "h@example.se",
           "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@example.se",
           "GIT_AUTHOR_DATE": "2026-07-01T12:00:00Z", "GIT_COMMITTER_DATE": "2026-07-01T12:00:00Z",
           "HOME": str(newsroom_path), "PATH": "/usr/bin:/bin"}  # fmt: skip
    for args in (["init", "-q"], ["add", "articles"], ["commit", "-qm", "Ny nyhet \x1b[31m"]):
        subprocess.run([git, *args], cwd=newsroom_path, env=env, check=True)
    one = invoke("log", STORY)
    assert one.exit_code == 0
    assert "2026-07-01 14:00" in one.stdout  # 12:00 UTC in Stockholm's summer
    assert "Helene Markström" in one.stdout and "\x1b" not in one.stdout
