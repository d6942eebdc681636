"""Which stories a command means, declared once for every command: REFs, the filters
(--topic, --author, --status, --since, --until, --search, --state, --review; each with its
word metavar and its shell completion), the ways a bulk command names its stories (--article,
--stdin, --all), and the output formats. `list`, `tag add|remove`, `publish`, `unpublish` and
`expire` take the same filters through `selecting`; what the CLI says when a --topic means no
topic is here too."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from newscli.cli import completion
from newscli.cli.common import warn
from newscli.errors import UsageError
from newscli.i18n import N_, _

if TYPE_CHECKING:
    from newscli.catalog import Catalog
    from newscli.environment import Environment
    from newscli.newsroom import Newsroom
    from newscli.query import Filters

_REF_HELP = N_(
    "A story: its slug, a unique beginning of it, its path, or its id's first 4+ characters."
)

RefArgument = Annotated[
    str, typer.Argument(metavar="REF", help=_REF_HELP, autocompletion=completion.refs)
]
OptionalRefArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="[REF]",
        help=N_("A story (slug, its beginning, path or id prefix); default: every story."),
        autocompletion=completion.refs,
    ),
]
RefsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[REF]...",
        help=N_("Stories by REF: slug, its beginning, path or id prefix (or use a selection)."),
        autocompletion=completion.refs,
    ),
]
ArticleOption = Annotated[
    list[str] | None,
    typer.Option(
        "--article",
        "-a",
        metavar="REF",
        help=N_("A story by REF (repeatable)."),
        autocompletion=completion.refs,
    ),
]
TopicOption = Annotated[
    list[str] | None,
    typer.Option(
        "--topic",
        metavar="TOPIC",
        help=N_(
            "Only stories with this topic (repeatable: any of them); case and accents are "
            "ignored, and a topic the newsroom does not have means every topic with a word it "
            "begins (famil: Familjefrågor)."
        ),
        autocompletion=completion.topics,
    ),
]
TopicsArgument = Annotated[
    list[str],
    typer.Argument(
        metavar="TOPIC...",
        help=N_("Topics, as they should be written."),
        autocompletion=completion.topics,
    ),
]
AuthorOption = Annotated[
    str | None,
    typer.Option(
        "--author",
        metavar="AUTHOR",
        help=N_(
            "Only stories whose author has a word beginning so, case and accents ignored "
            "(pitea: Piteå kommun)."
        ),
        autocompletion=completion.authors,
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="DATE",
        help=N_(
            "Only stories dated on or after DATE: 2022-02-03, 2022-02, 2022, today, yesterday, "
            "7d or 2w."
        ),
    ),
]
UntilOption = Annotated[
    str | None,
    typer.Option(
        "--until",
        metavar="DATE",
        help=N_("Only stories dated on or before DATE, the whole of it (2022-02: all February)."),
    ),
]


class StatusFilter(enum.StrEnum):
    """The statuses a filter may ask for (a story is never created withdrawn)."""

    draft = "draft"
    published = "published"
    withdrawn = "withdrawn"


class StateChoice(enum.StrEnum):
    """newscli.lifecycle.State, as --state offers it (Typer needs its own enum)."""

    draft = "draft"
    scheduled = "scheduled"
    published = "published"
    expiring = "expiring"
    expired = "expired"
    withdrawn = "withdrawn"


StatusOption = Annotated[
    StatusFilter | None,
    typer.Option("--status", help=N_("Only draft, published or withdrawn.")),
]
StateOption = Annotated[
    list[StateChoice] | None,
    typer.Option(
        "--state",
        help=N_(
            "Only stories in this state now (repeatable: any): draft, scheduled, published, "
            "expiring, expired, withdrawn."
        ),
    ),
]
ReviewOption = Annotated[
    bool, typer.Option("--review", help=N_("Only stories whose review_by date has passed."))
]
SearchOption = Annotated[
    str | None,
    typer.Option(help=N_("Words that title, teaser or body contain (case and accents ignored).")),
]
StdinOption = Annotated[
    bool,
    typer.Option("--stdin", help=N_("Read REFs or paths from stdin, one per line ('#' comments).")),
]
NullOption = Annotated[
    bool,
    typer.Option(
        "--null", "-0", help=N_("With --stdin: REFs end with NUL, as xargs -0 reads them.")
    ),
]
AllOption = Annotated[bool, typer.Option("--all", help=N_("Every story in the newsroom."))]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help=N_("Show what would change; change nothing."))
]


# -- output formats ---------------------------------------------------------------------


class Format(enum.StrEnum):
    """Every output format a command offers, one set: each command takes the ones its
    --format option names (formats)."""

    table = "table"
    cards = "cards"
    text = "text"
    json = "json"
    csv = "csv"
    paths = "paths"


def formats(*offered: Format, help: str) -> Any:
    """The --format option of a command that offers these formats: its metavar and its
    completion name only them, and any other is refused as Click refuses a wrong choice."""
    names = [str(format) for format in offered]

    def check(value: Format | None) -> Format | None:
        if value is not None and value not in offered:
            raise typer.BadParameter(
                _("{value} is not one of {choices}.").format(
                    value=repr(str(value)), choices=", ".join(repr(n) for n in names)
                )
            )
        return value

    return typer.Option(
        "--format",
        "-f",
        metavar="<" + "|".join(names) + ">",  # as Typer shows a choice
        help=help,
        callback=check,
        autocompletion=completion.words(names),
    )


ListFormatOption = Annotated[
    Format,
    formats(
        Format.table,
        Format.cards,
        Format.json,
        Format.csv,
        Format.paths,
        help=N_("Output format."),
    ),
]
TopicsFormatOption = Annotated[
    Format, formats(Format.table, Format.json, Format.csv, help=N_("Output format."))
]
ReportFormatOption = Annotated[
    Format, formats(Format.text, Format.json, help=N_("text, or json for scripts."))
]


# -- a selection ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The stories a command acts on, as its options describe them: the filters (every
    command that selects), and for a bulk change the REFs, --stdin, --all, --dry-run and its
    report's format."""

    topic: list[str] | None = None
    author: str | None = None
    status: StatusFilter | None = None
    since: str | None = None
    until: str | None = None
    search: str | None = None
    state: list[StateChoice] | None = None
    review: bool = False
    article: list[str] | None = None
    stdin: bool = False
    null: bool = False
    everything: bool = False
    dry_run: bool = False
    format: Format = Format.text

    def filters(self, newsroom: Newsroom, now: dt.datetime) -> Filters:
        """The filters the options describe; dates like today and 7d, states and review are
        asked at now (the run's clock)."""
        from newscli import when
        from newscli.query import Filters

        site = newsroom.site
        return Filters(
            topics=tuple(self.topic or ()),
            author=self.author,
            status=self.status.value if self.status else None,
            since=when.since(self.since, site, now) if self.since else None,
            until=when.until(self.until, site, now) if self.until else None,
            search=self.search,
            states=tuple(state.value for state in self.state or ()),
            review=self.review,
            at=now if self.state or self.review else None,
        )

    def refs(self, env: Environment, named: list[str] | None = None) -> list[str] | None:
        """REFs from the arguments (named), --article and --stdin, or None when none was
        given."""
        if self.null and not self.stdin:
            raise UsageError(_("--null goes with --stdin"))
        refs = [*(named or []), *(self.article or [])]
        if not refs and not self.stdin:
            return None
        if self.stdin:
            refs += _read_refs(env.stdin, self.null)
            if not refs:
                raise UsageError(_("--stdin gave no REFs"))
        return refs


def _read_refs(stream: IO[str], null: bool) -> list[str]:
    """REFs one per line ('#' comments), or with null separated by NUL (as xargs -0 reads
    them: a path may then hold a newline)."""
    if null:
        return [ref for ref in stream.read().split("\0") if ref]
    refs = []
    for line in stream:
        line = line.strip()
        if line and not line.startswith("#"):
            refs.append(line)
    return refs


def _option(name: str, annotation: object, default: object) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


# The options that choose stories, in --help's order, each by the Selection field it fills
# ("all" fills everything). FILTERS for every command that selects; BULK besides for the
# commands that change what they select.
FILTERS = [
    _option("topic", TopicOption, None),
    _option("author", AuthorOption, None),
    _option("status", StatusOption, None),
    _option("since", SinceOption, None),
    _option("until", UntilOption, None),
    _option("search", SearchOption, None),
    _option("state", StateOption, None),
    _option("review", ReviewOption, False),
]
BULK = [
    _option("article", ArticleOption, None),
    _option("stdin", StdinOption, False),
    _option("null", NullOption, False),
    _option("all", AllOption, False),
    _option("dry_run", DryRunOption, False),
    _option("format", ReportFormatOption, Format.text),
]


def selecting(*, bulk: bool) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """command(ctx, …, selection=Selection, …) as a command that takes the selection's
    options where its `selection` parameter stands: the filters, and with bulk the ways to
    name stories, --dry-run and --format. Written once for list, tag add|remove, publish,
    unpublish and expire."""
    chosen = FILTERS + (BULK if bulk else [])

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        own = list(inspect.signature(command, eval_str=True).parameters.values())
        at = [p.name for p in own].index("selection")
        ctx, *rest = [p for p in own if p.name != "selection"]
        rest = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in rest]
        parameters = [ctx, *rest[: at - 1], *chosen, *rest[at - 1 :]]

        @functools.wraps(command)
        def run(ctx: typer.Context, **values: Any) -> None:
            given = {option.name: values.pop(option.name) for option in chosen}
            if "all" in given:
                given["everything"] = given.pop("all")
            command(ctx, selection=Selection(**given), **values)

        run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in parameters}
        return run

    return decorate


def choose_topics(env: Environment, catalog: Catalog, filters: Filters) -> Filters:
    """filters with each --topic made into the newsroom's topics it means; a warning for
    each that means none, with the closest topics (the selection then matches no story by
    it: a script gets its empty answer and exit 0, a person the reason)."""
    chosen, missing = catalog.choose_topics(filters)
    for name, close in missing:
        message = _("no topic {name!r} in this newsroom").format(name=name)
        if close:
            message += _("; did you mean {choices}?").format(choices=_(" or ").join(close))
        warn(env, message)
    return chosen
