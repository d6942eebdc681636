"""The message catalogs, made with Babel: extract the messages marked in the code into the
template (newscli.pot), bring each language's catalog (sv/LC_MESSAGES/newscli.po) in step
with it, and compile it (newscli.mo, what newscli.i18n reads at run time).

`python -m newscli.locale` does all three (docs/i18n.md); a run of newscli never imports
this module or Babel.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from newscli import __version__
from newscli.i18n import DOMAIN, LANGUAGES, LOCALE, catalog_path

PACKAGE = LOCALE.parent
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
# The functions that mark a message (newscli.i18n): _("…"), ngettext("…", "…", n), N_("…").
KEYWORDS: dict[str, tuple[int, int] | None] = {"_": None, "ngettext": (1, 2), "N_": None}
TRANSLATED = tuple(language for language in LANGUAGES if language != "en")


def source_path(language: str) -> Path:
    """A language's catalog, the file translators edit."""
    return catalog_path(language).with_suffix(".po")


def extract() -> Catalog:
    """Every message marked in newscli's code and every command's docstring, with the files
    they are in."""
    template = Catalog(project="newscli", version=__version__, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE,
        [("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        template.add(
            message,
            None,
            [(f"newscli/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    from newscli.cli.help import written_help  # the help texts of the built command line

    for text, where in written_help():
        template.add(text, None, [(where, 0)])
    return template


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=language)


def _po_text(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, include_lineno=False, sort_by_file=True, ignore_obsolete=True)
    return out.getvalue()


def _write_if_changed(path: Path, data: bytes, *, dated: bool = False) -> bool:
    """Write data unless the file says the same (with dated, apart from its date lines)."""

    def undated(text: bytes) -> list[bytes]:
        return [line for line in text.splitlines() if not line.startswith(b'"POT-Creation-Date')]

    if path.exists():
        old = path.read_bytes()
        if old == data or (dated and undated(old) == undated(data)):
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def compiled(catalog: Catalog) -> bytes:
    """The .mo of a catalog: its translated messages, fuzzy ones left out."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def refresh() -> None:
    """Extract the template, update every language's catalog from it, compile each."""
    template = extract()
    _write_if_changed(TEMPLATE, _po_text(template), dated=True)
    for language in TRANSLATED:
        path = source_path(language)
        if path.exists():
            catalog = read(path, language)
            catalog.update(template, update_header_comment=False)
        else:
            catalog = Catalog(locale=language, project="newscli", version=__version__)
            catalog.update(template)
        _write_if_changed(path, _po_text(catalog))
        _write_if_changed(catalog_path(language), compiled(read(path, language)))
