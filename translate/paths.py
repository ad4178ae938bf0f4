"""Where the toolkit may read and write: one confinement rule for every output, one for
every discovered input, a writability pre-flight, and a collector of per-file problems.

Names (outputs). :func:`article_name` names an article's output ``<stem>.<lang><ext>``.

Confinement (outputs). Every file a command writes under an output root ``OUT``
(articles, catalogs, ``.mo`` files, the default memory ``OUT/.translate-memory.sqlite``,
reports inside OUT) goes through :func:`confine_output` / :meth:`OutputRoot.dest` (a file
named outright, ``--report FILE``/``--tm FILE``, through :meth:`OutputRoot.named`: the rule
applies when it lies inside OUT, and it is never an input):

- the destination is ``OUT`` joined with a *relative* path without ``..`` or empty parts;
- no component below ``OUT`` may be a symlink (a folder ``OUT/sub`` linked elsewhere, or a
  final file ``OUT/.translate-memory.sqlite`` linked elsewhere, is refused, not followed);
  ``OUT`` itself may be a symlink: it is the user's own choice of root;
- an existing destination must be a regular file, not a folder;
- the destination may not be one of the inputs (same resolved path, or the same file
  through a hard link).

Discovery (inputs). :func:`walk_sources` walks files and directory trees in sorted order,
skips hidden entries, does not descend into symlinked folders, and resolves every file
it returns: a file (or symlink) that resolves outside the tree it was found in, or is not
a regular file (a FIFO, a device), is refused.

Pre-flight. :func:`check_writable` tries every destination folder before any model is
loaded: a read-only or missing place is an error then, not after the translation.

Batches. :class:`Problems` collects ``FILE:LINE: problem`` lines so that every bad input
is reported, the good ones still get done, and the command exits 2 at the end.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO, TypeVar

from .errors import InputFileError, UserError, param, render
from .languages import SUPPORTED

PathLike = str | os.PathLike[str]
T = TypeVar("T")


# ----------------------------------------------------------------------------- outputs


def article_name(name: str, lang: str, ext: str = ".txt") -> str:
    """``<stem>.<lang><ext>`` for an article file (``ext``: its format's extension, the
    input's own for documents); a language suffix already in the stem is replaced
    (``story.en.txt`` -> ``story.it.txt``, ``story.en.docx`` -> ``story.it.docx``),
    stdin is ``stdin``."""
    stem = Path(name).stem if name != "-" else "stdin"
    base, dot, suffix = stem.rpartition(".")
    if dot and suffix.lower() in SUPPORTED:
        stem = base
    return f"{stem}.{lang}{ext}"


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


@dataclass(frozen=True, slots=True)
class OutputRoot:
    """An output folder and the inputs no output may replace.

    Build one with :meth:`of` (it resolves the inputs once), then ask :meth:`dest` for
    every path to write.
    """

    root: Path
    inputs: frozenset[Path] = frozenset()
    input_ids: frozenset[tuple[int, int]] = frozenset()
    names: tuple[tuple[Path, str], ...] = ()  # resolved input -> name as the user gave it

    @classmethod
    def of(cls, root: PathLike, *, inputs: Iterable[PathLike] = ()) -> OutputRoot:
        root = Path(root)
        if root.exists() and not root.is_dir():
            raise UserError(f"{root}: is a file, not a directory; give {param('out_dir')} a "
                            "directory")
        resolved: dict[Path, str] = {}
        ids: set[tuple[int, int]] = set()
        for item in inputs:
            p = Path(item)
            resolved.setdefault(p.resolve(), str(item))
            ident = _identity(p)
            if ident is not None:
                ids.add(ident)
        return cls(root, frozenset(resolved), frozenset(ids), tuple(resolved.items()))

    def dest(self, relative: PathLike) -> Path:
        """``root / relative``, checked by the confinement rule (see the module docs)."""
        rel = PurePath(relative)
        if rel.is_absolute() or not rel.parts or any(p in ("..", "") for p in rel.parts):
            raise UserError(f"{rel}: would leave the output directory {self.root}; an "
                            "output path stays inside it (no absolute path, no '..')")
        here = self.root
        for i, part in enumerate(rel.parts):
            here = here / part
            try:
                st = os.lstat(here)
            except FileNotFoundError:
                break  # nothing below exists yet: it will be created as plain folders
            except OSError as exc:
                raise UserError(f"{here}: cannot be checked ({exc.strerror or exc}); "
                                "choose another output directory") from None
            last = i == len(rel.parts) - 1
            if stat.S_ISLNK(st.st_mode):
                target = os.readlink(here)
                kind = "file" if last else "folder"
                raise UserError(f"{here}: is a symlink (to {target}); no output is written "
                                f"through a symlinked {kind}, which may lead outside the "
                                f"output directory {self.root}: remove the link or choose "
                                f"another {param('out_dir')}")
            if not last and not stat.S_ISDIR(st.st_mode):
                raise UserError(f"{here}: is a file where a folder is needed for {rel}; "
                                f"move it away or choose another {param('out_dir')}")
            if last and stat.S_ISDIR(st.st_mode):
                raise UserError(f"{here}: is a directory where the output file {rel.name} "
                                f"goes; move it away or choose another {param('out_dir')}")
            if last and not stat.S_ISREG(st.st_mode):
                raise UserError(f"{here}: is not a regular file (a FIFO, socket or device) "
                                "where an output goes; move it away or choose another "
                                f"{param('out_dir')}")
        path = self.root / rel
        self.check_not_input(path)
        return path

    def named(self, path: PathLike, option: str) -> Path:
        """An output the user named outright as the parameter ``option`` (``report``):
        never an input, and when it lies inside the root it follows the confinement rule
        as well."""
        path = Path(path)
        root, absolute = Path(os.path.abspath(self.root)), Path(os.path.abspath(path))
        if root in absolute.parents:
            self.dest(absolute.relative_to(root))
        try:
            self.check_not_input(path)
        except UserError:
            raise UserError(f"{param(option, path)}: is an input of this run; give another "
                            "file") from None
        return path

    def check_not_input(self, path: PathLike) -> None:
        """Refuse ``path`` when it is (resolves to, or is hard-linked to) an input."""
        path = Path(path)
        resolved = path.resolve()
        ident = _identity(path)
        if resolved in self.inputs or (ident is not None and ident in self.input_ids):
            name = dict(self.names).get(resolved) or next(  # a hard link: the input's name
                (n for _, n in self.names if _identity(Path(n)) == ident), str(resolved))
            raise UserError(f"{path}: the output would overwrite the input {name}; "
                            f"choose another {param('out_dir')} (or target language)")


def confine_output(root: PathLike, relative: PathLike, *, inputs: Iterable[PathLike] = ()
                   ) -> Path:
    """One-off :meth:`OutputRoot.dest`: ``root / relative`` if the confinement rule allows."""
    return OutputRoot.of(root, inputs=inputs).dest(relative)


def refuse_input(path: PathLike, *, inputs: Iterable[PathLike]) -> None:
    """For an output named outright (``--report FILE``, ``tm export -o FILE``): refuse it
    when it is one of ``inputs``."""
    OutputRoot.of(Path(path).parent, inputs=inputs).check_not_input(path)


# ----------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """A discovered input: the path as found, its root, the path relative to the root
    (the output keeps it), and where it really is."""

    path: Path
    root: Path
    rel: PurePath
    resolved: Path


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def resolve_source(path: PathLike, root: PathLike) -> Path:
    """The real location of ``path``, refused when it is outside ``root`` (a symlink
    pointing out of the source tree)."""
    path, root = Path(path), Path(root)
    resolved = path.resolve()
    if not _inside(resolved, root.resolve()):
        raise InputFileError(str(path), f"is a symlink to {resolved}, outside the source "
                                        f"tree {root}; copy the file into {root} or name it "
                                        "on the command line")
    return resolved


def walk_sources(sources: Sequence[PathLike], *, accept: Callable[[str], bool],
                 exclude: Iterable[PathLike] = (), problems: Problems | None = None
                 ) -> list[SourceEntry]:
    """Every accepted file of ``sources``: a file is taken as given (its root is its
    folder); a directory is walked in sorted order, hidden entries and ``exclude``
    (e.g. the output root) skipped, symlinked folders not entered, and each file
    resolved and refused when it lies outside the directory or is not a regular file
    (a FIFO found in a tree would block the read for ever).

    A problem (missing source, file outside its tree) is raised, or added to
    ``problems`` and the file skipped when a collector is given.
    """
    skip = {Path(p).resolve() for p in exclude}
    found: list[SourceEntry] = []

    def refuse(exc: InputFileError) -> None:
        if problems is None:
            raise exc
        problems.add_error(exc)

    for item in sources:
        path = Path(item)
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
                here = Path(dirpath)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                                     and (here / d).resolve() not in skip)
                for name in sorted(filenames):
                    if name.startswith(".") or not accept(name):
                        continue
                    f = here / name
                    try:
                        resolved = resolve_source(f, path)
                    except InputFileError as exc:
                        refuse(exc)
                        continue
                    if not resolved.is_file():  # a FIFO would block the read for ever
                        refuse(InputFileError(str(f), "is not a regular file (a FIFO, "
                                                      "socket or device); name it on the "
                                                      "command line to read it anyway"))
                        continue
                    found.append(SourceEntry(f, path, f.relative_to(path), resolved))
        elif path.exists():
            found.append(SourceEntry(path, path.parent, PurePath(path.name), path.resolve()))
        else:
            refuse(InputFileError(str(path), "no such file or directory; check the path"))
    return found


# ----------------------------------------------------------------------------- pre-flight


@dataclass(frozen=True, slots=True)
class Destination:
    """A file a command will write. ``create_parents``: its folder may be created (an
    output tree under ``-o``); otherwise the folder must exist (``--report``)."""

    path: Path
    create_parents: bool = True
    option: str = ""  # the parameter that named it, for the message ("report")
    #: output roots the command creates anyway (``-o OUT``): a folder that is one of
    #: them, inside one or above one will exist, so it need not exist yet
    roots: tuple[Path, ...] = ()

    def made_by_roots(self) -> bool:
        folder = self.path.parent.resolve()
        return any(_inside(folder, r) or _inside(r, folder)
                   for r in (Path(r).resolve() for r in self.roots))


def probe_write(folder: Path) -> OSError | None:
    """``None`` when a new file can be made in ``folder``, else the error (EROFS,
    EACCES, ENOSPC...): tried for real with a probe file that is removed at once."""
    probe = folder / f".{secrets.token_hex(6)}.probe"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        return exc
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)
    return None


def check_writable(destinations: Iterable[Destination | PathLike]) -> None:
    """Refuse, before any work, a destination that cannot be written: its folder (or the
    nearest existing one, where folders may be created) must be a writable directory;
    with ``create_parents=False`` the folder must already exist. Nothing is left behind.
    """
    tried: dict[Path, OSError | None] = {}
    for d in destinations:
        dest = d if isinstance(d, Destination) else Destination(Path(d))
        label = param(dest.option, dest.path) if dest.option else str(dest.path)
        if dest.path.is_dir():
            raise UserError(f"{label}: is a directory; give a file name")
        folder = dest.path.parent
        if not dest.create_parents and not folder.is_dir() and not dest.made_by_roots():
            what = "is not a directory" if folder.exists() else "does not exist"
            raise UserError(f"{label}: the folder {folder} {what}; create it first or "
                            "choose another path")
        existing = folder
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            raise UserError(f"{label}: {existing} is a file, not a directory; "
                            "choose another output path")
        if existing not in tried:
            tried[existing] = probe_write(existing)
        exc = tried[existing]
        if exc is not None:
            raise UserError(f"{label}: cannot write in {existing} "
                            f"({exc.strerror or exc}); choose a writable place") from None


# ----------------------------------------------------------------------------- batches


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    problem: str
    line: int | None = None

    def marked(self) -> str:
        """``FILE:LINE: problem`` with its parameters still marked (:func:`param`), for
        a front to spell (:func:`translate.errors.render`)."""
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.problem}"

    def __str__(self) -> str:
        return render(self.marked())


class BatchError(InputFileError):
    """Some inputs of a batch were bad: ``problems``, one line each (the command line
    lists them above this error's own line).

    An :class:`InputFileError` whose ``path``/``line``/``problem`` are the first
    problem's, so code catching a file error still gets one.
    """

    def __init__(self, problems: Sequence[Problem], total: int | None) -> None:
        bad = len({p.path for p in problems})
        if len(problems) == 1:  # the problem itself is the one line
            rest = (total - 1) if total is not None else 0
            done = f"; the other {rest} input(s) were done" if rest > 0 else ""
            message = f"{problems[0].marked()}{done}"
        else:
            of = f" of {total}" if total is not None else ""
            message = (f"{bad}{of} input(s) had problems (listed above); "
                       "every other input was done")
        UserError.__init__(self, message)
        self.path, self.line, self.problem = problems[0].path, problems[0].line, \
            problems[0].problem
        self.problems = tuple(problems)
        #: what the batch did with its good inputs (set by the job that raised it, e.g.
        #: :func:`translate.article.run_files`), for a caller of the library API
        self.result: object = None


def unexpected(exc: BaseException) -> str:
    """The one-line problem for an exception no reader turned into an error."""
    if isinstance(exc, MemoryError):
        return "ran out of memory while it was read or translated; split it"
    if isinstance(exc, RecursionError):
        return "is nested too deeply to be read (Python's stack ran out)"
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    return (f"could not be translated: {type(exc).__name__}{': ' if detail else ''}{detail} "
            "(a bug in translate: please report it with this file)")


@dataclass
class Problems:
    """Collects per-input problems of a batch.

    ``fail_fast=True`` (``--fail-fast``) raises the first problem at once, as a plain
    one-line error. Otherwise: check every input with :meth:`check` (or :meth:`add`),
    go on with the good ones, and call :meth:`finish` at the end: it raises
    :class:`BatchError` (exit 2), whose ``problems`` are the ``FILE:LINE: problem`` lines.
    """

    fail_fast: bool = False
    items: list[Problem] = field(default_factory=list)

    def add(self, path: PathLike, problem: str, line: int | None = None) -> None:
        if self.fail_fast:
            raise InputFileError(str(path), problem, line)
        self.items.append(Problem(str(path), problem, line))

    def add_error(self, exc: UserError, path: PathLike | None = None) -> None:
        if self.fail_fast:
            raise exc
        if isinstance(exc, InputFileError):
            self.items.append(Problem(exc.path, exc.problem, exc.line))
        else:
            where, text = str(path) if path is not None else "", exc.message
            if where and text.startswith(f"{where}: "):  # the message names it already
                text = text[len(where) + 2:]
            self.items.append(Problem(where, text))

    def check(self, path: PathLike, fn: Callable[..., T], *args: object, **kwargs: object
              ) -> T | None:
        """``fn(*args, **kwargs)``; a :class:`UserError` it raises is recorded against
        ``path`` and ``None`` returned (raised at once with ``fail_fast``). Any other
        exception a file causes (a bug it found, memory it exhausted) is that file's
        one-line problem too: it never stops the other files or the report (#24)."""
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            if isinstance(exc, BatchError):
                raise
            self.add_error(exc, path)
            return None
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as exc:  # the file's problem, not the batch's
            self.add_error(InputFileError(str(path), unexpected(exc)), path)
            return None

    def passes(self, path: PathLike, fn: Callable[..., object], *args: object,
               **kwargs: object) -> bool:
        """Whether ``fn(*args, **kwargs)`` raised no :class:`UserError` (recorded against
        ``path``, as :meth:`check` does): for checks that return nothing."""
        before = len(self.items)
        self.check(path, fn, *args, **kwargs)
        return len(self.items) == before

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def lines(self) -> list[str]:
        return [str(p) if p.path else render(p.problem) for p in self.items]

    def bad(self, path: PathLike) -> bool:
        return any(p.path == str(path) for p in self.items)

    def finish(self, *, total: int | None = None, stream: IO[str] | None = None,
               result: object = None) -> None:
        """Raise :class:`BatchError` if there are problems; with ``stream``, list them
        there first, one line each (the command line lists ``BatchError.problems``
        itself, with its flags).

        A single problem is not listed: it is the error's own (one) line, e.g.
        ``b.txt:2: invalid UTF-8 ...; the other 3 input(s) were done``. ``result``
        becomes the error's ``result`` (what was done with the good inputs).
        """
        if not self.items:
            return
        if len(self.items) > 1 and stream is not None:
            for line in self.lines():
                print(line, file=stream)
        error = BatchError(self.items, total)
        error.result = result
        raise error
