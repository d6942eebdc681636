"""Rich previews of articles: the listing table, teaser cards and the full story."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from newscli.article import Article, Summary
from newscli.environment import Environment
from newscli.labels import label, long_date
from newscli.topics import Topic, Topics

# Control characters a terminal obeys (ESC and CSI start escape sequences that can move the
# cursor, clear the screen or set the window title). The body is the one field validation
# lets through with them, so what is shown of it is cleaned here; tabs and newlines stay.
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _shown(text: str) -> str:
    return _TERMINAL_CONTROL.sub("", text)


def console(env: Environment, *, stderr: bool = False) -> Console:
    """A console on the run's stdout (or stderr): styled only on a terminal, never coloured
    with NO_COLOR set."""
    return Console(
        file=env.stderr if stderr else env.stdout,
        force_terminal=bool(env.stderr_isatty if stderr else env.stdout_isatty),
        no_color=bool(env.variable("NO_COLOR")),
        highlight=False,
        soft_wrap=False,
    )


def _byline(article: Summary, language: str) -> Text:
    parts = [long_date(article.date, language)]
    if article.updated:
        parts.append(f"{label(language, 'updated')} {long_date(article.updated, language)}")
    if article.author:
        parts.append(article.author)
    text = Text(" · ".join(parts), style="dim")
    if not article.published:
        text.append(f"  [{label(language, 'draft')}]", style="bold yellow")
    return text


def _caption(article: Summary, language: str) -> Text | None:
    image = article.image
    if image is None or not (image.caption or image.credit):
        return None
    text = Text(image.caption, style="italic")
    if image.credit:
        text.append(
            f"{' ' if image.caption else ''}{label(language, 'photo')} {image.credit}",
            style="italic dim",
        )
    return text


def _topics(article: Summary, topics: Topics, language: str) -> Text | None:
    if not article.topics:
        return None
    text = Text(f"{label(language, 'topics')} ", style="dim")
    text.append(", ".join(topics.names(article.topics)), style="cyan")
    return text


def teaser_card(article: Summary, topics: Topics, language: str) -> RenderableType:
    """One teaser as on the listing page: photo caption, headline, date, teaser, topics."""
    rows: list[RenderableType] = []
    caption = _caption(article, language)
    if caption is not None:
        rows.append(caption)
    rows.append(Text(article.title, style="bold"))
    rows.append(_byline(article, language))
    if article.lead:
        rows.append(Text(_shown(article.lead)))
    shown = _topics(article, topics, language)
    if shown is not None:
        rows.append(shown)
    return Panel(
        Group(*rows),
        subtitle=Text(article.slug, style="dim"),
        subtitle_align="right",
        padding=(0, 1),
    )


def story(article: Article, topics: Topics, language: str) -> RenderableType:
    """The full story the way the published page reads it."""
    rows: list[RenderableType] = [
        Text(article.title, style="bold underline"),
        _byline(article, language),
    ]
    shown = _topics(article, topics, language)
    if shown is not None:
        rows.append(shown)
    if article.lead:
        rows.append(Padding(Text(_shown(article.lead), style="bold"), (1, 0, 0, 2)))
    caption = _caption(article, language)
    if caption is not None:
        rows.append(Padding(caption, (1, 0, 0, 2)))
    if article.story.strip():
        rows.append(Text())
        rows.append(Markdown(_shown(article.story)))
    rows.append(Rule(style="dim"))
    if article.author:
        rows.append(Text(f"{label(language, 'author')} {article.author}"))
    if article.source is not None and (article.source.name or article.source.url):
        source = Text(f"{label(language, 'source')} ")
        source.append(
            article.source.name or article.source.url,
            style=f"link {article.source.url}" if article.source.url else "",
        )
        if article.source.url and article.source.name:
            source.append(f" <{article.source.url}>", style="dim")
        rows.append(source)
    return Group(*rows)


def article_table(articles: Sequence[Summary], topics: Topics, language: str) -> RenderableType:
    """Date, title, topics, status and slug; titles wrap so the table fits the terminal."""
    table = Table(show_edge=False, pad_edge=False, expand=False)
    table.add_column("Datum" if language == "sv" else "Date", no_wrap=True, style="dim")
    table.add_column("Rubrik" if language == "sv" else "Title", ratio=3, overflow="fold")
    table.add_column(label(language, "topics").rstrip(":"), ratio=2, overflow="fold", style="cyan")
    table.add_column("Status", no_wrap=True)
    table.add_column("Slug", ratio=2, overflow="fold", style="dim")
    for article in articles:
        status = Text(article.status, style="green" if article.published else "yellow")
        table.add_row(
            article.date.strftime("%Y-%m-%d"),
            Text(article.title),
            Text(", ".join(topics.names(article.topics))),
            status,
            Text(article.slug),
        )
    return table


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


def print_cards(articles: Iterable[Summary], topics: Topics, language: str, out: Console) -> None:
    for article in articles:
        out.print(teaser_card(article, topics, language))


def print_story(article: Article, topics: Topics, language: str, out: Console) -> None:
    out.print(story(article, topics, language))


def print_table(articles: Sequence[Summary], topics: Topics, language: str, out: Console) -> None:
    out.print(article_table(articles, topics, language))


def print_topics(counts: Sequence[Topic], language: str, out: Console) -> None:
    """Topics with their counts; other spellings in use are shown so staff can merge them."""
    table = Table(show_edge=False, pad_edge=False)
    table.add_column(label(language, "topics").rstrip(":"), style="cyan")
    table.add_column("Artiklar" if language == "sv" else "Articles", justify="right")
    table.add_column("Publicerade" if language == "sv" else "Published", justify="right")
    table.add_column("Andra stavningar" if language == "sv" else "Other spellings", style="yellow")
    for topic in counts:
        table.add_row(
            Text(topic.name),
            str(topic.articles),
            str(topic.published),
            Text(", ".join(topic.spellings[1:])),
        )
    out.print(table)
