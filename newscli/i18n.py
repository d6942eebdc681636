"""The user's language for messages, prompts and help: gettext, chosen once per run.

English is the language of the source; Swedish comes from the compiled catalog
newscli/locale/sv/LC_MESSAGES/newscli.mo, read with the standard library's gettext when a
run speaks Swedish (Babel builds the catalogs, see docs/i18n.md, and is never imported
here: start-up stays fast). Wrap each message in `_()`, each counted message in
`ngettext()`, each string that must be translated where it is shown rather than where it is
defined (help texts) in `N_()`, and format counts with `number()`.

The language is the run's (`use()`, called once by the CLI from `Environment.language`);
exported pages follow newscli.toml's site language instead (newscli.labels), and machine
formats (json, csv, paths) never change with either.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "newscli"
LOCALE = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "sv")  # English first: the source language and the fallback

# How each language writes a number: the thousands separator and the decimal sign, as CLDR
# has them (tests/test_i18n.py checks them against Babel's CLDR data). Swedish groups with a
# no-break space, so "5 000" is never split at the end of a line.
_NUMBERS = {"en": (",", "."), "sv": ("\u00a0", ",")}

_language = "en"
_catalog: gettext.NullTranslations = gettext.NullTranslations()


def catalog_path(language: str) -> Path:
    """Where a language's compiled catalog lives."""
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def use(language: str) -> None:
    """Speak language ('en' or 'sv'; anything else is English) from now on in this process;
    English when the language's catalog cannot be read (a broken install must not stop
    newscli)."""
    global _language, _catalog
    language = language if language in LANGUAGES else "en"
    if language == _language:
        return
    catalog = gettext.NullTranslations()
    if language != "en":
        try:
            with catalog_path(language).open("rb") as file:
                catalog = gettext.GNUTranslations(file)
        except Exception:  # missing, unreadable, or not a .mo: OSError, struct.error, …
            language = "en"
    _language, _catalog = language, catalog


def language() -> str:
    """The language messages are in now: 'en' or 'sv'."""
    return _language


@contextmanager
def english() -> Iterator[None]:
    """English for the length of the block, whatever the run speaks: for the human text some
    machine formats carry (tag's json summary), which must not change with the language."""
    before = _language
    use("en")
    try:
        yield
    finally:
        use(before)


def _(message: str) -> str:
    """The message in the user's language."""
    return _catalog.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for count, in the user's language; format the count in
    with `number()`: ngettext("{n} story", "{n} stories", n).format(n=number(n))."""
    return _catalog.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a message for the catalog; it is translated where it is shown."""
    return message


def number(count: int) -> str:
    """A count as the user's language writes it ('5,000'; Swedish '5 000', a no-break space)."""
    group, _decimal = _NUMBERS[_language]
    return f"{count:,}".replace(",", group)


def decimal(value: float, places: int = 1) -> str:
    """A measure with places decimals as the user's language writes it ('0.8'; Swedish '0,8')."""
    group, point = _NUMBERS[_language]
    return f"{value:,.{places}f}".replace(",", "\0").replace(".", point).replace("\0", group)
