"""The options and arguments that find stories, declared once for every command: REFs,
--topic, --author, --since and --until, each with its word metavar (REF, TOPIC, AUTHOR,
DATE) and its shell completion; and what the CLI says when a --topic means no topic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from newscli.cli import completion
from newscli.cli.common import warn
from newscli.i18n import N_, _

if TYPE_CHECKING:
    from newscli.catalog import Catalog
    from newscli.environment import Environment
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
