"""Isolated file jobs: a document or catalog is opened, parsed and rebuilt in a worker
process with a memory cap (``RLIMIT_AS``) and a time limit; only its sentences come back
to the server, which translates them through its batcher (shared models, fair turns with
the other clients). A hostile file (a zip bomb, millions of elements) costs the worker,
which is gone when the job ends: the client gets one 4xx, the server's memory is
untouched.

    result = run_isolated(document_job, (data, "docx", "en", "it", limits),
                          serve=handler, memory_mb=1024, timeout_s=120)

``fn(remote, *args)`` runs in the worker (a module-level function: it is pickled);
``remote(name, *args)`` there asks the server for ``handler(name, args)`` (a batch of
sentences to translate, a route) and returns its value. Workers are forked from a
``forkserver`` that imported the parsers once, so a job starts in milliseconds and never
inherits the server's threads or models.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import resource
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace

from ..errors import UserError
from .errors import ServeError, client_message

log = logging.getLogger("translate.serve")

PRELOAD = ["translate.serve.jobs", "translate.documents", "translate.documents.office",
           "translate.localise.jobs", "lxml.etree"]
_context_lock = threading.Lock()
_context = None


class JobCancelled(Exception):
    """The client went away: the worker was stopped."""


def context():
    """The forkserver context (started on first use, or early by :func:`warm_up`)."""
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _context = ctx
        return _context


def warm_up() -> None:
    """Start the forkserver now (it imports the parsers once), not on the first upload."""
    from multiprocessing import forkserver

    context()
    forkserver.ensure_running()


def memory_message(memory_mb: int) -> str:
    return (f"Invalid request: the file needs more than {memory_mb} MB of memory to "
            f"read (the server's file memory limit)")


def run_isolated(fn: Callable, args: tuple, *, serve: Callable[[str, tuple], object],
                 memory_mb: int, timeout_s: float,
                 cancelled: threading.Event | None = None) -> object:
    """``fn(remote, *args)`` in a worker process; its return value.

    Raises :class:`ServeError`: 400 with the library's one line for a bad file or one
    past a :class:`~translate.limits.Limits` limit, 400 when the worker runs out of its
    ``memory_mb``, 503 past ``timeout_s``, 500 (no details: they are logged) for a bug;
    :class:`JobCancelled` when ``cancelled`` is set. What ``serve`` raises is raised
    here (the worker is stopped)."""
    ctx = context()
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_child, args=(child, fn, args, memory_mb), daemon=True,
                       name="translate-file-job")
    proc.start()
    child.close()
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ServeError(503, f"Translating the file took longer than "
                                      f"{timeout_s:g} s (the server's file time limit); "
                                      "try again later or send a smaller file")
            if cancelled is not None and cancelled.is_set():
                raise JobCancelled()
            try:
                if not parent.poll(min(left, 0.2)):
                    continue
                msg = parent.recv()
            except (EOFError, OSError):
                proc.join(2)
                raise ServeError(400, memory_message(memory_mb)) from None
            kind = msg[0]
            if kind == "call":
                parent.send(("ok", serve(msg[1], msg[2])))
            elif kind == "done":
                return msg[1]
            elif kind == "memory":
                raise ServeError(400, memory_message(memory_mb))
            elif kind == "user":
                raise ServeError(400, msg[1])
            elif kind == "serve":
                raise ServeError(msg[1], msg[2])
            else:
                log.error("file job failed: %s", msg[1])
                raise ServeError(500, "Cannot translate file: internal error (logged on "
                                      "the server)")
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()


def _child(conn, fn, args, memory_mb: int) -> None:
    if memory_mb > 0:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    def remote(name: str, *call_args):
        conn.send(("call", name, call_args))
        return conn.recv()[1]

    try:
        conn.send(("done", fn(remote, *args)))
    except MemoryError:
        conn.send(("memory",))
    except UserError as exc:
        conn.send(("user", "Invalid request: " + client_message(exc)))
    except ServeError as exc:
        conn.send(("serve", exc.status, exc.message))
    except Exception as exc:  # noqa: BLE001 - logged by the server, never sent
        conn.send(("error", f"{type(exc).__name__}: {str(exc)[:300]}"))
    finally:
        conn.close()


def plain(value):
    """A report value as JSON: dataclasses as dicts, tuples and sets as lists."""
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return str(value)


class RemoteTranslator:
    """What :func:`translate.documents.translate_document` needs of a translator, asked
    of the server (which owns the models)."""

    def __init__(self, remote: Callable) -> None:
        self.remote = remote

    def translate_batch(self, texts, src: str, tgt: str, *, align: bool = False):
        return self.remote("translate_batch", list(texts), src, tgt, align)

    def route(self, src: str, tgt: str):
        return tuple(SimpleNamespace(src=s, tgt=t) for s, t in self.remote("route", src, tgt))


# ----------------------------------------------------------------------------- jobs

def document_job(remote, data: bytes, fmt: str, src: str, tgt: str, limits,
                 name: str) -> tuple[bytes, dict]:
    """A document through :func:`translate.documents.translate_document`: its bytes and
    its JSON-safe report."""
    import json

    from ..documents import translate_document
    result = translate_document(data, fmt, src, tgt, RemoteTranslator(remote), name=name,
                                limits=limits)
    report = json.loads(json.dumps(result.report(), default=plain, ensure_ascii=False))
    return result.data, report


def catalog_job(remote, data: bytes, ext: str, src: str, tgt: str,
                glossary, limits=None) -> tuple[bytes, dict]:
    """A PO/JSON/XLIFF catalog through :func:`translate.localise.run_job`, in a private
    temporary directory under a name of our own (``catalog<ext>``), held to ``limits``
    (the server's ``--limit``; ``None``: the defaults)."""
    import shutil
    import tempfile
    from pathlib import Path

    from ..localise.jobs import glossary_term_check, run_job

    def batch(texts, s, t):  # run_job wants one string per text
        return [r.text for r in remote("translate_batch", list(texts), s, t, False)]

    workdir = Path(tempfile.mkdtemp(prefix="translate-serve-"))
    try:
        source = workdir / "in" / f"catalog{ext}"
        source.parent.mkdir()
        source.write_bytes(data)
        check = glossary_term_check(glossary) if glossary is not None else None
        report = run_job([source], src, [tgt], workdir / "out", batch,
                         memory=workdir / "tm.sqlite", glossary=check, progress=False,
                         limits=limits)
        written = [Path(p) for p in report.files_written]
        if not written:
            raise ServeError(500, "Cannot translate file: nothing was written")
        return written[0].read_bytes(), report.as_dict()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
