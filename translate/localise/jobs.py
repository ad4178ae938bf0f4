"""Localisation jobs: translate catalogs (PO, JSON, XLIFF) into several languages.

    report = run_job([Path("locale/messages.pot"), Path("web/en")], "en", ["az", "it"],
                     Path("out"), translator.translate, tm=Path("tm.sqlite"))

For each target the job reads every source (a file, or a directory tree of supported
files), keeps translations the output already has (unless ``overwrite``), looks the rest
up in the translation memory, sends what is left to ``translate_batch`` once per unique
(context, text), protects placeholders and markup around the model, runs the QA checks,
and writes ``OUT/<lang>/<path relative to its source root>`` (``.pot`` becomes ``.po``).

Resumable: each batch's results are committed to the translation memory as soon as they
come back, and files are written atomically once a language is done, so a killed job,
run again, only translates what it had not finished, and no output file is ever half
written. A second run over the same sources makes no model call at all.

A string that fails a critical QA check is never written: its unit stays untranslated
(or keeps the translation it had) and the report says why. The failure is journaled too, so
a rerun reports it again without asking the model; ``retry_failed`` asks the model again.

``translate_batch`` is called from this thread only, one batch at a time (a
:class:`~translate.Translator` is not thread-safe). To translate batches in parallel pass
an object with ``map_batches(batches, src, tgt)`` instead, such as
:class:`translate.scale.ExecutorTranslate` (a local process pool or a Dask cluster); the
job itself - memory, QA, files - always stays in this process.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from glob import escape as glob_escape
from pathlib import Path, PurePath
from types import ModuleType
from typing import Any, Protocol

from ..errors import InputFileError, UserError
from ..languages import normalise_lang
from ..memory import TMEntry, TranslationMemory
from ..textio import atomic_write, read_bytes
from .checkers import CheckContext, Problem, TermCheck, run_checks
from .formats import format_for, po, supported_extensions
from .messages import split_message
from .placeholders import Protected, declared_formats, mask, restore, token_problems
from .units import DEFAULT_WRITE, Document, Existing, Fill, WriteOptions

#: ``translate_batch(texts, src, tgt) -> one output per text`` (e.g. Translator.translate)
TranslateBatch = Callable[[list[str], str, str], list[str]]


class BatchTranslate(Protocol):
    """Translates many batches, wherever it likes, yielding the outputs in batch order."""

    def map_batches(self, batches: Sequence[Sequence[str]], src: str, tgt: str
                    ) -> Iterator[list[str]]: ...

DEFAULT_TM_NAME = ".translate-memory.sqlite"


# ----------------------------------------------------------------------------- report


@dataclass(frozen=True, slots=True)
class UnitIssue:
    """A unit that failed QA (not written) or was written with warnings."""

    file: str
    lang: str
    key: str
    source: str
    reasons: tuple[str, ...]
    translation: str | None = None


@dataclass(frozen=True, slots=True)
class FileResult:
    source: str
    output: str
    lang: str
    units: int
    translated: int
    written: bool  # False when the output was already up to date


@dataclass(frozen=True, slots=True)
class JobReport:
    """What a job did. ``units`` counts unit x target pairs; ``strings_translated`` the
    unique strings the model translated in this run."""

    src: str
    targets: tuple[str, ...]
    units: int = 0
    kept_existing: int = 0
    reused_from_tm: int = 0
    translated: int = 0
    untranslatable: int = 0
    strings_translated: int = 0
    model_calls: int = 0
    failed: tuple[UnitIssue, ...] = ()
    warnings: tuple[UnitIssue, ...] = ()
    files: tuple[FileResult, ...] = ()
    tm: str | None = None

    @property
    def files_written(self) -> tuple[str, ...]:
        return tuple(f.output for f in self.files if f.written)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["files_written"] = list(self.files_written)
        return out

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=1) + "\n"


# ----------------------------------------------------------------------------- planning


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to localise: where it is, the root its output path is relative to."""

    path: Path
    root: Path
    rel: PurePath
    fmt: ModuleType


def discover(sources: Sequence[str | os.PathLike[str]], out_dir: Path) -> list[SourceFile]:
    """Every supported file of ``sources`` (files, or directory trees walked in sorted
    order, without following symlinked directories and skipping hidden ones and OUT)."""
    found: list[SourceFile] = []
    out_resolved = out_dir.resolve()
    exts = ", ".join(supported_extensions())
    for item in sources:
        path = Path(item)
        if path.is_dir():
            root = path
            for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
                here = Path(dirpath)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                                     and not _inside((here / d).resolve(), out_resolved))
                for name in sorted(filenames):
                    fmt = format_for(name)
                    if fmt is None or name.startswith("."):
                        continue
                    f = here / name
                    found.append(SourceFile(f, root, f.relative_to(root), fmt))
        elif path.exists():
            fmt = format_for(path.name)
            if fmt is None:
                raise InputFileError(str(path), f"unsupported file type; use {exts}")
            found.append(SourceFile(path, path.parent, PurePath(path.name), fmt))
        else:
            raise InputFileError(str(path), "no such file or directory; check the path")
    if not found:
        raise UserError(f"no files to localise in {', '.join(map(str, sources))} "
                        f"(looked for {exts})")
    return found


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def output_path(out_dir: Path, lang: str, source: SourceFile) -> Path:
    """``OUT/<lang>/<rel>`` with the format's output name; refuses anything that would
    land outside OUT (``..``, absolute paths, symlinks pointing elsewhere)."""
    rel = source.rel
    if rel.is_absolute() or any(part in ("..", "") for part in rel.parts):
        raise UserError(f"{source.path}: output path {rel} would leave the output directory")
    rel = rel.with_name(source.fmt.output_name(rel.name))
    target = out_dir / lang / rel
    root = out_dir.resolve()
    if not _inside(target.resolve(), root) or target.resolve() == root:
        raise UserError(f"{target}: resolves outside the output directory {out_dir} "
                        "(through a symlink); remove the link or choose another -o")
    return target


# ----------------------------------------------------------------------------- strings


@dataclass(slots=True)
class _Prepared:
    """A string split and masked for the model."""

    text: str
    pieces: tuple[Protected, ...]
    split: Any


def _prepare(text: str, formats: frozenset[str] = frozenset()) -> _Prepared:
    split = split_message(text, formats=formats)
    return _Prepared(text, tuple(mask(p.text, icu_branch=p.icu_branch, formats=p.formats)
                                 for p in split.pieces), split)


@dataclass(frozen=True, slots=True)
class _Result:
    """The translation of one (context, text) and its QA verdict."""

    target: str | None
    origin: str  # "mt" (this run), "tm", "copy" (nothing to translate)
    problems: tuple[Problem, ...] = ()
    machine: bool = False  # model output (now or earlier), so marked fuzzy

    @property
    def critical(self) -> tuple[str, ...]:
        return tuple(f"{p.check}: {p.message}" for p in self.problems if p.critical)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(f"{p.check}: {p.message}" for p in self.problems if not p.critical)


Key = tuple[str | None, str]


@dataclass
class _Target:
    """State of one target language while the job runs."""

    lang: str
    needed: dict[Key, bool] = field(default_factory=dict)  # key -> output is XML
    results: dict[Key, _Result] = field(default_factory=dict)
    formats: dict[Key, frozenset[str]] = field(default_factory=dict)  # declared by the units


# ----------------------------------------------------------------------------- the job


def glossary_term_check(glossary: object) -> TermCheck:
    """A QA hook from a ``translate.glossary.Glossary``: required terms must be in the
    translation (``match_terms`` on the source, ``verify_terms`` on the output)."""
    from ..glossary import match_terms, verify_terms

    def check(source: str, target: str, src: str, tgt: str) -> list[str]:
        hits = match_terms(source, glossary, src, tgt)  # type: ignore[arg-type]
        return [f"glossary term {c.hit.surface!r} should be {c.hit.target!r} ({c.status})"
                for c in verify_terms(target, hits, tgt) if not c.ok]

    return check


def run_job(sources: Sequence[str | os.PathLike[str]], src: str, targets: Sequence[str],
            out_dir: str | os.PathLike[str], translate_batch: TranslateBatch | BatchTranslate,
            *, tm: str | os.PathLike[str] | TranslationMemory | None = None,
            glossary: TermCheck | None = None, overwrite: bool = False, fuzzy: bool = True,
            mo: bool = False, progress: bool | None = None, batch_size: int = 32,
            retry_failed: bool = False, report: str | os.PathLike[str] | None = None,
            write_options: WriteOptions = DEFAULT_WRITE) -> JobReport:
    """Localise ``sources`` from ``src`` into each of ``targets`` under ``out_dir``.

    Args:
        translate_batch: ``(texts, src, tgt) -> translations``, called with masked text
            only, once per batch of unique strings, from this thread; or a
            :class:`BatchTranslate` (``map_batches``) that runs the batches elsewhere, in
            parallel (:class:`translate.scale.ExecutorTranslate`).
        tm: the translation memory (path or open memory); default
            ``OUT/.translate-memory.sqlite``, which is also what makes a job resumable.
        glossary: a QA hook ``(source, target, src, tgt) -> [problem]``, e.g.
            :func:`glossary_term_check`; its findings are warnings.
        overwrite: replace translations the output (or a source already in the target
            language) holds; otherwise they are kept.
        fuzzy: mark machine translations fuzzy (PO ``#, fuzzy``; XLIFF review states).
        mo: also compile a ``.mo`` next to each ``.po`` (fuzzy entries left out).
        progress: a progress bar on stderr; ``None``: only when stderr is a terminal.
        batch_size: strings (pieces) per ``translate_batch`` call; also how often the
            memory (the resume journal) is written.
        retry_failed: send strings that failed QA in an earlier run (journaled in the
            memory with their failure) to the model again; otherwise they are reported
            as failed again, without a model call, and never written.
        report: also write the JSON report to this file.
        write_options: plural rules for new catalogs and JSON plural keys (``gettext``:
            what msginit writes, Italian ``nplurals=2``; or ``cldr``; an existing target
            catalog's Plural-Forms is always kept) and the PO line width.
    """
    src = normalise_lang(src)
    langs = [normalise_lang(t) for t in targets]
    if not langs:
        raise UserError("no target language given: use --to LANG[,LANG...]")
    if src in langs:
        raise UserError(f"the target languages include the source language {src}")
    if batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    out = Path(out_dir)
    files = discover(sources, out)
    docs = [_read(f.fmt, f.path, src) for f in files]

    plan: list[tuple[str, list[tuple[SourceFile, Document, Path, Document | None]]]] = []
    outputs: dict[Path, Path] = {}
    for lang in langs:
        entries = []
        for f, doc in zip(files, docs, strict=True):
            dest = output_path(out, lang, f)
            key = dest.resolve()
            if key in outputs:
                raise UserError(f"{f.path} and {outputs[key]} would both be written to "
                                f"{dest}; localise them in separate jobs")
            if key == f.path.resolve():
                raise UserError(f"{dest}: the output would overwrite its own source")
            outputs[key] = f.path
            previous = _read(f.fmt, dest, lang) if dest.is_file() else None
            entries.append((f, doc, dest, previous))
        plan.append((lang, entries))

    own_tm = not isinstance(tm, TranslationMemory)
    memory = tm if isinstance(tm, TranslationMemory) else TranslationMemory(
        Path(tm) if tm is not None else out / DEFAULT_TM_NAME)
    stats = _Stats()
    try:
        for lang, entries in plan:
            _run_target(lang, src, entries, memory, translate_batch, stats,
                        glossary=glossary, overwrite=overwrite, fuzzy=fuzzy, mo=mo,
                        progress=progress, batch_size=batch_size,
                        retry_failed=retry_failed, write_options=write_options)
    finally:
        if own_tm:
            memory.close()
    result = JobReport(
        src=src, targets=tuple(langs), units=stats.units, kept_existing=stats.kept,
        reused_from_tm=stats.from_tm, translated=stats.translated,
        untranslatable=stats.copied, strings_translated=stats.strings,
        model_calls=stats.calls, failed=tuple(stats.failed), warnings=tuple(stats.warnings),
        files=tuple(stats.files), tm=str(memory.path))
    if report is not None:
        atomic_write(report, result.to_json())
    return result


@dataclass
class _Stats:
    units: int = 0
    kept: int = 0
    from_tm: int = 0
    translated: int = 0
    copied: int = 0
    strings: int = 0
    calls: int = 0
    failed: list[UnitIssue] = field(default_factory=list)
    warnings: list[UnitIssue] = field(default_factory=list)
    files: list[FileResult] = field(default_factory=list)


def _read(fmt: ModuleType, path: Path, lang: str) -> Document:
    return fmt.read(read_bytes(path), str(path), lang)


def _existing(fmt: ModuleType, doc: Document | None, lang: str) -> dict[str, Existing]:
    return {} if doc is None else fmt.existing(doc, lang)


def _run_target(lang: str, src: str,
                entries: list[tuple[SourceFile, Document, Path, Document | None]],
                memory: TranslationMemory, translate_batch: TranslateBatch | BatchTranslate,
                stats: _Stats, *, glossary: TermCheck | None, overwrite: bool, fuzzy: bool,
                mo: bool, progress: bool | None, batch_size: int, retry_failed: bool,
                write_options: WriteOptions = DEFAULT_WRITE) -> None:
    state = _Target(lang)
    kept: list[dict[str, Existing]] = []
    held: list[dict[str, Existing]] = []
    # 1. what needs translating: units without a kept translation
    for f, doc, _dest, previous in entries:
        have = _existing(f.fmt, previous, lang)
        if doc.target_lang == lang:
            have = {**_existing(f.fmt, doc, lang), **have}
        held.append(have)
        kept.append({} if overwrite else have)
        xml = getattr(f.fmt, "MARKUP", None) == "xml"
        for unit in doc.units:
            if unit.key in kept[-1]:
                continue
            for text in unit.sources:
                k = (unit.context, text)
                state.needed[k] = state.needed.get(k, False) or xml
                state.formats[k] = state.formats.get(k, frozenset()) | declared_formats(unit.flags)

    # 2. the translation memory, then the model for the rest
    ctx = CheckContext(src, lang, glossary)
    hits = memory.lookup_many(src, lang, state.needed)
    todo: list[tuple[Key, _Prepared]] = []
    for k in state.needed:
        entry = hits.get(k)
        if entry is not None and not (entry.qa and retry_failed):
            state.results[k] = _from_memory(k[1], entry, replace(ctx, formats=state.formats[k]))
            continue
        prepared = _prepare(k[1], state.formats[k])
        if not prepared.pieces:
            state.results[k] = _Result(k[1], "copy")
        else:
            todo.append((k, prepared))
    _translate_all(todo, state, src, lang, memory, translate_batch, stats, ctx,
                   progress=progress, batch_size=batch_size)

    # 3. fill and write every file
    for (f, doc, dest, previous), have, old in zip(entries, kept, held, strict=True):
        xml = getattr(f.fmt, "MARKUP", None) == "xml"
        check_fill = getattr(f.fmt, "check_fill", None)
        fills: dict[str, Fill] = {}
        fresh = 0
        for unit in doc.units:
            stats.units += 1
            if unit.key in have:
                e = have[unit.key]
                fills[unit.key] = Fill(forms=e.forms, fuzzy=e.fuzzy, state=e.state)
                stats.kept += 1
                continue
            results = [state.results[(unit.context, t)] for t in unit.sources]
            reasons = [r for res in results for r in res.critical]
            texts = [res.target or "" for res in results]
            if not reasons and check_fill is not None and xml:
                reasons = [f"format: {p}" for t in texts for p in check_fill(t)]
            if reasons:
                stats.failed.append(UnitIssue(str(dest), lang, unit.key, unit.source,
                                              tuple(dict.fromkeys(reasons)),
                                              " | ".join(texts)))
                if unit.key in old:  # --overwrite: keep the old translation instead
                    e = old[unit.key]
                    fills[unit.key] = Fill(forms=e.forms, fuzzy=e.fuzzy, state=e.state)
                continue
            warns = [w for res in results for w in res.warnings]
            if warns:
                stats.warnings.append(UnitIssue(str(dest), lang, unit.key, unit.source,
                                                tuple(dict.fromkeys(warns)), " | ".join(texts)))
            origins = {res.origin for res in results}
            fills[unit.key] = Fill(texts[0], texts[1] if unit.is_plural else None,
                                   fuzzy=fuzzy and any(res.machine for res in results))
            if "mt" in origins:
                stats.translated += 1
                fresh += 1
            elif origins == {"copy"}:
                stats.copied += 1
            else:
                stats.from_tm += 1
        data = f.fmt.write(doc, fills, lang, previous, src=src, options=write_options)
        written = _write_if_changed(dest, data)
        if mo and f.fmt is po:
            written = _write_if_changed(dest.with_suffix(".mo"),
                                        po.compile_mo(data, str(dest))) or written
        stats.files.append(FileResult(str(f.path), str(dest), lang, len(doc.units), fresh,
                                      written))


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless the file already holds ``data``; clears temporary files a
    killed earlier run left behind for this output."""
    if path.parent.is_dir():
        for stale in path.parent.glob(f".{glob_escape(path.name)}.*.part"):
            with contextlib.suppress(OSError):
                stale.unlink()
    try:
        if path.is_file() and path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(path, data)
    return True


def _verify(source: str, target: str, origin: str, ctx: CheckContext, *, machine: bool,
            extra: Iterable[str] = ()) -> _Result:
    problems = run_checks(source, target, ctx)
    if any(p.critical and p.check in ("placeholders", "mask-token") for p in problems):
        problems.extend(Problem("mask-token", m) for m in extra)
    return _Result(target, origin, tuple(problems), machine)


def _from_memory(source: str, entry: TMEntry, ctx: CheckContext) -> _Result:
    """A memory hit, checked again. An entry journaled with a QA failure is never reused
    as a translation: it stays failed (with its old reasons when today's checks pass)."""
    result = _verify(source, entry.target, "tm", ctx, machine=entry.origin == "mt")
    if entry.qa and not result.critical:
        failed = Problem("memory", f"failed QA when it was translated ({entry.qa}); "
                         "--retry-failed asks the model again")
        result = _Result(result.target, "tm", (*result.problems, failed), result.machine)
    return result


def _translate_all(todo: list[tuple[Key, _Prepared]], state: _Target, src: str, lang: str,
                   memory: TranslationMemory,
                   translate_batch: TranslateBatch | BatchTranslate, stats: _Stats,
                   ctx: CheckContext, *, progress: bool | None, batch_size: int) -> None:
    """Send every unique masked piece to the model once, in batches; as soon as all the
    pieces of a string are back, restore, check and journal it in the memory."""
    if not todo:
        return
    users: dict[str, list[int]] = {}  # masked piece -> indexes into todo
    for i, (_, prep) in enumerate(todo):
        for piece in prep.pieces:
            users.setdefault(piece.text, []).append(i)
    remaining = [len({p.text for p in prep.pieces}) for _, prep in todo]
    texts = list(users)
    size = max(1, batch_size)
    batches = [texts[i:i + size] for i in range(0, len(texts), size)]
    outputs: dict[str, str] = {}
    bar = _progress_bar(len(texts), f"{src}->{lang}", progress)

    def finish(batch: list[str], outs: list[str]) -> None:
        if len(outs) != len(batch):
            raise RuntimeError(f"translate_batch returned {len(outs)} results for "
                               f"{len(batch)} texts")
        stats.calls += 1
        outputs.update(zip(batch, outs, strict=True))
        done: list[int] = []
        for text in batch:
            for i in dict.fromkeys(users[text]):
                remaining[i] -= 1
                if remaining[i] == 0:
                    done.append(i)
        rows = [_finish(todo[i][0], todo[i][1], outputs, state, src, lang, ctx)
                for i in done]
        stats.strings += len(rows)
        memory.store_many(rows)  # the journal: these strings are done
        bar(len(batch))

    map_batches = getattr(translate_batch, "map_batches", None)
    results: Iterable[list[str]]
    if map_batches is not None:
        results = map_batches(batches, src, lang)
    else:
        results = (translate_batch(list(batch), src, lang)  # type: ignore[operator]
                   for batch in batches)
    try:
        for batch, outs in zip(batches, results, strict=True):
            finish(batch, list(outs))
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # stop outstanding work (e.g. cancel Dask futures) on an error
        bar(0, close=True)


def _finish(k: Key, prep: _Prepared, outputs: dict[str, str], state: _Target, src: str,
            lang: str, ctx: CheckContext) -> TMEntry:
    """Restore and check one string whose pieces are all translated."""
    restored, tokens = [], []
    for protected in prep.pieces:
        out = outputs[protected.text]
        tokens.extend(token_problems(out, protected))
        restored.append(restore(out, protected))
    target = prep.split.join(restored)
    res = _verify(k[1], target, "mt", replace(ctx, formats=state.formats[k]), machine=True,
                  extra=tokens)
    state.results[k] = res
    return TMEntry(src, lang, k[0], k[1], target, "mt", "; ".join(res.critical))


def _progress_bar(total: int, label: str, enabled: bool | None
                  ) -> Callable[..., None]:
    if enabled is None:
        enabled = bool(getattr(sys.stderr, "isatty", lambda: False)())
    if not enabled:
        return lambda n, close=False: None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm ships with transformers
        return lambda n, close=False: None
    bar = tqdm(total=total, desc=label, unit="str", file=sys.stderr, leave=False)

    def update(n: int, close: bool = False) -> None:
        if n:
            bar.update(n)
        if close:
            bar.close()

    return update


# ----------------------------------------------------------------------------- command


def run_localise_command(args: Any, translator_from_args: Callable[[Any], Any],
                         config_from_args: Callable[[Any], dict[str, Any]] | None = None
                         ) -> int:
    """``translate localise``: build the translator, run the job, report.

    With ``--executor local --workers 1`` (the default) the model runs in this process;
    otherwise batches go to a process pool or a Dask cluster, each worker building the
    translator from ``config_from_args(args)`` (Translator keyword arguments) once.
    """
    from ..languages import parse_lang_list

    src = normalise_lang(args.src)
    targets = parse_lang_list(args.tgt)
    workers = getattr(args, "workers", 1)
    executor_kind = getattr(args, "executor", "local")
    if workers < 1:
        raise UserError("--workers must be at least 1")
    if getattr(args, "batch_size", 32) < 1:
        raise UserError("--batch-size must be at least 1")
    out = Path(args.output_dir)
    # read and check every input before loading a model
    discover(args.sources, out)
    translator = translator_from_args(args)
    glossary = None if args.no_glossary else getattr(translator, "glossary", None)
    executor: Any = None
    translate: Any = translator.translate
    if executor_kind != "local" or workers > 1 or getattr(args, "scheduler", None):
        from ..scale.executors import ExecutorTranslate, make_executor, portable_config

        if config_from_args is None:
            raise UserError("--workers/--executor need a translator configuration")
        config = portable_config(config_from_args(args))
        executor = make_executor(executor_kind, workers, getattr(args, "scheduler", None))
        translate = ExecutorTranslate(config, executor)
    with executor if executor is not None else contextlib.nullcontext():
        report = run_job(args.sources, src, targets, out, translate, tm=args.tm,
                         glossary=glossary_term_check(glossary) if glossary else None,
                         overwrite=args.overwrite, fuzzy=not args.no_fuzzy, mo=args.mo,
                         batch_size=getattr(args, "batch_size", 32),
                         retry_failed=getattr(args, "retry_failed", False),
                         report=args.report,
                         write_options=WriteOptions(
                             plural_rules=getattr(args, "plural_rules", "gettext"),
                             width=0 if getattr(args, "no_wrap", False)
                             else getattr(args, "width", 76)))
    if args.report is None:
        sys.stdout.write(report.to_json())
    print(f"translate: {len(report.files_written)} file(s) written, "
          f"{report.translated} unit(s) translated, {report.reused_from_tm} from the "
          f"translation memory, {report.kept_existing} kept, {len(report.failed)} failed QA"
          + (f" (see {args.report})" if args.report and report.failed else ""),
          file=sys.stderr)
    return 0
