"""Questions on a terminal (new, init): asked on stderr, so that stdout keeps only what a
script reads; an answer that does not do is asked again at once; Ctrl+C ends the run (130)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from newscli.errors import NewsError, UsageError
from newscli.i18n import _, ngettext, number
from newscli.text import terminal_safe

if TYPE_CHECKING:
    from newscli.environment import Environment
    from newscli.topics import Topic, Topics

YES = ("y", "yes", "j", "ja")
NO = ("n", "no", "nej")
# How many of the newsroom's topics `new` numbers; the rest are typed by name.
TOPICS_SHOWN = 30


def _tell(env: Environment, text: str) -> None:
    """Text for the person answering, on stderr, shown and never obeyed."""
    env.stderr.write(terminal_safe(text, lines=True))
    env.stderr.flush()


def _line(env: Environment, question: str) -> str:
    """One typed line (without its end), after question on stderr."""
    _tell(env, question)
    try:
        line = env.stdin.readline()
    except KeyboardInterrupt:
        _tell(env, "\n")  # "newscli: interrupted" on a line of its own
        raise
    if not line:
        _tell(env, "\n")
        raise NewsError(_("the input ended before an answer was given"))
    return line.rstrip("\r\n")


def ask(
    env: Environment,
    question: str,
    *,
    default: str = "",
    check: Callable[[str], str] | None = None,
) -> str:
    """An answer (default when left empty), asked again until check (which raises
    UsageError for an answer that does not do) accepts it."""
    shown = f"{question} [{default}]: " if default else f"{question}: "
    while True:
        answer = _line(env, shown).strip() or default
        if check is None:
            return answer
        try:
            return check(answer)
        except UsageError as exc:
            _tell(env, f"  {exc.message}\n")


def confirm(env: Environment, question: str, *, default: bool) -> bool:
    """Yes or no (y/yes/j/ja, n/no/nej); empty means default."""
    # Translators: the answers a yes-or-no question shows, the default in capitals; the
    # letters must be answers confirm takes (y, j, n).
    choices = _("[Y/n]") if default else _("[y/N]")
    shown = f"{question} {choices}: "
    while True:
        answer = _line(env, shown).strip().casefold()
        if not answer:
            return default
        if answer in YES:
            return True
        if answer in NO:
            return False
        _tell(env, "  " + _("answer y or n") + "\n")


def required(message: str) -> Callable[[str], str]:
    """A check refusing an empty answer (or one of only spaces) with message."""

    def check(answer: str) -> str:
        if not answer.strip():
            raise UsageError(message)
        return answer

    return check


def choose_topics(env: Environment, known: Topics) -> list[str]:
    """Topics by number from the newsroom's most used ones, or by name (a new one or any
    spelling of an existing one), comma-separated; empty for none."""
    shown = known.sorted()[:TOPICS_SHOWN]
    if shown:
        _tell(env, _("Topics in this newsroom:") + "\n")
        width = len(str(len(shown)))
        for position, topic in enumerate(shown, 1):
            count = ngettext("{n} story", "{n} stories", topic.articles).format(
                n=number(topic.articles)
            )
            _tell(env, f"  {position:>{width}}  {terminal_safe(topic.name)} ({count})\n")
        hidden = len(known) - len(shown)
        if hidden > 0:
            more = ngettext(
                "  … and {n} more: type its name", "  … and {n} more: type their names", hidden
            )
            _tell(env, more.format(n=number(hidden)) + "\n")
        question = _("Topics (numbers or names, comma-separated; empty for none)")
    else:
        question = _("Topics (comma-separated; empty for none)")
    chosen: list[str] = []

    def check(answer: str) -> str:
        chosen[:] = _picked(answer, shown)
        return answer

    ask(env, question, check=check)
    return chosen


def _picked(answer: str, shown: Sequence[Topic]) -> list[str]:
    """The topics an answer names: numbers from shown, anything else as typed."""
    picked = []
    for part in answer.split(","):
        part = part.strip()
        if not part:
            continue
        if part.isdigit():
            position = int(part)
            if not 1 <= position <= len(shown):
                raise UsageError(
                    _("there is no topic number {number}: choose 1 to {last}").format(
                        number=part, last=len(shown)
                    )
                )
            picked.append(shown[position - 1].name)
        else:
            picked.append(part)
    return picked
