"""Reading catalogs and writing the filled ones (atomically, only when they change)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from ..errors import InputFileError
from ..limits import Limits, reading
from ..textio import atomic_write, read_bytes
from .placeholders import MAX_BRACE_DEPTH, brace_depth
from .units import Document, Existing


def read_document(fmt: ModuleType, path: Path, lang: str,
                  limits: Limits | None = None) -> Document:
    """Read a catalog within ``limits`` (:class:`~translate.limits.Limits`; ``None``:
    those in force): its size before it is read, ``nplurals`` and numbers as it is
    parsed (the format's parser, bounded by the size), then its units and strings before
    anything else is done with them. A message nested deeper than any real one is refused
    too (its ICU arguments would cost time growing with the cube of the depth)."""
    with reading(limits) as chosen:
        data = _read_within(path, chosen)
        doc = fmt.read(data, str(path), lang)
    chosen.check("catalog_units", len(doc.units), "has more than {limit} units", str(path))
    for unit in doc.units:
        for text in (*unit.sources, *unit.translations):
            if len(text) > chosen.string_chars:
                raise InputFileError(str(path), chosen.over(
                    "string_chars", f"message {_shown(unit.key)!r} has a string of "
                                    f"{len(text)} characters"))
            depth = brace_depth(text)
            if depth > MAX_BRACE_DEPTH:
                raise InputFileError(str(path), f"message {_shown(unit.key)!r} nests braces "
                                                f"{depth} deep (limit {MAX_BRACE_DEPTH})")
    return doc


def _shown(key: str) -> str:
    return key if len(key) <= 40 else key[:40] + "..."


def _read_within(path: Path, limits: Limits) -> bytes:
    """The file's bytes, refused past ``limits.input_mb`` before more is read."""
    cap = limits.input_mb * 1024 * 1024
    try:
        with open(path, "rb") as fh:
            data = fh.read(cap + 1)
    except OSError:
        return read_bytes(path)  # its one-line error
    if len(data) > cap:
        raise InputFileError(str(path), limits.over(
            "input_mb", f"is larger than {limits.input_mb} MB", " MB"))
    return data


def existing(fmt: ModuleType, doc: Document | None, lang: str) -> dict[str, Existing]:
    """The translations ``doc`` already holds for ``lang`` (none without a document)."""
    return {} if doc is None else fmt.existing(doc, lang)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless the file already holds ``data`` (:func:`atomic_write`
    clears what a killed earlier write of this output left behind)."""
    try:
        if path.is_file() and path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(path, data)
    return True
