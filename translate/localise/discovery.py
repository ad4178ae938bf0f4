"""Which files a localisation job reads, and where each one's output goes (both by the
rules of :mod:`translate.paths`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from types import ModuleType

from ..errors import InputFileError, UserError
from ..paths import OutputRoot, Problems, walk_sources
from .formats import candidates, claimed, format_for, layout_of, supported_extensions


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to localise: where it is, the root its output path is relative to."""

    path: Path
    root: Path
    rel: PurePath
    fmt: ModuleType


def discover(sources: Sequence[str | os.PathLike[str]], out_dir: Path,
             langs: Sequence[str] = (), problems: Problems | None = None, *,
             src: str | None = None) -> list[SourceFile]:
    """Every supported file of ``sources`` (files, or directory trees walked in sorted
    order by :func:`translate.paths.walk_sources`: symlinked folders not entered, hidden
    ones skipped, and OUT when it is a folder inside a source tree; when OUT is the source
    tree itself only its output folders ``OUT/<lang>/`` of ``langs``; a file resolving
    outside its tree refused; a file where its format's layout puts a translation into
    one of ``langs``, e.g. ``res/values-it/strings.xml``, is an earlier output, not a
    source, and so is, in a layout that names files by language, one whose name is in
    another language than ``src`` (``messages_de.properties``); a file in a folder that
    no format's sniff accepts, e.g. a layout ``.xml``, is no catalog). With ``problems``
    a missing or refused source is recorded there and the others kept; without, it is
    raised."""
    exts = ", ".join(supported_extensions())
    for item in sources:
        path = Path(item)
        if path.exists() and not path.is_dir() and not candidates(path.name):
            raise InputFileError(str(path), f"unsupported file type; use {exts}")
    before = len(problems) if problems is not None else 0
    named = {Path(item).absolute() for item in sources if not Path(item).is_dir()}
    found = [SourceFile(e.path, e.root, e.rel, fmt)
             for e in walk_sources(sources, accept=lambda n: bool(candidates(n)),
                                   exclude=[out_dir, *(Path(out_dir) / lg for lg in langs)],
                                   problems=problems)
             if (e.path.absolute() in named or claimed(e.path))
             and not layout_of(fmt := format_for(e.path)).is_translation(e.rel, langs)
             and not layout_of(fmt).is_other_language(e.rel, src)]
    if not found and (problems is None or len(problems) == before):
        raise UserError(f"no files to localise in {', '.join(map(str, sources))} "
                        f"(looked for {exts})")
    return found


def catalog_output(out_dir: Path | OutputRoot, lang: str, source: SourceFile,
                   src: str | None = None) -> Path:
    """Where ``source`` in ``lang`` goes: its format's layout
    (:class:`~translate.localise.formats.Layout`; ``OUT/<lang>/<rel>`` unless it
    declares another) with the format's output name (``.pot`` -> ``.po``), by the
    confinement rule (:meth:`translate.paths.OutputRoot.dest`: no ``..``, no symlinked
    component, never an input). ``src``: the source language, which a layout may
    replace in the file name (``app_en.arb`` -> ``app_it.arb``)."""
    root = out_dir if isinstance(out_dir, OutputRoot) else OutputRoot.of(out_dir)
    rel = source.rel
    name = source.fmt.output_name(rel.name)
    return root.dest(layout_of(source.fmt).path(rel, lang, name, src))
