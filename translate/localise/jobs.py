"""Localisation jobs: translate catalogs (PO, JSON, XLIFF) into several languages.

    report = run_job([Path("locale/messages.pot"), Path("web/en")], "en", ["az", "it"],
                     Path("out"), translator, memory=Path("tm.sqlite"))

This module is the job's orchestration; its parts live beside it: :mod:`.report` (result
types), :mod:`.discovery` (which files, where outputs go), :mod:`.memory_policy` (the
translation memory), :mod:`.qa` (QA gating), :mod:`.writing` (reading and writing
catalogs); the progress bar is :mod:`translate.progress`; the command is
:mod:`translate.commands.localise`.

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

The translator (a :class:`~translate.Translator`, or any ``(texts, src, tgt) -> texts``
function) is called from this thread only, one batch at a time (a Translator is not
thread-safe). To translate batches in parallel pass an object with
``map_completed(batches, src, tgt)`` instead, such as
:class:`translate.scale.ExecutorTranslate` (a local process pool or a Dask cluster): each
batch is journaled the moment it completes, in whatever order the workers finish. The job
itself - memory, QA, files - always stays in this process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..errors import UserError, param
from ..languages import normalise_lang
from ..limits import DEFAULT_LIMITS, Limits, limits_of, reading
from ..memory import TMEntry, TranslationMemory, memory_argument
from ..paths import Destination, OutputRoot, Problems, check_writable
from ..progress import Progress
from ..protocol import Translates
from ..textio import atomic_write
from .checkers import CheckContext, Finding, TermCheck
from .discovery import SourceFile, catalog_output, discover
from .formats import layout_of, po
from .memory_policy import DEFAULT_TM_NAME, from_memory, open_memory, reusable
from .messages import split_message
from .placeholders import Protected, declared_formats, mask, restore, token_problems
from .qa import Verdict, glossary_term_check, verify
from .report import FileResult, JobReport, UnitIssue
from .units import DEFAULT_WRITE, Document, Existing, Fill, WriteOptions
from .writing import existing, read_document, write_if_changed

__all__ = ["DEFAULT_TM_NAME", "JobPlan", "JobReport", "execute_job", "glossary_term_check",
           "plan_job", "run_job"]

#: ``translate_batch(texts, src, tgt) -> one output per text`` (e.g. Translator.translate)
TranslateBatch = Callable[[list[str], str, str], list[str]]


@runtime_checkable
class BatchTranslate(Protocol):
    """Translates many batches, wherever it likes: ``map_completed`` yields
    ``(batch index, outputs)`` as each batch is done (``map_batches``, outputs in batch
    order, is the older form)."""

    def map_batches(self, batches: Sequence[Sequence[str]], src: str, tgt: str
                    ) -> Iterator[list[str]]: ...


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


Key = tuple[str | None, str]


@dataclass
class _Target:
    """State of one target language while the job runs."""

    lang: str
    needed: dict[Key, bool] = field(default_factory=dict)  # key -> output is XML
    results: dict[Key, Verdict] = field(default_factory=dict)
    formats: dict[Key, frozenset[str]] = field(default_factory=dict)  # declared by the units
    realigned: set[str] = field(default_factory=set)  # pieces whose dropped tokens went back


# ----------------------------------------------------------------------------- the job


def run_job(sources: Sequence[str | os.PathLike[str]], src: str, targets: Sequence[str],
            out_dir: str | os.PathLike[str],
            translator: Translates | TranslateBatch | BatchTranslate,
            *, memory: str | os.PathLike[str] | TranslationMemory | None = None,
            glossary: TermCheck | None = None, overwrite: bool = False, fuzzy: bool = True,
            mo: bool = False, progress: bool | None = None, batch_size: int = 32,
            retry_failed: bool = False, report: str | os.PathLike[str] | None = None,
            fail_fast: bool = False, write_options: WriteOptions = DEFAULT_WRITE,
            tm: str | os.PathLike[str] | TranslationMemory | None = None,
            limits: Limits | None = None) -> JobReport:
    """Localise ``sources`` from ``src`` into each of ``targets`` under ``out_dir``:
    :func:`plan_job`, then :func:`execute_job`.

    Args:
        translator: a :class:`~translate.Translator` or a function ``(texts, src, tgt) ->
            translations``, called with masked text only, once per batch of unique
            strings, from this thread; or a
            :class:`BatchTranslate` (``map_batches``) that runs the batches elsewhere, in
            parallel (:class:`translate.scale.ExecutorTranslate`).
        memory: the translation memory (path or open memory; ``tm=`` is its older
            name); default ``OUT/.translate-memory.sqlite``, which is also what makes a
            job resumable.
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
        fail_fast: stop at the first bad source, before anything is written; otherwise
            every good source is localised and :class:`~translate.paths.BatchError`
            (a ``UserError``) then names each bad one, ``FILE:LINE: problem``; its
            ``result`` is the :class:`JobReport` of the good ones.
        write_options: plural rules for new catalogs and JSON plural keys (``gettext``:
            what msginit writes, Italian ``nplurals=2``; or ``cldr``; an existing target
            catalog's Plural-Forms is always kept) and the PO line width.
        limits: what one catalog may hold (:class:`~translate.limits.Limits`; default:
            the translator's configuration's, ``translator.config.limits``), checked while
            it is read; a catalog past one is its one-line problem.
    """
    tm = memory_argument(memory, tm)
    plan = plan_job(sources, src, targets, out_dir, memory=tm, mo=mo, batch_size=batch_size,
                    report=report, fail_fast=fail_fast,
                    limits=limits if limits is not None else limits_of(translator))
    return execute_job(plan, translator,
                       memory=tm if isinstance(tm, TranslationMemory) else None,
                       glossary=glossary, overwrite=overwrite, fuzzy=fuzzy,
                       progress=progress, batch_size=batch_size, retry_failed=retry_failed,
                       write_options=write_options)


Entry = tuple[SourceFile, Document, Path, "Document | None"]


@dataclass(frozen=True)
class JobPlan:
    """What :func:`plan_job` found: per target the good sources read with their
    (confined, writable) outputs, where the memory and the report go, and the problems of
    the bad sources, reported by :func:`execute_job` once the good ones are done."""

    src: str
    langs: tuple[str, ...]
    targets: tuple[tuple[str, tuple[Entry, ...]], ...]
    mo: dict[Path, Path]  # .po output -> its .mo (with ``mo``)
    tm: Path | None  # None: an open memory is passed to execute_job
    report: Path | None
    problems: Problems
    total: int
    root: OutputRoot | None = None  # OUT's rule, applied again as each file is written
    limits: Limits = DEFAULT_LIMITS  # what one catalog may hold


def plan_job(sources: Sequence[str | os.PathLike[str]], src: str, targets: Sequence[str],
             out_dir: str | os.PathLike[str], *,
             memory: str | os.PathLike[str] | TranslationMemory | None = None,
             mo: bool = False, batch_size: int = 32,
             report: str | os.PathLike[str] | None = None, fail_fast: bool = False,
             tm: str | os.PathLike[str] | TranslationMemory | None = None,
             limits: Limits | None = None) -> JobPlan:
    """Everything :func:`run_job` does before a model or the memory is needed: find and
    read every source (a bad one is recorded, or raised with ``fail_fast``), name every
    output by the confinement rule of :mod:`translate.paths` (``OUT/<lang>/...``, the
    ``.mo`` files, the default memory, ``--report``/``--tm`` inside OUT), and try every
    destination for writability. Raises when no good source is left. ``memory`` and
    ``limits``: as :func:`run_job` (``tm=``, its older name, works too)."""
    tm = memory_argument(memory, tm)
    limits = limits if limits is not None else DEFAULT_LIMITS
    src = normalise_lang(src)
    langs = [normalise_lang(t) for t in targets]
    if not langs:
        raise UserError(f"no target language given: use {param('targets', 'LANG[,LANG...]')}")
    if src in langs:
        raise UserError(f"the target languages include the source language {src}")
    if batch_size < 1:
        raise UserError(f"{param('batch_size')} must be at least 1")
    out = Path(out_dir)
    problems = Problems(fail_fast=fail_fast)
    found = discover(sources, out, langs, problems, src=src)
    total = len(found) + len(problems)  # and the files refused while walking
    files, docs = [], []
    for f in found:
        doc = problems.check(f.path, read_document, f.fmt, f.path, src, limits)
        if doc is not None:
            files.append(f)
            docs.append(doc)
    if not files:  # nothing good to do: fail before anything (the memory) is created
        problems.finish(total=total)
    root = OutputRoot.of(out, inputs=[f.path for f in found])

    plan: list[tuple[str, tuple[Entry, ...]]] = []
    outputs: dict[Path, Path] = {}
    mo_dests: dict[Path, Path] = {}
    for lang in langs:
        entries = []
        for f, doc in zip(files, docs, strict=True):
            dest = catalog_output(root, lang, f, src)
            key = dest.resolve()
            shared = layout_of(f.fmt).multilingual  # one output for every language
            if key in outputs and not (shared and outputs[key] == f.path):
                raise UserError(f"{f.path} and {outputs[key]} would both be written to "
                                f"{dest}; localise them in separate jobs")
            outputs[key] = f.path
            if mo and f.fmt is po:
                mo_dests[dest] = root.dest(dest.relative_to(root.root).with_suffix(".mo"))
            previous = None
            if dest.is_file():  # a damaged earlier output: this file is reported, not done
                previous = problems.check(dest, read_document, f.fmt, dest, lang, limits)
                if previous is None:
                    continue
            entries.append((f, doc, dest, previous))
        plan.append((lang, tuple(entries)))

    tm_path = None
    if not isinstance(tm, TranslationMemory):
        tm_path = root.named(tm, "tm") if tm is not None else root.dest(DEFAULT_TM_NAME)
    report_path = root.named(report, "report") if report is not None else None
    taken = {os.path.abspath(p) for p in [*outputs, *mo_dests.values()]}
    for name, path in (("tm", tm_path), ("report", report_path)):
        if path is not None and os.path.abspath(path) in taken:
            raise UserError(f"{param(name, path)}: is also an output of this job; give it "
                            "another name")
        if path is not None:
            taken.add(os.path.abspath(path))  # the report may not be the memory either
    check_writable([Destination(dest) for _, entries in plan for _, _, dest, _ in entries]
                   + [Destination(p) for p in mo_dests.values()]
                   + ([Destination(tm_path)] if tm_path is not None else [])
                   + ([Destination(report_path, create_parents=False, option="report",
                                   roots=(out,))]
                      if report_path is not None else []))
    return JobPlan(src, tuple(langs), tuple(plan), mo_dests, tm_path, report_path, problems,
                   total, root, limits)


def execute_job(plan: JobPlan, translator: Translates | TranslateBatch | BatchTranslate, *,
                memory: TranslationMemory | None = None,
                glossary: TermCheck | None = None, overwrite: bool = False,
                fuzzy: bool = True, progress: bool | None = None, batch_size: int = 32,
                retry_failed: bool = False, finish: bool = True,
                write_options: WriteOptions = DEFAULT_WRITE,
                tm: TranslationMemory | None = None) -> JobReport:
    """Localise what :func:`plan_job` planned (``memory``, or ``tm`` as it was called:
    an open memory, when the plan was made for one), write the report, then report the
    bad sources
    (:meth:`Problems.finish <translate.paths.Problems.finish>`; ``finish=False`` leaves
    that to the caller, e.g. to print its summary first)."""
    translate_batch, aligner = _batch_function(translator)
    tm = memory_argument(memory, tm)
    memory, own_tm = open_memory(tm if tm is not None else plan.tm)
    counts = _Counts()
    try:
        for lang, entries in plan.targets:
            with reading(plan.limits):  # a catalog read again is held to the plan's limits
                _run_target(lang, plan.src, list(entries), memory, translate_batch, counts,
                            aligner=aligner,
                            glossary=glossary, overwrite=overwrite, fuzzy=fuzzy, mo=plan.mo,
                            progress=progress, batch_size=batch_size,
                            retry_failed=retry_failed, root=plan.root,
                            write_options=write_options, problems=plan.problems)
    finally:
        if own_tm:
            memory.close()
    result = counts.report(plan.src, plan.langs, str(memory.path))
    if plan.report is not None:
        atomic_write(plan.report, result.to_json())
    if finish:
        plan.problems.finish(total=plan.total, result=result)
    return result


def _batch_function(translator: Translates | TranslateBatch | BatchTranslate
                    ) -> tuple[TranslateBatch | BatchTranslate, Callable | None]:
    """How the job calls ``translator``: a function or a :class:`BatchTranslate` as it
    is; a translator through ``translate``, with its forced word alignment (to put back
    a mask token the model dropped) when it has one."""
    if callable(translator) or isinstance(translator, BatchTranslate):
        return translator, None
    return _Reviewed(translator), getattr(translator, "align_pairs", None)


class _Reviewed:
    """``translate_batch`` over a translator in this process: the outputs' texts, and
    for each text the review reasons of its translation (:mod:`translate.review`), kept
    in ``reasons`` by ``(src, tgt, text)`` for the strings it is part of."""

    def __init__(self, translator: Translates) -> None:
        self.translator = translator
        self.reasons: dict[tuple[str, str, str], tuple[str, ...]] = {}

    def __call__(self, texts: list[str], src: str, tgt: str) -> list[str]:
        run = getattr(self.translator, "translate_batch", None)
        if run is None:
            return self.translator.translate(texts, src, tgt)
        results = run(list(texts), src, tgt)
        for text, res in zip(texts, results, strict=True):
            self.reasons[(src, tgt, text)] = tuple(getattr(res, "review", ()))
        return [res.text for res in results]


@dataclass
class _Counts:
    """The counters of :class:`~translate.localise.report.JobReport` (same names) while
    the job runs."""

    units: int = 0
    kept_existing: int = 0
    reused_from_tm: int = 0
    translated: int = 0
    untranslatable: int = 0
    strings_translated: int = 0
    model_calls: int = 0
    failed: list[UnitIssue] = field(default_factory=list)
    warnings: list[UnitIssue] = field(default_factory=list)
    files: list[FileResult] = field(default_factory=list)

    def report(self, src: str, targets: tuple[str, ...], tm: str) -> JobReport:
        counted = {f.name: getattr(self, f.name) for f in fields(self)}
        return JobReport(src=src, targets=targets, tm=tm, **{
            k: tuple(v) if isinstance(v, list) else v for k, v in counted.items()})


Entry = tuple[SourceFile, Document, Path, Document | None]


def _run_target(lang: str, src: str, entries: list[Entry], memory: TranslationMemory,
                translate_batch: TranslateBatch | BatchTranslate, counts: _Counts, *,
                aligner: Callable | None = None, glossary: TermCheck | None,
                overwrite: bool, fuzzy: bool, mo: dict[Path, Path],
                progress: bool | None, batch_size: int, retry_failed: bool,
                root: OutputRoot | None = None,
                write_options: WriteOptions = DEFAULT_WRITE,
                problems: Problems | None = None) -> None:
    """One target language: what needs translating, the memory then the model for it,
    then every file filled and written (what fails writing one file is that file's
    problem in ``problems``: the others are still written)."""
    state = _Target(lang)
    kept, held = _needed(state, entries, lang, overwrite)
    ctx = CheckContext(src, lang, glossary)
    todo = _recall(state, memory, src, lang, ctx, retry_failed)
    _translate_all(todo, state, src, lang, memory, translate_batch, counts, ctx,
                   progress=progress, batch_size=batch_size, aligner=aligner)
    problems = problems if problems is not None else Problems(fail_fast=True)
    for entry, have, old in zip(entries, kept, held, strict=True):
        problems.check(entry[0].path, _write_file, entry, have, old, state, counts, src=src,
                       lang=lang, fuzzy=fuzzy, mo=mo, root=root,
                       write_options=write_options)


def _needed(state: _Target, entries: list[Entry], lang: str, overwrite: bool
            ) -> tuple[list[dict[str, Existing]], list[dict[str, Existing]]]:
    """Record in ``state`` the strings of the units without a kept translation; per
    file, the translations kept and those held (kept unless ``overwrite``)."""
    kept: list[dict[str, Existing]] = []
    held: list[dict[str, Existing]] = []
    for f, doc, _dest, previous in entries:
        have = existing(f.fmt, previous, lang)
        if doc.target_lang == lang or layout_of(f.fmt).multilingual:
            have = {**existing(f.fmt, doc, lang), **have}
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
    return kept, held


def _recall(state: _Target, memory: TranslationMemory, src: str, lang: str,
            ctx: CheckContext, retry_failed: bool) -> list[tuple[Key, _Prepared]]:
    """The needed strings the memory answers (or that need no model) go into
    ``state.results``; the others come back masked, for the model."""
    hits = memory.lookup_many(src, lang, state.needed)
    todo: list[tuple[Key, _Prepared]] = []
    for k in state.needed:
        entry = hits.get(k)
        if reusable(entry, retry_failed):
            state.results[k] = from_memory(k[1], entry, replace(ctx, formats=state.formats[k]))
            continue
        prepared = _prepare(k[1], state.formats[k])
        if not prepared.pieces:
            state.results[k] = Verdict(k[1], "copy")
        else:
            todo.append((k, prepared))
    return todo


def _write_file(entry: Entry, have: dict[str, Existing], old: dict[str, Existing],
                state: _Target, counts: _Counts, *, src: str, lang: str, fuzzy: bool,
                mo: dict[Path, Path], root: OutputRoot | None,
                write_options: WriteOptions) -> None:
    """Fill one file's units from the verdicts and write it (and its ``.mo``)."""
    f, doc, dest, previous = entry
    xml = getattr(f.fmt, "MARKUP", None) == "xml"
    check_fill = getattr(f.fmt, "check_fill", None)
    fills: dict[str, Fill] = {}
    fresh = 0
    for unit in doc.units:
        counts.units += 1
        if unit.key in have:
            e = have[unit.key]
            fills[unit.key] = Fill(forms=e.forms, fuzzy=e.fuzzy, state=e.state)
            counts.kept_existing += 1
            continue
        fill, by_model = _fill_unit(unit, state, counts, str(dest), lang, fuzzy,
                                    check_fill if xml else None)
        if fill is None:
            if unit.key in old:  # --overwrite: keep the old translation instead
                e = old[unit.key]
                fills[unit.key] = Fill(forms=e.forms, fuzzy=e.fuzzy, state=e.state)
            continue
        fills[unit.key] = fill
        fresh += by_model
    if layout_of(f.fmt).multilingual and dest.is_file():
        # the output as the previous language of this job left it
        previous = read_document(f.fmt, dest, lang)
    data = f.fmt.write(doc, fills, lang, previous, src=src, options=write_options)
    for path in (dest, mo[dest]) if dest in mo else (dest,):
        if root is not None:  # a link made while the model ran is not followed
            root.dest(path.relative_to(root.root))
    written = write_if_changed(dest, data)
    if dest in mo:
        written = write_if_changed(mo[dest], po.compile_mo(data, str(dest))) or written
    counts.files.append(FileResult(str(f.path), str(dest), lang, len(doc.units), fresh,
                                   written))


def _fill_unit(unit, state: _Target, counts: _Counts, dest: str, lang: str, fuzzy: bool,
               check_fill: Callable | None) -> tuple[Fill | None, bool]:
    """A unit's fill from the verdicts of its strings (``None`` when it failed: recorded
    in ``counts``), and whether the model translated it."""
    results = [state.results[(unit.context, t)] for t in unit.sources]
    reasons = [r for res in results for r in res.critical]
    texts = [res.target or "" for res in results]
    if not reasons and check_fill is not None:
        reasons = [f"format: {p}" for t in texts for p in check_fill(t, unit)]
    if reasons:
        counts.failed.append(UnitIssue(dest, lang, unit.key, unit.source,
                                       tuple(dict.fromkeys(reasons)), " | ".join(texts)))
        return None, False
    warns = [w for res in results for w in res.warnings]
    if warns:
        counts.warnings.append(UnitIssue(dest, lang, unit.key, unit.source,
                                         tuple(dict.fromkeys(warns)), " | ".join(texts)))
    origins = {res.origin for res in results}
    reasons = tuple(dict.fromkeys(r for res in results for r in res.reasons))
    fill = Fill(texts[0], texts[1] if unit.is_plural else None,
                fuzzy=fuzzy and any(res.machine for res in results)
                or any(res.review for res in results), review=reasons)
    if "mt" in origins:
        counts.translated += 1
        return fill, True
    if origins == {"copy"}:
        counts.untranslatable += 1
    else:
        counts.reused_from_tm += 1
    return fill, False


def _translate_all(todo: list[tuple[Key, _Prepared]], state: _Target, src: str, lang: str,
                   memory: TranslationMemory,
                   translate_batch: TranslateBatch | BatchTranslate, counts: _Counts,
                   ctx: CheckContext, *, progress: bool | None, batch_size: int,
                   aligner: Callable | None = None) -> None:
    """Send every unique masked piece to the model once, in batches; as soon as all the
    pieces of a string are back, restore, check and journal it in the memory. A mask
    token the model dropped is put back where the word alignment (``aligner``) places its
    source position; the string is then marked for review and QA still decides."""
    if not todo:
        return
    users: dict[str, list[int]] = {}  # masked piece -> indexes into todo
    masks: dict[str, Protected] = {}
    for i, (_, prep) in enumerate(todo):
        for piece in prep.pieces:
            users.setdefault(piece.text, []).append(i)
            masks[piece.text] = piece
    remaining = [len({p.text for p in prep.pieces}) for _, prep in todo]
    texts = list(users)
    size = max(1, batch_size)
    batches = [texts[i:i + size] for i in range(0, len(texts), size)]
    outputs: dict[str, str] = {}
    bar = Progress(len(texts), f"{src}->{lang}", enabled=progress)

    def finish(batch: list[str], outs: list[str]) -> None:
        if len(outs) != len(batch):
            raise RuntimeError(f"translate_batch returned {len(outs)} results for "
                               f"{len(batch)} texts")
        counts.model_calls += 1
        if aligner is not None:
            outs = _reinsert(batch, outs, masks, aligner, src, lang, state)
        outputs.update(zip(batch, outs, strict=True))
        done: list[int] = []
        for text in batch:
            for i in dict.fromkeys(users[text]):
                remaining[i] -= 1
                if remaining[i] == 0:
                    done.append(i)
        rows = [_finish(todo[i][0], todo[i][1], outputs, state, src, lang, ctx,
                        getattr(translate_batch, "reasons", {}))
                for i in done]
        counts.strings_translated += len(rows)
        memory.store_many(rows)  # the journal: these strings are done
        bar.update(len(batch))

    results = _completed(translate_batch, batches, src, lang)
    seen: set[int] = set()
    try:
        for n, outs in results:
            seen.add(n)
            finish(batches[n], list(outs))
        if len(seen) != len(batches):
            raise RuntimeError(f"{len(batches) - len(seen)} batch(es) never came back")
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # stop outstanding work (e.g. cancel Dask futures) on an error
        bar.close()


def _reinsert(batch: list[str], outs: list[str], masks: dict[str, Protected],
              aligner: Callable, src: str, lang: str, state: _Target) -> list[str]:
    """Outputs with the mask tokens the model dropped put back by word alignment."""
    from ..masking import reinsert

    lost = [i for i, (text, out) in enumerate(zip(batch, outs, strict=True))
            if any(p.startswith("the model dropped") for p in token_problems(out, masks[text]))]
    if not lost:
        return outs
    links = aligner([batch[i] for i in lost], [outs[i] for i in lost], src, lang)
    outs = list(outs)
    for i, found in zip(lost, links, strict=True):
        fixed, restored = reinsert(outs[i], masks[batch[i]], found)
        if restored:
            outs[i] = fixed
            state.realigned.add(batch[i])
    return outs


def _completed(translate_batch: TranslateBatch | BatchTranslate, batches: list[list[str]],
               src: str, lang: str) -> Iterator[tuple[int, list[str]]]:
    """``(batch index, outputs)`` as each batch is done: in completion order from a
    parallel translator (``map_completed``), so every finished batch is journaled at once
    and a kill loses none; in order from ``map_batches`` or a plain function."""
    map_completed = getattr(translate_batch, "map_completed", None)
    if map_completed is not None:
        return map_completed(batches, src, lang)
    map_batches = getattr(translate_batch, "map_batches", None)
    if map_batches is not None:
        return _numbered(map_batches(batches, src, lang))
    return ((n, translate_batch(list(batch), src, lang))  # type: ignore[operator]
            for n, batch in enumerate(batches))


def _numbered(results: Iterable[list[str]]) -> Iterator[tuple[int, list[str]]]:
    try:
        yield from enumerate(results)
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()


def _finish(k: Key, prep: _Prepared, outputs: dict[str, str], state: _Target, src: str,
            lang: str, ctx: CheckContext, reviewed: dict | None = None) -> TMEntry:
    """Restore and check one string whose pieces are all translated; ``reviewed``: the
    review reasons of each piece's translation (:class:`_Reviewed`)."""
    restored, tokens = [], []
    for protected in prep.pieces:  # XML escaping happens in the XLIFF writer alone
        out = outputs[protected.text]
        tokens.extend(token_problems(out, protected))
        restored.append(restore(out, protected))
    target = prep.split.join(restored)
    res = verify(k[1], target, "mt", replace(ctx, formats=state.formats[k]), machine=True,
                 extra=tokens)
    reasons = [r for p in prep.pieces for r in (reviewed or {}).get((src, lang, p.text), ())]
    if any(p.text in state.realigned for p in prep.pieces):
        res = replace(res, problems=(*res.problems, Finding(
            "alignment", "placeholder restored by alignment", critical=False)), review=True)
        reasons.append("placeholder repaired (restored by alignment)")
    if reasons:
        res = replace(res, review=True, reasons=tuple(dict.fromkeys(reasons)))
    state.results[k] = res
    return TMEntry(src, lang, k[0], k[1], target, "mt", "; ".join(res.critical),
                   review="; ".join(res.reasons))
