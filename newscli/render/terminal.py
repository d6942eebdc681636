"""Rich previews of articles: the listing table, teaser cards and the full story."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.style import Style
from rich.table import Table
from rich.text import Text

from newscli.article import Article, Summary
from newscli.config import Site
from newscli.environment import Environment
from newscli.history import Entry
from newscli.labels import label, long_date
from newscli.lifecycle import State, moment_of, state_of
from newscli.markdown import is_safe_url
from newscli.plain import Readability, story_readability
from newscli.text import terminal_safe
from newscli.topics import Topic, Topics


def _shown(text: str) -> str:
    """Story data as a terminal may show it (see newscli.text.terminal_safe)."""
    return terminal_safe(text)


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader went away: let the CLI end the run as it ends every such run."""
        raise BrokenPipeError


def console(env: Environment, *, stderr: bool = False) -> Console:
    """A console on the run's stdout (or stderr): styled only on a terminal, never coloured
    with NO_COLOR set."""
    return _Console(
        file=env.stderr if stderr else env.stdout,
        force_terminal=bool(env.stderr_isatty if stderr else env.stdout_isatty),
        no_color=bool(env.variable("NO_COLOR")),
        highlight=False,
        soft_wrap=False,
    )


def _byline(article: Summary, site: Site) -> Text:
    parts = [long_date(article.date.astimezone(site.tz), site.language)]
    if article.updated:
        parts.append(
            f"{label(site.language, 'updated')} {long_date(article.updated.astimezone(site.tz), site.language)}"
        )
    if article.author:
        parts.append(article.author)
    text = Text(_shown(" · ".join(parts)), style="dim")
    if not article.published:
        text.append(f"  [{label(site.language, 'draft')}]", style="bold yellow")
    return text


def _caption(article: Summary, site: Site) -> Text | None:
    image = article.image
    if image is None or not (image.caption or image.credit):
        return None
    text = Text(_shown(image.caption), style="italic")
    if image.credit:
        text.append(
            f"{' ' if image.caption else ''}{label(site.language, 'photo')} {_shown(image.credit)}",
            style="italic dim",
        )
    return text


def _alt(article: Summary, site: Site) -> Text | None:
    """The photo's alt text, dimmed: what a screen reader says in the photo's place."""
    image = article.image
    if image is None:
        return None
    name = "Alt-text:" if site.language == "sv" else "Alt text:"
    if not image.alt.strip():
        missing = "saknas" if site.language == "sv" else "missing"
        return Text(f"{name} {missing}", style="yellow")
    return Text(f"{name} {_shown(image.alt)}", style="dim")


def _topics(article: Summary, topics: Topics, site: Site) -> Text | None:
    if not article.topics:
        return None
    text = Text(f"{label(site.language, 'topics')} ", style="dim")
    text.append(_shown(", ".join(topics.names(article.topics))), style="cyan")
    return text


def teaser_card(article: Summary, topics: Topics, site: Site) -> RenderableType:
    """One teaser as on the listing page: photo caption, headline, date, teaser, topics."""
    rows: list[RenderableType] = []
    caption = _caption(article, site)
    if caption is not None:
        rows.append(caption)
    rows.append(Text(_shown(article.title), style="bold"))
    rows.append(_byline(article, site))
    if article.lead:
        rows.append(Text(_shown(article.lead)))
    shown = _topics(article, topics, site)
    if shown is not None:
        rows.append(shown)
    return Panel(
        Group(*rows),
        subtitle=Text(_shown(article.slug), style="dim"),
        subtitle_align="right",
        padding=(0, 1),
    )


def story(article: Article, topics: Topics, site: Site) -> RenderableType:
    """The full story the way the published page reads it."""
    rows: list[RenderableType] = [
        Text(_shown(article.title), style="bold underline"),
        _byline(article, site),
    ]
    shown = _topics(article, topics, site)
    if shown is not None:
        rows.append(shown)
    if article.lead:
        rows.append(Padding(Text(_shown(article.lead), style="bold"), (1, 0, 0, 2)))
    caption = _caption(article, site)
    alt = _alt(article, site)
    if caption is not None or alt is not None:
        shown_photo = [row for row in (caption, alt) if row is not None]
        rows.append(Padding(Group(*shown_photo), (1, 0, 0, 2)))
    if article.story.strip():
        rows.append(Text())
        # No hyperlinks: a link in the body could point anywhere, javascript: included.
        rows.append(Markdown(terminal_safe(article.story, lines=True), hyperlinks=False))
    rows.append(Rule(style="dim"))
    if article.author:
        rows.append(Text(f"{label(site.language, 'author')} {_shown(article.author)}"))
    if article.source is not None and (article.source.name or article.source.url):
        source = Text(f"{label(site.language, 'source')} ")
        url = article.source.url
        # A clickable link only to a web address the site would link to as well.
        clickable = url.startswith(("https://", "http://")) and is_safe_url(url)
        source.append(
            _shown(article.source.name or url),
            style=Style(link=url) if clickable else "",
        )
        if url and article.source.name:
            source.append(f" <{_shown(url)}>", style="dim")
        rows.append(source)
    return Group(*rows)


_STATE_STYLES = {
    State.DRAFT: "yellow",
    State.SCHEDULED: "blue",
    State.PUBLISHED: "green",
    State.EXPIRING: "green",
    State.EXPIRED: "dim",
    State.WITHDRAWN: "red",
}


def state_text(article: Summary, site: Site, now: dt.datetime) -> Text:
    """The story's state at now in the site language, with its moment when it has one
    ('schemalagd 2026-12-01 10:00')."""
    state = state_of(article, now)
    shown = label(site.language, f"state_{state.value}")
    when = moment_of(article, now)
    if when is not None:
        shown += " " + when.astimezone(site.tz).strftime("%Y-%m-%d %H:%M")
    return Text(shown, style=_STATE_STYLES[state])


def article_table(
    articles: Sequence[Summary],
    topics: Topics,
    site: Site,
    now: dt.datetime,
    lix: Mapping[str, Readability] | None = None,
) -> RenderableType:
    """Date, title, topics, state and slug (and LIX when given, by path); titles wrap so
    the table fits the terminal."""
    table = Table(show_edge=False, pad_edge=False, expand=False)
    table.add_column("Datum" if site.language == "sv" else "Date", no_wrap=True, style="dim")
    table.add_column("Rubrik" if site.language == "sv" else "Title", ratio=3, overflow="fold")
    table.add_column(
        label(site.language, "topics").rstrip(":"), ratio=2, overflow="fold", style="cyan"
    )
    table.add_column("Läge" if site.language == "sv" else "State", no_wrap=True)
    table.add_column("Slug", ratio=2, overflow="fold", style="dim")
    if lix is not None:
        table.add_column("LIX", no_wrap=True, justify="right")
    for article in articles:
        status = state_text(article, site, now)
        cells: list[RenderableType] = [
            article.date.astimezone(site.tz).strftime("%Y-%m-%d"),
            Text(_shown(article.title)),
            Text(_shown(", ".join(topics.names(article.topics)))),
            status,
            Text(_shown(article.slug)),
        ]
        if lix is not None:
            measured = lix.get(str(article.path))
            cells.append(f"{measured.lix:.0f}" if measured is not None else "")
        table.add_row(*cells)
    return table


def lix_line(measured: Readability, site: Site) -> Text:
    """'LIX 38 (lättläst)': a story's readability and its band, in the site's language."""
    band = label(site.language, f"lix_{measured.band}")
    return Text(f"LIX {measured.lix:.0f} ({band})", style="dim")


def print_more(hidden: int, total: int, out: Console) -> None:
    """The footer under a listing that shows only the newest page of a long list."""

    def number(n: int) -> str:
        return f"{n:,}".replace(",", " ")

    out.print(
        Text(
            f"… and {number(hidden)} more of {number(total)}: see them with --limit N, "
            "or all with --format paths|json|csv",
            style="dim",
        )
    )


def print_cards(articles: Iterable[Summary], topics: Topics, site: Site, out: Console) -> None:
    for article in articles:
        out.print(teaser_card(article, topics, site))


def print_story(article: Article, topics: Topics, site: Site, out: Console) -> None:
    out.print(story(article, topics, site))
    out.print(lix_line(story_readability(article), site))


def print_table(
    articles: Sequence[Summary],
    topics: Topics,
    site: Site,
    out: Console,
    now: dt.datetime,
    lix: Mapping[str, Readability] | None = None,
) -> None:
    out.print(article_table(articles, topics, site, now, lix))


def print_topics(counts: Sequence[Topic], site: Site, out: Console) -> None:
    """Topics with their counts; other spellings in use are shown so staff can merge them."""
    table = Table(show_edge=False, pad_edge=False)
    table.add_column(label(site.language, "topics").rstrip(":"), style="cyan")
    table.add_column("Artiklar" if site.language == "sv" else "Articles", justify="right")
    table.add_column("Publicerade" if site.language == "sv" else "Published", justify="right")
    table.add_column(
        "Andra stavningar" if site.language == "sv" else "Other spellings", style="yellow"
    )
    for topic in counts:
        table.add_row(
            Text(_shown(topic.name)),
            str(topic.articles),
            str(topic.published),
            Text(_shown(", ".join(topic.spellings[1:]))),
        )
    out.print(table)


def print_history(entries: Sequence[Entry], site: Site, out: Console, *, files: bool) -> None:
    """Git's history of a story or the newsroom: when (in the newsroom's timezone), who,
    what; with files, which stories each change touched."""
    sv = site.language == "sv"
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("Tid" if sv else "When", no_wrap=True, style="dim")
    table.add_column("Vem" if sv else "Who", style="cyan")
    table.add_column("Ändring" if sv else "Change", ratio=3, overflow="fold")
    if files:
        table.add_column("Filer" if sv else "Files", ratio=2, overflow="fold", style="dim")
    table.add_column("Commit", no_wrap=True, style="dim")
    for entry in entries:
        row: list[RenderableType] = [
            entry.when.strftime("%Y-%m-%d %H:%M"),
            Text(_shown(entry.author)),
            Text(_shown(entry.subject)),
        ]
        if files:
            row.append(Text(_shown("\n".join(entry.files))))
        table.add_row(*row, entry.commit[:8])
    out.print(table)
