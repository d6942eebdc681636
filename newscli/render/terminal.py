"""Rich previews of articles: the listing table, teaser cards and the full story.

The listings (list's table and its tab-separated lines, topics, log) speak the user's
language (newscli.i18n); a story and its teaser card preview the published page, so they
follow the site's language (newscli.labels), as the exported pages do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import IO

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
from newscli.i18n import N_, _, ngettext, number
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


# A story reads best in lines of at most this many characters, however wide the window.
READING_WIDTH = 80


def console(env: Environment, *, stderr: bool = False, width: int | None = None) -> Console:
    """A console on the run's stdout (or stderr): styled only on a terminal, and never with
    NO_COLOR set (no colour, no bold, no links: no-color.org); its size from COLUMNS/LINES or
    the terminal, at most width wide."""
    plain = bool(env.variable("NO_COLOR"))
    out = _Console(
        file=env.stderr if stderr else env.stdout,
        force_terminal=bool(env.stderr_isatty if stderr else env.stdout_isatty),
        no_color=plain,
        color_system=None if plain else "auto",
        highlight=False,
        soft_wrap=False,
        _environ=dict(env.variables),
    )
    if width is not None and out.width > width:
        out.width = width
    return out


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
        # A blank line, not only a style, parts the photo's caption from the headline: without
        # colour (NO_COLOR, a pipe) the two would read as one paragraph.
        rows.extend((caption, Text()))
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
        rows.append(source)
        if url and article.source.name:
            # On a line of its own, never broken: a web address is copied whole.
            rows.append(Text(_shown(url), style="dim", no_wrap=True, overflow="ignore"))
    return Group(*rows)


_STATE_STYLES = {
    State.DRAFT: "yellow",
    State.SCHEDULED: "blue",
    State.PUBLISHED: "green",
    State.EXPIRING: "green",
    State.EXPIRED: "dim",
    State.WITHDRAWN: "red",
}


# A story's state as the listings name it for people (json and csv keep State's values).
_STATE_NAMES = {
    State.DRAFT: N_("draft"),
    State.SCHEDULED: N_("scheduled"),
    State.PUBLISHED: N_("published"),
    State.EXPIRING: N_("expiring"),
    State.EXPIRED: N_("expired"),
    State.WITHDRAWN: N_("withdrawn"),
}


def state_text(article: Summary, site: Site, now: dt.datetime) -> Text:
    """The story's state at now in the user's language, with its moment when it has one
    ('schemalagd 2026-12-01 10:00')."""
    state = state_of(article, now)
    shown = _(_STATE_NAMES[state])
    when = moment_of(article, now)
    if when is not None:
        shown += " " + when.astimezone(site.tz).strftime("%Y-%m-%d %H:%M")
    return Text(shown, style=_STATE_STYLES[state])


def _cells(
    article: Summary,
    topics: Topics,
    site: Site,
    now: dt.datetime,
    lix: Mapping[str, Readability] | None,
) -> tuple[str, Text, str, Text, str, str | None]:
    """One row of the listing, shown: date, title, topics, state, slug and LIX (None: no
    LIX column)."""
    measured = None if lix is None else lix.get(str(article.path))
    return (
        article.date.astimezone(site.tz).strftime("%Y-%m-%d"),
        Text(_shown(article.title)),
        _shown(", ".join(topics.names(article.topics))),
        state_text(article, site, now),
        _shown(article.slug),
        None if lix is None else (f"{measured.lix:.0f}" if measured is not None else ""),
    )


# Room the wide table needs beside its slug column: the date, four column gaps, a title, the
# topics and the state at their narrowest readable widths.
_WIDE_ROOM = 10 + 4 * 3 + 24 + 14 + 10


def article_table(
    articles: Sequence[Summary],
    topics: Topics,
    site: Site,
    now: dt.datetime,
    lix: Mapping[str, Readability] | None = None,
    width: int | None = None,
) -> RenderableType:
    """Date, title, topics, state and slug (and LIX when given, by path) for a terminal
    width columns wide. Titles, topics and states wrap; a slug never does (it is what the
    reader copies): where the slug column leaves too little room, each story's title, state,
    topics and slug stack in one column; a slug wider than that whole column is cut with an
    ellipsis, never broken across lines."""
    rows = [_cells(article, topics, site, now, lix) for article in articles]
    longest = max((len(row[4]) for row in rows), default=0)
    extra = 0 if lix is None else 6
    wide = width is None or longest + _WIDE_ROOM + extra <= width
    table = Table(show_edge=False, pad_edge=False, expand=False)
    table.add_column(_("Date"), no_wrap=True, style="dim")
    table.add_column(_("Title"), overflow="fold")
    if wide:
        table.add_column(_("Topics"), overflow="fold", style="cyan")
        table.add_column(_("State"))
        table.add_column(_("Slug"), no_wrap=True, min_width=longest, style="dim")
    if lix is not None:
        table.add_column("LIX", no_wrap=True, justify="right")
    for date, title, shown_topics, status, slug, measured in rows:
        cells: list[RenderableType]
        if wide:
            cells = [date, title, Text(shown_topics), status, Text(slug)]
        else:
            line = status.copy()
            if shown_topics:
                line.append(" · ", style="dim").append(shown_topics, style="cyan")
            shown_slug = Text(slug, style="dim", no_wrap=True, overflow="ellipsis")
            cells = [date, Group(title, line, shown_slug)]
        if measured is not None:
            cells.append(measured)
        table.add_row(*cells)
    return table


def write_tab_separated(
    articles: Sequence[Summary],
    topics: Topics,
    site: Site,
    out: IO[str],
    now: dt.datetime,
    lix: Mapping[str, Readability] | None = None,
) -> None:
    """The listing for a pipe, as gh prints one: a line per story, its cells as the table
    shows them (date, title, topics, state, slug, and LIX when given) between tabs, no
    header, nothing cut or wrapped, so that grep finds a story's whole line and cut -f its
    column. A tab or line break inside a value reads as a space."""
    for row in (_cells(article, topics, site, now, lix) for article in articles):
        date, title, shown_topics, status, slug, measured = row
        cells = [date, title.plain, shown_topics, status.plain, slug]
        if measured is not None:
            cells.append(measured)
        out.write("\t".join(_one_cell(cell) for cell in cells) + "\n")


def _one_cell(text: str) -> str:
    return " ".join(text.replace("\t", " ").splitlines()) if text else ""


def lix_line(measured: Readability, site: Site) -> Text:
    """'LIX 38 (lättläst)': a story's readability and its band, in the site's language."""
    band = label(site.language, f"lix_{measured.band}")
    return Text(f"LIX {measured.lix:.0f} ({band})", style="dim")


def print_more(hidden: int, total: int, out: Console) -> None:
    """The footer under a listing that shows only the newest page of a long list."""
    out.print(
        Text(
            ngettext(
                "… and {hidden} more of {total}: see them with --limit N, "
                "or all with --format paths|json|csv",
                "… and {hidden} more of {total}: see them with --limit N, "
                "or all with --format paths|json|csv",
                hidden,
            ).format(hidden=number(hidden), total=number(total)),
            style="dim",
        )
    )


def print_cards(articles: Iterable[Summary], topics: Topics, site: Site, out: Console) -> None:
    for article in articles:
        out.print(teaser_card(article, topics, site))


def print_story(article: Article, topics: Topics, site: Site, out: Console) -> None:
    out.print(story(article, topics, site))
    out.print(lix_line(story_readability(article), site))


def rendered(out: Console, renderable: Callable[[Console], None]) -> str:
    """What printing on out would show, as text (with out's styles); without a terminal,
    no line ends in spaces (Rich pads some lines to the width)."""
    with out.capture() as captured:
        renderable(out)
    text = captured.get()
    if out.is_terminal:
        return text
    return "\n".join(line.rstrip(" ") for line in text.split("\n"))


def print_table(
    articles: Sequence[Summary],
    topics: Topics,
    site: Site,
    out: Console,
    now: dt.datetime,
    lix: Mapping[str, Readability] | None = None,
) -> None:
    out.print(article_table(articles, topics, site, now, lix, out.width))


def print_topics(counts: Sequence[Topic], site: Site, out: Console) -> None:
    """Topics with their counts; other spellings in use are shown so staff can merge them."""
    table = Table(show_edge=False, pad_edge=False)
    table.add_column(_("Topic"), style="cyan")
    table.add_column(_("Stories"), justify="right")
    table.add_column(_("Published"), justify="right")
    table.add_column(_("Other spellings"), style="yellow")
    for topic in counts:
        table.add_row(
            Text(_shown(topic.name)),
            number(topic.articles),
            number(topic.published),
            Text(_shown(", ".join(topic.spellings[1:]))),
        )
    out.print(table)


def write_topics_tab_separated(counts: Sequence[Topic], out: IO[str]) -> None:
    """The topics for a pipe, as list's lines: topic, articles, published and the other
    spellings (comma-separated) between tabs, no header, plain digits."""
    for topic in counts:
        cells = [topic.name, str(topic.articles), str(topic.published)]
        out.write("\t".join(_one_cell(cell) for cell in [*cells, ", ".join(topic.spellings[1:])]))
        out.write("\n")


# A change's message in log is its subject, shortened to this many characters (a message
# may be 100 KB on one line); `log --full` shows every message whole.
SUBJECT_LENGTH = 100


def shortened(text: str, length: int = SUBJECT_LENGTH) -> str:
    """text cut at a word boundary to at most length characters, with … when cut."""
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if " " in cut[length // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def print_history(
    entries: Sequence[Entry], site: Site, out: Console, *, files: bool, full: bool = False
) -> None:
    """Git's history of a story or the newsroom: when (in the newsroom's timezone), who,
    what (each message's subject, shortened; whole with full); with files, which stories each
    change touched."""
    table = Table(show_edge=False, pad_edge=False)
    table.add_column(_("When"), no_wrap=True, style="dim")
    table.add_column(_("Who"), style="cyan")
    table.add_column(_("Change"), ratio=3, overflow="fold")
    if files:
        table.add_column(_("Files"), ratio=2, overflow="fold", style="dim")
    table.add_column(_("Commit"), no_wrap=True, style="dim")
    for entry in entries:
        row: list[RenderableType] = [
            entry.when.strftime("%Y-%m-%d %H:%M"),
            Text(_shown(entry.author)),
            Text(
                terminal_safe(entry.message, lines=True)
                if full
                else _shown(shortened(entry.subject))
            ),
        ]
        if files:
            row.append(Text("\n".join(_shown(name) for name in entry.files)))  # one a line
        table.add_row(*row, entry.commit[:8])
    out.print(table)
