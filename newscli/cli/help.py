"""What `--help` shows beyond a command's docstring, kept in one table: each command's short
summary for the command list, one example, and words for the values options take.

Typer has no default command class, so the app's root group adopts its whole tree once
(`adopt`): every plain Typer command and group becomes a NewsCommand or NewsGroup (classes
that only add help formatting), and every option and argument without a metavar of its own
gets a word (`--since DATE`, `--limit N`, `REF`) instead of its type (`<str>`, `<int>`).
A metavar a declaration sets itself is never replaced.

Help texts are written in English (docstrings, `help=N_("…")`) and translated each time they
are read (`Shown`): Typer reads `help=` when the app is built, but the language is chosen
per run, just before parsing (newscli.cli.Newscli.parse_args). Adopted commands, groups,
options and arguments (Typer's own --help and completion options too) read their help
through the user's catalog; `python -m newscli.locale` collects the docstrings.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from newscli.cli.typer_inside import TyperChoice, click
from newscli.i18n import N_, _


@dataclass(frozen=True)
class Help:
    """A command's summary in its group's command list (translated where shown) and one
    command line that shows what it is for."""

    summary: str
    example: str


# By command path ("" is newscli itself). Every command has a line: tests/test_cli_help.py
# fails for one without. Summaries fit the command list (at most 50 characters).
COMMANDS: dict[str, Help] = {
    "": Help(
        N_("A command-line newsroom"),
        "newscli list --topic Ekonomi --since 2022-01-01",
    ),
    "init": Help(
        N_("Start a newsroom in a folder"), 'newscli init nyheter --title "Aktuellt" --no-input'
    ),
    "new": Help(
        N_("Write a new story"),
        'newscli new "Nytt äldreboende i Norrfjärden" --topic Äldreomsorg',
    ),
    "list": Help(
        N_("List stories, newest first"),
        "newscli list --topic Ekonomi --since 2022-01-01 --state published",
    ),
    "show": Help(
        N_("Preview a story as readers will see it"),
        "newscli show forbattrad-ekonomisk-prognos-for-socialtjansten",
    ),
    "edit": Help(
        N_("Edit a story in your editor"),
        "newscli edit forbattrad-ekonomisk-prognos-for-socialtjansten",
    ),
    "check": Help(N_("Check every story for problems"), "newscli check --strict"),
    "topics": Help(N_("Topics, their counts and spellings"), "newscli topics --sort name"),
    "tag": Help(
        N_("Change the topics of many stories"),
        "newscli tag add Budget --topic Ekonomi --dry-run",
    ),
    "tag add": Help(
        N_("Add topics to the selected stories"),
        "newscli tag add Budget --topic Ekonomi --since 2022-01-01",
    ),
    "tag remove": Help(
        N_("Remove topics from the selected stories"),
        "newscli tag remove Budget --topic Ekonomi --dry-run",
    ),
    "tag rename": Help(
        N_("Rename a topic in every story"),
        'newscli tag rename "Anhörigstod" "Anhörigstöd"',
    ),
    "tag merge": Help(
        N_("Merge topics into one"),
        "newscli tag merge Budget Ekonomifrågor --into Ekonomi",
    ),
    "photo": Help(
        N_("Set or remove a story's photo"),
        'newscli photo set framtidens-socialtjanst massan.jpg --alt "Tre personer vid en monter"',
    ),
    "photo set": Help(
        N_("Give a story a photo, or new photo texts"),
        'newscli photo set framtidens-socialtjanst massan.jpg --alt "Tre personer vid en monter"',
    ),
    "photo remove": Help(
        N_("Take a story's photo away"),
        "newscli photo remove framtidens-socialtjanst",
    ),
    "export": Help(
        N_("Publish the feeds and the site"),
        "newscli export html --output public",
    ),
    "export rss": Help(
        N_("Write the RSS 2.0 feed"),
        "newscli export rss --topic Ekonomi --output public/ekonomi.xml",
    ),
    "export atom": Help(N_("Write the Atom 1.0 feed"), "newscli export atom --limit 20"),
    "export json": Help(N_("Write the JSON Feed 1.1"), "newscli export json --output -"),
    "export html": Help(
        N_("Build the static site"),
        "newscli export html --base-url https://www.example.se/aktuellt/",
    ),
    "serve": Help(N_("Preview the site in a browser"), "newscli serve --drafts --watch"),
    "publish": Help(
        N_("Publish stories, now or at a set time"),
        'newscli publish framtidens-socialtjanst --at "2026-12-01 10:00"',
    ),
    "unpublish": Help(
        N_("Withdraw stories from the site and feeds"),
        'newscli unpublish framtidens-socialtjanst --reason "Fel datum i texten"',
    ),
    "expire": Help(
        N_("Set when stories leave the site"),
        "newscli expire --topic Kampanj --at 2027-01-01",
    ),
    "build": Help(N_("Run every export newscli.toml sets up"), "newscli build --quiet"),
    "deploy": Help(N_("Send the built site to the web"), "newscli deploy --dry-run"),
    "log": Help(
        N_("A story's history, from git"), "newscli log framtidens-socialtjanst --limit 10"
    ),
    "import": Help(
        N_("Bring stories in from elsewhere"),
        "newscli import feed https://www.example.se/rss.xml",
    ),
    "import feed": Help(
        N_("Import the stories of a feed"),
        "newscli import feed https://www.example.se/rss.xml",
    ),
    "import text": Help(N_("Import pages copied from a browser"), "newscli import text sida.txt"),
    "help": Help(N_("Read a guide, or a command's help"), "newscli help checks"),
    "import wordpress": Help(
        N_("Import a WordPress export"),
        "newscli import wordpress wordpress-export.xml",
    ),
}

# The word for an option's value where the option's own name is not it (the rule: the long
# name in capitals, `--reason` → REASON).
OPTION_WORDS = {
    "limit": "N",
    "port": "N",
    "output": "PATH",
    "root": "PATH",
    "body-file": "PATH",
    "image": "PATH|URL",
    "base-url": "URL",
    "since": "DATE",
    "until": "DATE",
    "date": "DATE",
    "at": "DATE",
    "search": "WORDS",
    "article": "REF",
    "into": "TOPIC",
    "credit": "NAME",
    "alt": "DESCRIPTION",
}

# The word for one value of an argument, where its name in capitals is not it.
ARGUMENT_WORDS = {"refs": "REF", "topics": "TOPIC", "sources": "TOPIC", "files": "FILE"}


def command_path(ctx: click.Context) -> str:
    """'tag add' for `newscli tag add`, '' for newscli itself, whatever the program is called."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def summary(path: str, command: click.Command, limit: int) -> str:
    """A command's line in its group's list: its summary, or else the first sentence of its
    help, cut after a whole clause or word (never with '...')."""
    known = COMMANDS.get(path)
    if known is not None:
        return _(known.summary)
    text = " ".join((command.help or "").split("\n\n")[0].split())
    text = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].rstrip(".")
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0]
    clause = max(cut.rfind(mark) for mark in (",", ";", ":", " –", " ("))
    return (cut[:clause] if clause > limit // 2 else cut).rstrip(",;:")


def _word(param: click.Parameter) -> str | None:
    """The word an option or argument's value is shown as; None: keep Click's own (a flag,
    a choice of words, or a metavar the declaration set)."""
    if param.metavar is not None or isinstance(param.type, TyperChoice):
        return None
    name = param.name or ""
    if isinstance(param, TyperArgument):
        word = ARGUMENT_WORDS.get(name, name.upper())
        return f"{word}..." if param.nargs != 1 else word
    if not isinstance(param, TyperOption) or param.is_flag or param.count:
        return None
    longest = max(param.opts, key=len).lstrip("-")
    return OPTION_WORDS.get(longest, longest.upper().replace("-", "_"))


class Shown:
    """A help text attribute kept as written (English) and read in the user's language: the
    one place help is translated, for commands, groups, options and arguments."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Shown: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> str | None: ...
    def __get__(self, instance: object, owner: type | None = None) -> Shown | str | None:
        if instance is None:
            return self
        text: str | None = instance.__dict__.get(self.name)
        return _(text) if text else text

    def __set__(self, instance: object, value: str | None) -> None:
        instance.__dict__[self.name] = value


class _Completed(click.Parameter):
    """A parameter whose completion (newscli.cli.completion) sees every candidate it
    offers through to the shell, also those that begin with the typed text only once case
    and accents are set aside ('anh': Anhörigstöd)."""

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        from newscli.cli.completion import offered_as_spelled

        return offered_as_spelled(self, ctx, incomplete) or super().shell_complete(ctx, incomplete)


class NewsOption(_Completed, TyperOption):
    """A Typer option whose help reads in the user's language."""

    help = Shown()


class NewsArgument(_Completed, TyperArgument):
    """A Typer argument whose help reads in the user's language."""

    help = Shown()


def adopt_param(param: click.Parameter) -> None:
    """An option or argument of Typer's with its help in the user's language, and a word for
    its value."""
    if type(param) is TyperOption:
        param.__class__ = NewsOption
    elif type(param) is TyperArgument:
        param.__class__ = NewsArgument
    word = _word(param)
    if word is not None:
        param.metavar = word


def adopt(group: click.Command, group_class: type[TyperGroup]) -> None:
    """Give every command under group newscli's help: plain Typer commands and groups become
    NewsCommand and group_class, values get words, and help texts the user's language."""
    for param in group.params:
        adopt_param(param)
    for command in getattr(group, "commands", {}).values():
        if type(command) is TyperCommand:
            command.__class__ = NewsCommand
        elif type(command) is TyperGroup:
            command.__class__ = group_class
        adopt(command, group_class)


def format_example(ctx: click.Context, formatter: click.HelpFormatter) -> None:
    """The command's example under its help, as it is typed (never re-wrapped)."""
    known = COMMANDS.get(command_path(ctx))
    if known is None:
        return
    formatter.write_paragraph()
    formatter.write_text(_("Example:"))
    formatter.write(f"{'':>{formatter.current_indent + 2}}{known.example}\n")


# Click's words in a usage line, in the user's language ("Användning: newscli [FLAGGOR]
# KOMMANDO [ARGUMENT]..."); the words for values (REF, DATE) stay as the help names them.
USAGE_WORDS = {"[OPTIONS]": N_("[OPTIONS]"), "COMMAND [ARGS]...": N_("COMMAND [ARGS]...")}


def usage_pieces(pieces: list[str]) -> list[str]:
    """Typer's `{REF}` for a required argument as the usual `REF`, and Click's words in the
    user's language."""
    return [
        _(USAGE_WORDS[piece])
        if piece in USAGE_WORDS
        else re.sub(r"^\{(.+)\}(\.\.\.)?$", r"\1\2", piece)
        for piece in pieces
    ]


class TranslatedHelp(click.Command):
    """What NewsCommand and NewsGroup share: their help and short help in the user's language,
    and so the help of every option they have, also those Typer adds after adopt (--help,
    --install-completion)."""

    help = Shown()
    short_help = Shown()

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        params = super().get_params(ctx)
        for param in params:
            adopt_param(param)
        return params

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return usage_pieces(super().collect_usage_pieces(ctx))


class NewsCommand(TranslatedHelp, TyperCommand):
    """A Typer command with newscli's help: an example, plain argument names, and its texts in
    the user's language."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        format_example(ctx, formatter)


def written_help() -> Iterator[tuple[str, str]]:
    """(help, file) of every help text the command line shows, as written (English): each
    command's and group's (docstrings, `help=`) and each option's and argument's, Typer's own
    too. Babel cannot extract docstrings and `help=` needs no mark: the catalog refresh
    (newscli.locale) collects them here, exactly as `Shown` will look them up."""
    from typer.main import get_command

    from newscli import cli

    package = Path(__file__).resolve().parents[1]

    def written(thing: object) -> str | None:
        text = thing.__dict__.get("help")  # not translated (Shown translates when read)
        return text if isinstance(text, str) and text else None

    def walk(command: click.Command, where: str) -> Iterator[tuple[str, str]]:
        if command.callback is not None:
            source = Path(inspect.getsourcefile(inspect.unwrap(command.callback)) or "")
            if source.is_relative_to(package):
                where = source.relative_to(package.parent).as_posix()
        for thing in (command, *command.params):
            text = written(thing)
            if text:
                yield text, where
        for inner in getattr(command, "commands", {}).values():
            yield from walk(inner, where)

    yield from walk(get_command(cli.app), "newscli/cli/__init__.py")
