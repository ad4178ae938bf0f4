"""Reading user text safely and writing outputs atomically.

Every file the toolkit writes goes through :func:`atomic_write`: a temporary file in the
same directory, flushed and fsynced, then renamed over the final name. A killed process
leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import secrets
import stat
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: stale temporaries are left for the user
    fcntl = None  # type: ignore[assignment]

from .errors import InputFileError, UserError

BOM = codecs.BOM_UTF8.decode("utf-8")

#: Byte-order marks of the Unicode encodings a user may hand us instead of UTF-8, longest
#: first (the UTF-32LE mark starts with the UTF-16LE one), with the ``iconv`` name.
_OTHER_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32LE"),
    (codecs.BOM_UTF32_BE, "UTF-32BE"),
    (codecs.BOM_UTF16_LE, "UTF-16LE"),
    (codecs.BOM_UTF16_BE, "UTF-16BE"),
)

#: Temporary files are ``.<8 hex of the target name><8 random hex>.part``: 22 bytes
#: whatever the target's name, so a name of up to 255 bytes can still be written.
TEMP_SUFFIX = ".part"


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
    for mark, encoding in _OTHER_BOMS:
        if data.startswith(mark):
            raise InputFileError(name, f"is {encoding[:6]} text (it starts with a {encoding} "
                                       f"byte-order mark), not UTF-8; convert it first: "
                                       f"iconv -f {encoding[:6]} -t UTF-8 {name} > "
                                       f"{_utf8_name(name)}")
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


def _utf8_name(name: str) -> str:
    p = Path(name)
    return str(p.with_name(f"{p.stem}.utf8{p.suffix}")) if p.suffix else f"{name}.utf8"


def _umask() -> int:
    """The process umask, read without changing it where Linux allows."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # elsewhere: set and restore (not thread-safe, but brief)
    os.umask(mask)
    return mask


def output_mode(path: str | os.PathLike[str]) -> int:
    """The permission bits an output written to ``path`` gets: those of the file it
    replaces, else ``0o666 & ~umask`` (what ``open(path, "w")`` would give)."""
    try:
        st = os.stat(path)
    except OSError:
        return 0o666 & ~_umask()
    # permission bits only: a set-uid or set-gid bit is not carried over (as cp does)
    return st.st_mode & 0o777 if stat.S_ISREG(st.st_mode) else 0o666 & ~_umask()


def temp_prefix(path: str | os.PathLike[str]) -> str:
    """The fixed-length prefix of every temporary file :func:`atomic_write` makes for
    ``path`` (so a cleanup can find what a killed run left for that output)."""
    name = os.fsencode(Path(path).name)
    return "." + hashlib.sha256(name).hexdigest()[:8]


def _held(path: Path) -> bool:
    """Whether a live :func:`atomic_write` holds this temporary file (its lock)."""
    if fcntl is None:
        return True  # cannot tell: leave it
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def stale_temporaries(path: str | os.PathLike[str]) -> list[Path]:
    """Temporary files a killed :func:`atomic_write` of ``path`` left in its folder (a
    live writer's are not stale: it holds a lock on its file until the rename)."""
    target = Path(path)
    prefix = temp_prefix(target)
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    return [target.parent / n for n in sorted(names)
            if n.startswith(prefix) and n.endswith(TEMP_SUFFIX) and len(n) == 22
            and not _held(target.parent / n)]


def clear_stale_temporaries(path: str | os.PathLike[str]) -> None:
    """Remove what killed writes of ``path`` left behind (done by :func:`atomic_write`)."""
    for stale in stale_temporaries(path):
        with contextlib.suppress(OSError):
            stale.unlink()


def _open_temp(target: Path, mode: int) -> tuple[int, str]:
    prefix = temp_prefix(target)
    for _ in range(100):
        tmp = str(target.parent / f"{prefix}{secrets.token_hex(4)}{TEMP_SUFFIX}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
                         | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            continue
        try:
            if fcntl is not None:  # held until the rename: marks the file as not stale
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if os.stat(tmp).st_ino != os.fstat(fd).st_ino:
                    raise FileNotFoundError(tmp)  # a cleaner took it in between: again
            os.fchmod(fd, mode)
        except FileNotFoundError:
            os.close(fd)
            continue
        except OSError:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return fd, tmp
    raise FileExistsError(f"no free temporary name in {target.parent}")


def atomic_write(path: str | os.PathLike[str], data: str | bytes, *, encoding: str = "utf-8"
                 ) -> None:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder + rename).

    The result has the permission bits of the file it replaces, else ``0o666 & ~umask``.
    The temporary name has a fixed length (see :data:`TEMP_SUFFIX`), not the target's.
    """
    target = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clear_stale_temporaries(target)
        fd, tmp = _open_temp(target, output_mode(target))
    except OSError as exc:
        raise UserError(f"{target.parent}: cannot write here ({exc.strerror or exc}); "
                        "choose a writable output directory") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
            os.replace(tmp, target)  # while the lock is held (closing releases it)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise UserError(f"{target}: could not be written ({exc.strerror or exc}); "
                        "nothing was changed there") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
