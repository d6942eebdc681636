"""The pager a long preview is shown through on a terminal, chosen as git chooses one."""

from __future__ import annotations

import contextlib
import io
import shlex
import subprocess
from collections.abc import Mapping

from newscli.environment import Environment

# git's default: quit at once when the text fits one screen (-F), let colours through (-R),
# and leave the text on the screen when the pager ends (-X).
DEFAULT_PAGER = "less -FRX"


def pager_command(variables: Mapping[str, str]) -> list[str] | None:
    """The pager to run: $NEWSCLI_PAGER, else $PAGER, else `less -FRX`; None when the one
    set is empty or `cat` (no pager), as git reads GIT_PAGER and PAGER."""
    chosen = DEFAULT_PAGER
    for name in ("NEWSCLI_PAGER", "PAGER"):
        if name in variables:
            chosen = variables[name]
            break
    try:
        command = shlex.split(chosen)
    except ValueError:  # an unclosed quote: no pager rather than a failure
        return None
    return None if not command or command == ["cat"] else command


def page(text: str, command: list[str], env: Environment) -> bool:
    """Show text through the pager on the run's stdout and wait until the reader quits it;
    False (nothing shown) when it cannot be started, so the caller prints the text itself."""
    try:
        stdout = env.stdout.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return False  # not a real stream (a test's), so not a real terminal either
    variables = dict(env.variables)
    variables.setdefault("LESS", "FRX")  # what git gives less when LESS is unset
    variables.setdefault("LV", "-c")
    env.stdout.flush()
    try:
        pager = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=stdout,
            env=variables,
            cwd=env.cwd,
            # What the terminal reads (an ASCII one gets replacements, as env.stdout gives).
            encoding=getattr(env.stdout, "encoding", None) or "utf-8",
            errors="replace",
        )
    except OSError:
        return False
    assert pager.stdin is not None
    with contextlib.suppress(BrokenPipeError, OSError):  # the reader quit before the end
        pager.stdin.write(text)
    with contextlib.suppress(BrokenPipeError, OSError):
        pager.stdin.close()
    while True:
        try:
            pager.wait()
            return True
        except KeyboardInterrupt:
            continue  # Ctrl+C is the pager's to handle (less stops a search with it), as in git
