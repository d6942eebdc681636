"""python -m newscli.locale: refresh newscli.pot, every .po and its .mo (docs/i18n.md)."""

from newscli.locale import refresh

refresh()
