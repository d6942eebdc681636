"""An edit session: the article opened in the user's editor, saved back only when it is valid
and nobody changed it meanwhile, and what could not be saved kept where the user finds it."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath

from newscli.errors import ArticleError, NewsError, UsageError, WriteError
from newscli.newsroom import Newsroom, decode, parse_article, state_folder, write_atomic


def editor_command(variables: Mapping[str, str]) -> list[str]:
    """$EDITOR, then $VISUAL, then the first of sensible-editor, nano, vi on the PATH."""
    for name in ("EDITOR", "VISUAL"):
        value = variables.get(name, "").strip()
        if value:
            return shlex.split(value)
    for fallback in ("sensible-editor", "nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    raise UsageError("no editor found: set $EDITOR (for example EDITOR=nano)")


def run_editor(command: list[str], path: Path) -> None:
    try:
        code = subprocess.call([*command, str(path)])
    except OSError as exc:
        raise UsageError(f"cannot start the editor {command[0]!r}: {exc.strerror or exc}") from None
    if code != 0:
        raise NewsError(f"the editor {command[0]!r} exited with status {code}", path)


def rescue(newsroom: Newsroom, name: str, data: bytes, now: dt.datetime) -> Path:
    """Keep what the user wrote that could not be saved, byte for byte, where they can find
    it: in .newscli/rescued/, or in the system's temporary folder if that cannot be written."""
    stem = Path(name).stem
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S")
    try:
        folder = state_folder(newsroom.root) / "rescued"
        folder.mkdir(exist_ok=True)
        target = folder / f"{stem}-{stamp}.md"
        write_atomic(target, data)
        return target
    except (OSError, NewsError):
        fd, elsewhere = tempfile.mkstemp(prefix=f"newscli-{stem}-{stamp}-", suffix=".md")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return Path(elsewhere)


def edit_file(
    newsroom: Newsroom,
    path: Path,
    *,
    variables: Mapping[str, str],
    now: Callable[[], dt.datetime],
    again: Callable[[ArticleError], bool],
) -> PurePosixPath | None:
    """Edit a copy of the file; save it back only if it is a valid article and nobody else
    changed it. Returns the saved file, or None when nothing was changed.

    again(problem) is asked when the text is not a valid article: True opens the editor
    once more, False keeps the text (see rescue) and raises NewsError.
    """
    command = editor_command(variables)
    rel = newsroom.relative(path)
    original = path.read_bytes()
    with tempfile.TemporaryDirectory(prefix="newscli-") as folder:
        scratch = Path(folder) / path.name
        scratch.write_bytes(original)
        while True:
            run_editor(command, scratch)
            data = scratch.read_bytes()
            if data == original:
                return None
            try:
                parse_article(decode(data, rel), newsroom.site, rel)
            except ArticleError as exc:
                if again(exc):
                    continue
                kept = rescue(newsroom, path.name, data, now())
                raise NewsError(
                    f"not saved: the article is not valid; your text is kept in {kept}", rel
                ) from None
            if path.read_bytes() != original:
                kept = rescue(newsroom, path.name, data, now())
                raise NewsError(
                    f"changed on disk while you edited; not saved, your version is kept in {kept}",
                    rel,
                )
            try:
                write_atomic(path, data)
            except WriteError as exc:
                kept = rescue(newsroom, path.name, data, now())
                raise NewsError(f"{exc.message}; your version is kept in {kept}", rel) from None
            return rel
