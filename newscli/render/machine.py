"""Output for scripts: JSON, CSV and paths, never coloured or wrapped."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from newscli.article import Summary, to_meta
from newscli.lifecycle import state_of
from newscli.plain import Readability


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def article_record(article: Summary, now: dt.datetime | None = None) -> dict[str, Any]:
    """Every front-matter field of an article plus its path (and with now its state, as a
    stable machine word: newscli.lifecycle.State), as JSON-ready values."""
    record = {"path": str(article.path)}
    record.update(_plain(to_meta(article)))
    if now is not None:
        record["state"] = state_of(article, now).value
    if article.image is not None:  # every image field, empty ones too: scripts look for them
        image = article.image
        known = {
            "src": image.src,
            "alt": image.alt,
            "caption": image.caption,
            "credit": image.credit,
        }
        record["image"] = known | _plain(image.extra)
    return record


def _flatten(record: dict[str, Any]) -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            for inner, inner_value in _flatten(value).items():
                flat[f"{key}.{inner}"] = inner_value
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            flat[key] = "; ".join(value)
        elif isinstance(value, str):
            flat[key] = value
        else:
            flat[key] = json.dumps(value, ensure_ascii=False)
    return flat


def write_json(records: Iterable[dict[str, Any]], out: Any) -> None:
    json.dump(list(records), out, ensure_ascii=False, indent=2)
    out.write("\n")


# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"): a cell
# starting with one of these is prefixed with ' in --excel output.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs: ' before a formula's first character."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def _excel_cell(value: Any, flat: str) -> str:
    """A cell as Swedish Excel reads it: numbers with a decimal comma, text never a formula."""
    if isinstance(value, float):
        return flat.replace(".", ",")
    if isinstance(value, int) and not isinstance(value, bool):
        return flat  # a number, a minus sign included, is not a formula
    return neutralised(flat)


def write_csv(
    records: Sequence[dict[str, Any]],
    out: Any,
    first: Sequence[str] = (),
    *,
    excel: bool = False,
) -> None:
    """CSV with a header of every field any record has; nested tables as 'image.src' columns.

    Plain: RFC 4180 in UTF-8, every value exactly as it is (for scripts). excel: for a
    spreadsheet (Swedish Excel): a UTF-8 byte-order mark, `;` between cells, CRLF, decimal
    commas, and every cell that would start a formula neutralised with a leading '.
    """
    rows = [_flatten(r) for r in records]
    columns = list(first)
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    if excel:
        values = [_values(r) for r in records]
        rows = [
            {key: _excel_cell(value.get(key), cell) for key, cell in row.items()}
            for row, value in zip(rows, values, strict=True)
        ]
        columns_shown = {key: neutralised(key) for key in columns}
        out.write("\ufeff")
        writer = csv.DictWriter(out, fieldnames=columns, delimiter=";", lineterminator="\r\n")
        writer.writerow(columns_shown)
    else:
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
    writer.writerows(rows)


def _values(record: dict[str, Any]) -> dict[str, Any]:
    """The record's values by their CSV column ('image.src'), before they became text."""
    values: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            values.update({f"{key}.{inner}": v for inner, v in _values(value).items()})
        else:
            values[key] = value
    return values


ARTICLE_COLUMNS = (
    "path",
    "id",
    "title",
    "slug",
    "date",
    "updated",
    "status",
    "state",
    "author",
    "topics",
    "teaser",
    "image.src",
    "image.alt",
    "image.caption",
    "image.credit",
    "lix",
    "lix_band",
)


def write_summaries(
    articles: Sequence[Summary],
    fmt: str,
    out: Any,
    now: dt.datetime | None = None,
    lix: Mapping[str, Readability] | None = None,
    *,
    excel: bool = False,
) -> None:
    """Articles as json or csv (excel: csv for a spreadsheet, see write_csv): every
    front-matter field and the path (and their state at now), and each story's LIX and its
    band when lix (by path) has them."""
    records = [article_record(a, now) for a in articles]
    for record in records:
        measured = None if lix is None else lix.get(record["path"])
        if measured is not None:
            record["lix"] = round(measured.lix, 1)
            record["lix_band"] = measured.band
    if fmt == "json":
        write_json(records, out)
    elif fmt == "csv":
        write_csv(records, out, ARTICLE_COLUMNS, excel=excel)
    else:
        raise ValueError(fmt)


def write_paths(paths: Iterable[str | PurePosixPath], out: Any, end: str = "\n") -> None:
    """One newsroom-relative path per line (end="\0": NUL-separated, for names with newlines)."""
    out.writelines(f"{path}{end}" for path in paths)
