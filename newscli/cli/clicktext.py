"""Click's and Typer's own words ("Usage:", "Options", "Aborted!", "Error: No such option")
in the user's language.

Typer's vendored Click writes a few words through `gettext.gettext`, bound at import as
`typer.core._`, the usage line's "Usage: " as a fixed default of its help formatter, and its
usage errors as fixed English ("Error: …", "Try 'newscli list -h' for help.", "No such
option: --x", "Missing argument 'REF'.", range hints "x>=1"). `install()` routes the first
to newscli's catalog, gives every context a formatter whose usage line is translated, shows
Click's errors through `show_error` (which translates the messages it knows, `ERRORS`, and
Typer's "Did you mean …" after an unknown command), and describes ranges in words. (newscli
asks its questions through newscli.cli.asking, never Click's prompts.) The messages are
listed here so that the catalog keeps them. Typer's insides are reached through
newscli.cli.typer_inside.
"""

from __future__ import annotations

import re
from typing import IO, Any

from newscli.cli.typer_inside import (
    Context,
    HelpFormatter,
    echo,
    exceptions,
    get_text_stderr,
    set_gettext,
    types,
)
from newscli.i18n import N_, _

# Typer's words that reach `_` at run time (typer/core.py), kept in the catalog by this list.
MESSAGES = (
    N_("Aborted!"),
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("default: {default}"),
    N_("required"),
    N_("(dynamic)"),
    N_("env var: {var}"),
    N_("Usage: "),
    N_("Show this message and exit."),  # the help option's help (newscli.cli.help.Shown)
)


class TranslatedFormatter(HelpFormatter):
    """Click's help formatter with the usage line's prefix in the user's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)


# Click's usage errors as it words them (a pattern of its English), and as newscli says them
# in the user's language: the named groups are the fields.
ERRORS = (
    # Typer's suggestion after an unknown command; problem is its message, translated already.
    (r"(?P<problem>.+)\. Did you mean (?P<choices>.+)\?", N_("{problem}. Did you mean {choices}?")),
    (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
    (
        r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.+)\)",
        N_("No such option: {name} (possible options: {options})"),
    ),
    (r"Missing argument (?P<name>.+)\.", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>.+)\.", N_("Missing option {name}.")),
    (
        r"Got unexpected extra argument\(s\) \((?P<args>.*)\)",
        N_("Unexpected extra arguments: {args}"),
    ),
    (r"Option (?P<name>'\S+') requires an argument\.", N_("Option {name} needs a value.")),
    (
        r"Option (?P<name>'\S+') requires (?P<count>\d+) arguments\.",
        N_("Option {name} needs {count} values."),
    ),
    (r"Invalid value for (?P<name>.+?): (?P<reason>.*)", N_("Invalid value for {name}: {reason}")),
    (r"Invalid value: (?P<reason>.*)", N_("Invalid value: {reason}")),
    (r"(?P<value>.+) is not in the range (?P<range>.+)\.", N_("{value} is not {range}.")),
    (
        r"(?P<value>.+?) is not a valid (?P<kind>.+)\.",
        N_("{value} is not a number."),
    ),
    (r"(?P<value>.+?) is not one of (?P<choices>.+)\.", N_("{value} is not one of {choices}.")),
)
_ERRORS = [(re.compile(rf"{pattern}\Z", re.DOTALL), message) for pattern, message in ERRORS]


def translated(message: str) -> str:
    """One of Click's error messages in the user's language (as it is, when it is not one
    newscli knows)."""
    for pattern, wording in _ERRORS:  # the first that matches: the outer message before its parts
        found = pattern.match(message)
        if found is not None:
            fields = found.groupdict()
            if "reason" in fields:  # Click's own message inside, as for an invalid value
                fields["reason"] = translated(fields["reason"])
            return _(wording).format(**fields)
    return message


def show_error(self: exceptions.ClickException, file: IO[Any] | None = None) -> None:
    """Click's usage and other errors, as Click shows them but in the user's language: the
    usage line and a hint for a usage error, then "Error: …"."""
    if file is None:
        file = get_text_stderr()
    color = self.show_color
    ctx = getattr(self, "ctx", None)
    if ctx is not None:
        color = ctx.color
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = _("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=ctx.help_option_names[0]
            )
            hint += "\n"
        echo(f"{ctx.get_usage()}\n{hint}", file=file, color=color)
    echo(
        _("Error: {message}").format(message=translated(self.format_message())),
        file=file,
        color=color,
    )


def describe_range(self: types._NumberRangeBase) -> str:
    """A number option's range in words, for its help ("at least 1") and its errors."""

    low, high = self.min, self.max
    if high is None:
        wording = N_("more than {low}") if self.min_open else N_("at least {low}")
    elif low is None:
        wording = N_("less than {high}") if self.max_open else N_("at most {high}")
    else:
        wording = N_("from {low} to {high}")
    return _(wording).format(low=low, high=high)


def install() -> None:
    """Click's and Typer's words through newscli's catalog from now on (once, at import)."""
    set_gettext(_)
    Context.formatter_class = TranslatedFormatter
    exceptions.ClickException.show = show_error  # type: ignore[method-assign]
    exceptions.UsageError.show = show_error  # type: ignore[method-assign]
    types._NumberRangeBase._describe_range = describe_range  # type: ignore[method-assign]
