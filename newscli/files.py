"""The file primitives every writer and reader builds on: the one reader of a file someone
named, atomic writes, a replacement that loses no one else's save, folder fsync, and the
leftovers of killed runs. No newsroom knowledge here: paths in, bytes and errors out."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from newscli.errors import WriteError
from newscli.i18n import N_, _

# The temporary files write_atomic makes: '.<name>.<8 random>.tmp'; one older than this is
# a leftover of a killed run (no write takes a minute between creating and renaming it).
_LEFTOVER = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
LEFTOVER_AGE = 60


def is_leftover(entry: os.DirEntry[str], limit: float) -> bool:
    """True for a temporary file of write_atomic's last changed before limit (a time)."""
    return (
        entry.name[0] == "."
        and _LEFTOVER.fullmatch(entry.name) is not None
        and _older(entry, limit)
    )


def remove_leftovers(folder: Path) -> None:
    """Remove the temporary files killed runs left in folder (write_atomic's names, over a
    minute old); nothing else, and never a reason to fail."""
    limit = time.time() - LEFTOVER_AGE
    with contextlib.suppress(OSError), os.scandir(folder) as scan:
        for entry in scan:
            if is_leftover(entry, limit):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _older(entry: os.DirEntry[str], limit: float) -> bool:
    try:
        return entry.stat(follow_symlinks=False).st_mtime < limit
    except OSError:
        return False


def inside(root: Path, path: Path) -> bool:
    """True when path, with every symlink followed, is in root's real folder."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


LEADS_OUT = N_("leads out of the newsroom (a symbolic link); newscli writes only inside it")


def folder_inside(root: Path, name: str) -> Path:
    """The folder root/name, created if needed; WriteError when a symlink leads it out of
    root (newscli writes only inside the newsroom)."""
    folder = root / name
    if not inside(root, folder):
        raise WriteError(_(LEADS_OUT), folder)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise WriteError(
            _("cannot create the folder: {reason}").format(reason=exc.strerror or exc), folder
        ) from None
    return folder


# -- reading ------------------------------------------------------------------------------


class FileRefused(OSError):
    """A file read_plain_file would not read; `reason` says why, in the user's language."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def not_regular() -> str:
    return _("is not a regular file (a folder, pipe, socket or device); not read")


def read_plain_file(path: Path, limit: int, too_large: str) -> bytes:
    """The bytes of the regular file at path, at most limit of them: opened without blocking,
    so that a pipe or device named by mistake is refused instead of waited on for ever, and
    refused with too_large (the caller's sentence: what its limit is for) when it is, or
    grows while read, larger than limit. The one way newscli reads a file someone named: an
    article, a photo, a page or feed to import. FileRefused says why it was not read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        reason = getattr(exc, "strerror", None) or exc
        raise FileRefused(_("cannot read: {reason}").format(reason=reason)) from None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise FileRefused(not_regular())
        if status.st_size > limit:
            raise FileRefused(too_large)
        # One read of the size fstat gave (plus one byte, to see a file that grew).
        chunks = [os.read(fd, status.st_size + 1)]
        size = len(chunks[0])
        while chunks[-1] and size <= limit and size > status.st_size:
            chunks.append(os.read(fd, 65536))
            size += len(chunks[-1])
        if size > limit:
            raise FileRefused(too_large)
        return b"".join(chunks) if len(chunks) > 1 else chunks[0]
    except FileRefused:
        raise
    except OSError as exc:
        raise FileRefused(_("cannot read: {reason}").format(reason=exc.strerror or exc)) from None
    finally:
        os.close(fd)


# -- writing ------------------------------------------------------------------------------


def _current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


# Read once, at import: setting the umask to read it is not safe while other threads write.
_UMASK = _current_umask()


class ChangedOnDisk(WriteError):
    """The file no longer held what the caller read: someone saved it meanwhile, and their
    save was kept (replace_unchanged wrote nothing in its place)."""


def _mode_for(path: Path, mode: int | None, exclusive: bool) -> int:
    """The permission bits the new file gets (the target's own, kept); WriteError for a
    target that is not a regular file or is read-only."""
    try:
        status = path.stat()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise WriteError(
            _("could not write: {reason}").format(reason=exc.strerror or exc), path
        ) from None
    else:
        if exclusive:  # the name is taken, whatever holds it (a folder named x.md too)
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
        if not stat.S_ISREG(status.st_mode):
            # Renaming over /dev/null or a pipe would replace the device with a file.
            raise WriteError(
                _("is not a regular file (a folder, device or pipe); not replaced"), path
            )
        current = stat.S_IMODE(status.st_mode)
    read_only = current is not None and not (current & 0o222 and os.access(path, os.W_OK))
    if read_only and not exclusive:
        # Renaming over a read-only file works, but its owner made it read-only on purpose.
        raise WriteError(_("the file is read-only; it is unchanged"), path)
    if mode is not None:
        return mode
    return current if current is not None else 0o666 & ~_UMASK


def _unchanged(exc: OSError, path: Path) -> WriteError:
    return WriteError(
        _("could not write: {reason}; the file is unchanged").format(reason=exc.strerror or exc),
        path,
    )


def _put_in_place(
    path: Path,
    data: bytes,
    mode: int,
    durable: bool,
    place: Callable[[Path], None],
) -> os.stat_result:
    """Write data to a temporary file beside path (flushed, fsynced when durable, with mode),
    and hand it to place, which moves it where it belongs and removes what is left under its
    name. When anything fails, no temporary file is left behind either."""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # a read-only or full folder
        raise _unchanged(exc, path) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
            written = os.fstat(handle.fileno())
        os.chmod(tmp, mode)
        place(tmp)
    except BaseException as exc:  # also Ctrl+C mid-write
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, FileExistsError):
            raise _unchanged(exc, path) from None
        raise
    return written


def write_atomic(
    path: Path,
    data: bytes,
    *,
    exclusive: bool = False,
    mode: int | None = None,
    durable: bool = True,
    sync_folder: bool = True,
) -> os.stat_result:
    """Write data so that a crash leaves the old file or the new one, never a torn one.

    The temporary file lives in the same folder, is flushed and fsynced, then renamed over
    the target (or hard-linked to it with exclusive=True, which fails if the target exists).
    The target's permission bits are kept, and a read-only target is refused. durable=False
    skips the fsyncs: still atomic for a crashed or killed process, but not proof against
    power loss; for exports, which the next run can always write again. sync_folder=False
    leaves the folder's fsync (which makes the rename itself survive a power loss) to the
    caller: see fsync_folder. Returns the status of the written file (as fstat saw it
    before the rename: an index row made with it is stale as soon as anyone else writes).
    """

    def place(tmp: Path) -> None:
        if exclusive:
            os.link(tmp, path)
            tmp.unlink()
        else:
            os.replace(tmp, path)

    written = _put_in_place(path, data, _mode_for(path, mode, exclusive), durable, place)
    if durable and sync_folder:
        fsync_folder(path.parent)
    return written


def replace_unchanged(
    path: Path, data: bytes, before: bytes, *, sync_folder: bool = True
) -> os.stat_result:
    """Replace the file at path with data, durably and atomically, only if it still holds
    before (what the caller read and made data from); ChangedOnDisk, with the file as
    someone else saved it, otherwise.

    A check before a rename leaves a moment in which an editor's save can land and then be
    replaced. So the new file is exchanged with the old one in one step (renameat2's
    RENAME_EXCHANGE on Linux; elsewhere a move aside and an exclusive link, see _swap), and
    what came out is compared with before: a save that landed meanwhile is swapped back in,
    and so is any save that landed while that happened, until what comes out is what went
    in last.
    """
    mode = _mode_for(path, None, exclusive=False)
    try:
        if _read(path) != before:
            raise ChangedOnDisk(changed_on_disk(), path)
    except OSError as exc:
        raise _unchanged(exc, path) from None
    kept: list[bool] = []

    def place(tmp: Path) -> None:
        if _exchange(tmp, path):  # else a save landed while path was empty: it stands
            came_out = _read(tmp)
            if came_out == before:
                kept.append(True)
            else:  # a save landed after the check: it goes back in, and so does any later
                placed = data
                while _exchange(tmp, path):
                    back = _read(tmp)
                    if back == placed:
                        break
                    placed, came_out = came_out, back
        tmp.unlink()  # what came out: the old text, or ours

    written = _put_in_place(path, data, mode, True, place)
    if sync_folder:
        fsync_folder(path.parent)
    if not kept:
        raise ChangedOnDisk(changed_on_disk(), path)
    return written


def changed_on_disk() -> str:
    """Why a file someone saved meanwhile was not replaced."""
    return _("changed on disk meanwhile (saved by someone else?); not changed")


def _read(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _exchange(tmp: Path, path: Path) -> bool:
    """Put the file at tmp at path and the one at path at tmp, in one step where the system
    can; False when path was found empty and someone saved there before tmp could go in
    (their save stands)."""
    if _renameat2_exchange(tmp, path):
        return True
    return _swap(tmp, path)


_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100
# EINVAL: the file system cannot exchange; ENOSYS: the kernel cannot; EOPNOTSUPP.
_CANNOT = (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP)
_renameat2: list[Callable[[int, bytes, int, bytes, int], int] | None] = []


def _renameat2_exchange(a: Path, b: Path) -> bool:
    """renameat2(a, b, RENAME_EXCHANGE) through libc; False where there is none (not Linux,
    an old libc) or the file system cannot: then the caller swaps another way."""
    if not _renameat2:
        _renameat2.append(_find_renameat2())
    call = _renameat2[0]
    if call is None:
        return False
    if call(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in _CANNOT:
        return False
    raise OSError(code, os.strerror(code), str(b))


def _find_renameat2() -> Callable[[int, bytes, int, bytes, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # only when a file is replaced, never at start-up

    try:
        call = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a libc older than glibc 2.28
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    call.restype = ctypes.c_int
    return call


def _swap(tmp: Path, path: Path) -> bool:
    """_exchange without the system's help: the file at path is moved aside (nothing can
    replace it while it is there), tmp is linked in only if nobody saved at path meanwhile,
    and the moved file takes tmp's name. path is empty for a moment (a reader then finds no
    file, never a wrong one)."""
    aside = tmp.with_name(f"{tmp.name[: -len('.tmp')]}.{os.urandom(4).hex()}.tmp")
    os.rename(path, aside)
    try:
        os.link(tmp, path)
    except FileExistsError:
        os.replace(aside, tmp)
        return False
    except BaseException:
        with contextlib.suppress(OSError):
            os.link(aside, path)  # put it back as it was
        aside.unlink(missing_ok=True)
        raise
    os.replace(aside, tmp)
    return True


def fsync_folder(folder: Path) -> None:
    """Make the renames in folder survive a power loss; never a reason to fail (a file
    system that cannot fsync a folder has already done what it can)."""
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
