"""Writing a file whole or not at all: what every save in chainrule uses (parameters, drawings, pages, plots)."""

import contextlib
import os
import stat
import uuid

__all__ = ["write_atomically"]


def write_atomically(path, write, *, binary=False):
    """Call ``write(file)`` on a new file beside ``path``, sync it, then rename it over ``path``.

    A failure part-way (an error in ``write``, a full disk) leaves any earlier
    file at ``path`` exactly as it was, and no temporary file behind.  The new
    file gets the permissions ``open`` would give it (0o666 less the umask), or
    those of the file it replaces.

    Args:
        path (str or os.PathLike): the file to write.
        write (callable): given the open file (text, UTF-8; or bytes with ``binary``).
        binary (bool): open the file in binary mode.

    Returns:
        str: ``path``.

    Raises:
        OSError: if the folder does not exist or cannot be written (a mistyped
            path is an error, not a new folder); whatever ``write`` raises.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = pathlib.Path(folder) / "note.txt"
    ...     _ = write_atomically(target, lambda file: file.write("whole"))
    ...     target.read_text(), sorted(p.name for p in pathlib.Path(folder).iterdir())
    ('whole', ['note.txt'])
    """
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    temporary = os.path.join(folder, f".{name}.{uuid.uuid4().hex}.tmp")
    # O_EXCL: never write through a file (or link) someone else put at that name.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        if binary:
            opened = os.fdopen(descriptor, "wb")
        else:
            opened = os.fdopen(descriptor, "w", encoding="utf-8")
        with opened as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        if os.path.exists(path):
            os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temporary)
        raise
    _sync_folder(folder)
    return path


def _sync_folder(folder):
    # The rename itself reaches the disk only when the folder is synced
    # (POSIX); where folders cannot be opened (Windows) there is nothing to do.
    if not hasattr(os, "O_DIRECTORY"):
        return
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
