"""The user's language for messages, prompts and help: gettext, chosen once per run.

Interim version: every function returns the English text. The real catalogs (Babel) replace
the body of this module without changing its names, so code written against it now is
translated later without an edit: wrap each message in `_()`, each counted message in
`ngettext()`, each string that must be translated when shown rather than when defined (help
texts) in `N_()`, and format counts with `number()`.
"""

from __future__ import annotations


def _(message: str) -> str:
    """The message in the user's language."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for count, in the user's language; format the count in
    with `number()`: ngettext("{n} article", "{n} articles", n).format(n=number(n))."""
    return singular if count == 1 else plural


def N_(message: str) -> str:
    """Marks a message for the catalog; it is translated where it is shown."""
    return message


def number(count: int) -> str:
    """A count as the user's language writes it ('5,000'; Swedish '5 000')."""
    return f"{count:,}"
