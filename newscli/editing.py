"""An edit session: the article opened in the user's editor, saved back only when it is valid
and nobody changed it meanwhile, and what could not be saved kept where the user finds it."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePosixPath

from newscli import personal
from newscli.errors import ArticleError, NewsError, UsageError, WriteError
from newscli.files import ChangedOnDisk, write_atomic
from newscli.i18n import _
from newscli.newsroom import Newsroom, decode, parse_article, state_folder

FALLBACK_EDITORS = ("sensible-editor", "editor", "nano", "vi")


def editor_command(variables: Mapping[str, str], path: str | None = None) -> list[str]:
    """$VISUAL, then $EDITOR (the Unix convention, as git reads them), then the first of
    sensible-editor, editor, nano and vi on the PATH (path: the PATH to search; None, the
    variables' own)."""
    for name in ("VISUAL", "EDITOR"):
        value = variables.get(name, "").strip()
        if value:
            try:
                return shlex.split(value)
            except ValueError:  # an unclosed quote
                raise UsageError(
                    _("${name} cannot be read as a command: {value}").format(name=name, value=value)
                ) from None
    search = variables.get("PATH") if path is None else path
    for fallback in FALLBACK_EDITORS:
        if shutil.which(fallback, path=search):
            return [fallback]
    raise UsageError(
        _(
            "no editor found: none of $VISUAL, $EDITOR, {fallbacks} is set or installed; "
            "set one, for example: export EDITOR=nano"
        ).format(fallbacks=", ".join(FALLBACK_EDITORS))
    )


def run_editor(command: list[str], path: Path) -> None:
    """Wait for the editor as git does: Ctrl+C goes to the editor, which may use it as a key;
    if the editor itself is ended by it, so is newscli (KeyboardInterrupt), with nothing saved."""
    try:
        process = subprocess.Popen([*command, str(path)])
    except OSError as exc:
        raise UsageError(
            _("cannot start the editor {editor}: {reason}").format(
                editor=repr(command[0]), reason=exc.strerror or exc
            )
        ) from None
    with _ignoring_interrupts():
        code = process.wait()
    if code == -signal.SIGINT:
        raise KeyboardInterrupt
    if code != 0:
        raise NewsError(
            _("the editor {editor} exited with status {code}").format(
                editor=repr(command[0]), code=code
            ),
            path,
        )


@contextlib.contextmanager
def _ignoring_interrupts() -> Iterator[None]:
    """SIGINT ignored by newscli while the block runs (outside the main thread, where
    signals cannot be set, nothing changes)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


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
    wait: Callable[[], None] | None = None,
) -> PurePosixPath | None:
    """Edit a copy of the file; save it back only if it is a valid article and nobody else
    changed it (through Newsroom.rewrite: a symlinked article is saved to its target, under
    the newsroom lock, for which wait is called once if another run holds it). Returns the
    saved file, or None when nothing was changed.

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
                text = decode(data, rel)
                saved = parse_article(text, newsroom.site, rel)
                if saved.published:  # saving a published story makes this text public
                    personal.refuse_publishing(text, saved.extra, rel)
            except ArticleError as exc:
                if again(exc):
                    continue
                kept = rescue(newsroom, path.name, data, now())
                raise NewsError(
                    _("not saved: the story is not valid; your text is kept in {kept}").format(
                        kept=kept
                    ),
                    rel,
                ) from None
            try:
                newsroom.rewrite(path, text, before=original, wait=wait)
            except ChangedOnDisk:
                kept = rescue(newsroom, path.name, data, now())
                raise NewsError(
                    _(
                        "changed on disk while you edited; not saved, your version is kept in "
                        "{kept}"
                    ).format(kept=kept),
                    rel,
                ) from None
            except WriteError as exc:
                kept = rescue(newsroom, path.name, data, now())
                raise NewsError(
                    _("{problem}; your version is kept in {kept}").format(
                        problem=exc.message, kept=kept
                    ),
                    rel,
                ) from None
            return rel
