"""Click's and Typer's own words ("Usage:", "Options", "Aborted!") in the user's language.

Typer's vendored Click writes a few words through `gettext.gettext`, bound at import as
`typer.core._`, and the usage line's "Usage: " as a fixed default of its help formatter.
`install()` routes the first to newscli's catalog and gives every context a formatter whose
usage line is translated; the messages are listed here so that the catalog keeps them.
"""

from __future__ import annotations

import typer.core
from typer._click.core import Context
from typer._click.formatting import HelpFormatter

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


def install() -> None:
    """Click's and Typer's words through newscli's catalog from now on (once, at import)."""
    typer.core._ = _  # type: ignore[attr-defined]
    Context.formatter_class = TranslatedFormatter
