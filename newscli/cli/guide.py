"""newscli help GUIDE: what an installed newscli's users need to know beyond a command's
--help, made from the code that decides it (check's rules, the statement's template, the
date forms, the settings init writes), in their language; a message or a comment points
here, never to a docs/ file an installed newscli does not have. A command's name as TOPIC
shows that command's --help, as `git help` does."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Annotated

import typer
from typer.core import TyperGroup

from newscli.cli import completion
from newscli.cli.common import environment
from newscli.cli.help import COMMANDS
from newscli.cli.typer_inside import click
from newscli.errors import UsageError
from newscli.i18n import N_, _


def _wrapped(text: str) -> str:
    """A paragraph in lines that fit a terminal (78 characters), as --help has them."""
    return textwrap.fill(text, width=78)


def _checks() -> str:
    from newscli.checks import RULES

    width = max(len(rule.name) for rule in RULES)
    lines = [
        _wrapped(
            _(
                "newscli check reads every story against these rules (an error fails the "
                "check, a warning only with --strict):"
            )
        ),
        "",
    ]
    for rule in RULES:
        note = ""
        if rule.optional:
            note = " " + _("(off unless [checks] on = [...] names it)")
        elif not rule.switchable:
            note = " " + _("(cannot be switched off)")
        lines.append(f"  {rule.name:<{width}}  {rule.description}{note}")
    lines += [
        "",
        _("In newscli.toml, [checks] sets the LIX limit and switches rules on and off:"),
        "",
        "  [checks]",
        "  lix_limit = 50",
        '  on = ["photo-consent"]',
        "  [checks.off]",
        '  all-caps = "{}"'.format(_("Our brand names are written in capitals")),
        "",
        _("The accessibility statement: newscli help accessibility."),
    ]
    return "\n".join(lines) + "\n"


def _accessibility() -> str:
    from newscli.founding import STATEMENT_TEMPLATE
    from newscli.i18n import language

    intro = _(
        "A Swedish public body's site must have an accessibility statement (the law "
        "(2018:1937) on accessibility of digital public services) and link to it from "
        "every page. newscli exports it from [accessibility] in newscli.toml. Copy this "
        "section there, fill it in and remove the '# ' before its lines:"
    )
    return f"{_wrapped(intro)}\n\n{STATEMENT_TEMPLATE.get(language(), STATEMENT_TEMPLATE['en'])}"


def _dates() -> str:
    from newscli.when import AGO, AHEAD, FORMS

    return "\n".join(
        [
            _wrapped(
                _(
                    "Every date option (--date, --since, --until, --at, --expires, "
                    "--review-by) and every question for a date takes, in Swedish or English:"
                )
            ),
            "",
            textwrap.fill(
                _(FORMS).format(durations=_(AGO)),
                width=78,
                initial_indent="  ",
                subsequent_indent="  ",
            ),
            "",
            _wrapped(
                _("Counted forward (--at, --expires, --review-by): {durations}.").format(
                    durations=_(AHEAD)
                )
            ),
            "",
        ]
    )


def _settings() -> str:
    from newscli.founding import DEFAULT_TITLE, Founding, config_text
    from newscli.i18n import language

    chosen = language() if language() in DEFAULT_TITLE else "en"
    intro = _(
        "newscli.toml, in the newsroom's folder, holds its settings; newscli init writes "
        "one like this. [checks]: newscli help checks; [accessibility]: newscli help "
        "accessibility."
    )
    return f"{_wrapped(intro)}\n\n{config_text(Founding(DEFAULT_TITLE[chosen], language=chosen))}"


# Each guide: what it is about (for the list) and what writes it.
GUIDES: dict[str, tuple[str, Callable[[], str]]] = {
    "checks": (N_("what newscli check looks for, and [checks] in newscli.toml"), _checks),
    "accessibility": (N_("the accessibility statement, [accessibility]"), _accessibility),
    "dates": (N_("the dates every option and question takes"), _dates),
    "settings": (N_("newscli.toml, the newsroom's settings"), _settings),
}


def help_guide(
    ctx: typer.Context,
    guide: Annotated[
        list[str] | None,
        typer.Argument(
            help="A guide (checks, accessibility, dates, settings) or a command.",
            autocompletion=completion.words(
                [*GUIDES, *sorted({path.split()[0] for path in COMMANDS if path})]
            ),
        ),
    ] = None,
) -> None:
    """Read a guide, or a command's help (newscli help tag add)."""
    env = environment(ctx)
    words = guide or []
    if not words:
        width = max(len(name) for name in GUIDES)
        lines = [_("Guides (newscli help GUIDE):"), ""]
        lines += [f"  {name:<{width}}  {_(about)}" for name, (about, _write) in GUIDES.items()]
        lines += ["", _("And every command: newscli help COMMAND, as newscli COMMAND --help."), ""]
        text = "\n".join(lines)
    elif len(words) == 1 and words[0] in GUIDES:
        text = GUIDES[words[0]][1]()
    else:
        text = _command_help(ctx, words)
    env.stdout.write(text)
    env.stdout.flush()


def _command_help(ctx: typer.Context, words: list[str]) -> str:
    """The --help of the command words name (tag add); a UsageError for no command."""
    context: click.Context = ctx.find_root()
    command: click.Command = context.command
    for word in words:
        inner = command.get_command(context, word) if isinstance(command, TyperGroup) else None
        if inner is None:
            raise UsageError(
                _("no guide or command {name!r}; the guides: {guides}").format(
                    name=" ".join(words), guides=", ".join(GUIDES)
                )
            )
        command = inner
        context = click.Context(command, info_name=word, parent=context)
    return command.get_help(context) + "\n"
