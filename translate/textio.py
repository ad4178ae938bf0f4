"""Reading user text safely and writing outputs atomically.

Every file the toolkit writes goes through :func:`atomic_write`: a temporary file in the
same directory, flushed and fsynced, then renamed over the final name. A killed process
leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import tempfile
from pathlib import Path

from .errors import InputFileError, UserError

BOM = codecs.BOM_UTF8.decode("utf-8")


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Read a whole file, turning the usual OS failures into one-line user errors."""
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise InputFileError(str(path), "no such file; check the path") from None
    except IsADirectoryError:
        raise InputFileError(str(path), "is a directory, not a file; name a file in it") from None
    except PermissionError:
        raise InputFileError(str(path), "permission denied; make the file readable") from None
    except OSError as exc:
        raise InputFileError(str(path), f"cannot be read ({exc.strerror or exc})") from None


def decode_text(data: bytes, name: str) -> str:
    """Decode UTF-8 (a leading BOM is kept as U+FEFF so it can be written back)."""
    if b"\x00" in data:
        raise InputFileError(name, "contains NUL bytes: this looks like a binary file, "
                                   "not UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputFileError(
            name,
            f"invalid UTF-8 at byte {exc.start}; convert the file to UTF-8 first "
            f"(e.g. iconv -f WINDOWS-1252 -t UTF-8)",
            line=line,
        ) from None


def read_text(source: str | os.PathLike[str] | bytes, name: str | None = None) -> str:
    """Read a UTF-8 text file (or bytes) as ``str``, exactly, BOM and CRLF included."""
    if isinstance(source, bytes):
        return decode_text(source, name or "<input>")
    return decode_text(read_bytes(source), name or str(source))


def atomic_write(path: str | os.PathLike[str], data: str | bytes, *, encoding: str = "utf-8"
                 ) -> None:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder + rename)."""
    target = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise UserError(f"{target.parent}: cannot write here ({exc.strerror or exc}); "
                        "choose a writable output directory") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise UserError(f"{target}: could not be written ({exc.strerror or exc}); "
                        "nothing was changed there") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
