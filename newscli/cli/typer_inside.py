"""The one place newscli reaches inside Typer: its own copy of Click (`typer._click`, Typer ≥
0.26), `TyperChoice` (`typer._types`), the gettext Typer's words go through (`typer.core._`)
and the completion Typer made of an `autocompletion=` function. Typer exports none of them.

Every other module takes these names from here, so that a Typer upgrade that moves one
breaks one module, and `tests/test_cli_typer_inside.py` says which: it fails loudly on a
Typer version not checked yet (TESTED) and on each name or behaviour gone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer.core
from typer import _click as click
from typer import _completion_classes, _completion_shared
from typer._click import exceptions, types
from typer._click._compat import get_text_stderr
from typer._click.core import Context
from typer._click.formatting import HelpFormatter
from typer._click.shell_completion import CompletionItem, ShellComplete
from typer._click.utils import echo
from typer._completion_classes import BashComplete, FishComplete, ZshComplete
from typer._types import TyperChoice

__all__ = [
    "BashComplete",
    "CompletionItem",
    "Context",
    "FishComplete",
    "HelpFormatter",
    "ShellComplete",
    "TyperChoice",
    "ZshComplete",
    "click",
    "echo",
    "exceptions",
    "get_text_stderr",
    "own_completion",
    "set_gettext",
    "types",
    "use_completion",
]

# The Typer versions whose insides this module was checked against (major.minor).
TESTED = ("0.26", "0.27", "0.29")


def set_gettext(function: Callable[[str], str]) -> None:
    """Typer's own words ("Options", "Usage: ", "Aborted!") through function from now on."""
    typer.core._ = function  # type: ignore[attr-defined,assignment]


def own_completion(param: click.Parameter) -> Callable[..., Any] | None:
    """The completion Typer made of a parameter's `autocompletion=` function, or None. It
    keeps only candidates that begin with the typed text itself."""
    found = getattr(param, "_custom_shell_complete", None)
    return found if callable(found) else None


def use_completion(classes: dict[str, type[ShellComplete]], scripts: dict[str, str]) -> None:
    """Each shell's completion class and script (--show-completion, --install-completion)
    newscli's from now on. Typer registers its classes again each time it builds the app
    (completion_init), by these module names, so they are replaced there."""
    names = {"bash": "BashComplete", "zsh": "ZshComplete", "fish": "FishComplete"}
    for shell, completion in classes.items():
        setattr(_completion_classes, names[shell], completion)
    _completion_shared._completion_scripts.update(scripts)
