"""Article files: read them, translate them into one or more languages, write the results.

    result = translate_files(["story.en.txt", "news/"], "en", ["az", "it"], "out", translator)

The translation itself is :meth:`Translator.translate_article` for plain text and
:func:`translate.documents.translate_document` for the document formats (HTML, Markdown,
DOCX, ODT, SRT, WebVTT; chosen by extension or ``fmt``); this module only reads inputs,
names and writes outputs (by the confinement rule of :mod:`translate.paths`) and gathers
the report. A directory stands for its article
files of every known format (recursively, hidden ones skipped), written to
``OUT/<subdir>/`` with their own extension. The
``translator`` may be a :class:`~translate.Translator` (in this process) or anything with
``map_articles(items)`` such as :class:`translate.scale.ExecutorTranslate` (a process pool
or a Dask cluster); this process still reads every input and writes every output.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from .errors import UserError, param
from .languages import normalise_lang
from .limits import DEFAULT_LIMITS, Limits, limits_of
from .memory import TranslationMemory, memory_argument
from .paths import (
    Destination,
    OutputRoot,
    Problems,
    article_name,
    check_writable,
    refuse_input,
    walk_sources,
)
from .pipeline import ArticleTranslation
from .protocol import MapsArticles, Translates
from .textio import BOM, atomic_write, read_text

#: The largest article read by default (``max_size_mb``, the limit ``input_mb``): a bigger
#: file is almost always a mistake (a dump, a binary), and would take hours; split it or
#: raise the limit.
MAX_ARTICLE_BYTES = DEFAULT_LIMITS.input_mb * 1024 * 1024


def read_input(name: str) -> tuple[str, str]:
    """Read FILE or ``-`` (stdin) exactly; returns (text, display name)."""
    if name == "-":
        return read_text(sys.stdin.buffer.read(), "<stdin>"), "<stdin>"
    return read_text(name), name


def _check_size(name: str, text: str, limit_mb: float) -> None:
    size = len(text.encode("utf-8"))
    if size > limit_mb * 1024 * 1024:
        raise UserError(f"{name}: {size / 1024 / 1024:.1f} MB is over the {limit_mb:g} MB "
                        f"limit for one article; split it, or raise {param('max_size_mb')}")
    if not text.strip(BOM + " \t\r\n"):
        raise UserError(f"{name}: is empty; nothing to translate")


@dataclass(frozen=True, slots=True)
class ArticleOutcome:
    """One translated article as plain data (what a worker sends back)."""

    text: str
    report: dict
    missing_terms: int = 0
    learned: tuple = ()  # sentences a worker decoded, for the parent's memory


def translate_one(translator: Translates, text: str, src: str, tgt: str, *,
                  memory: object = None) -> ArticleOutcome:
    """Translate one article (no BOM) and summarise it for the report; ``memory`` as
    :meth:`~translate.Translator.translate_article`."""
    if tgt == src:  # nothing to do: copy, byte for byte
        return ArticleOutcome(text, ArticleTranslation(text, src, tgt).report())
    if memory is None:
        result = translator.translate_article(text, src, tgt)
    else:
        result = translator.translate_article(text, src, tgt, memory=memory)
    missing = sum(1 for s in result.segments for t in s.terms
                  if getattr(t, "status", None) == "missing")
    return ArticleOutcome(result.text, result.report(), missing,
                          tuple(getattr(memory, "learned", ())))


def expand_inputs(names: Sequence[str | os.PathLike[str]], problems: Problems | None = None
                  ) -> list[tuple[str, PurePath | None]]:
    """Files as given; a directory becomes its article files (every extension
    :mod:`translate.documents` knows) in sorted order, each with its directory relative to
    the one given (where its outputs go under ``out_dir``), by
    :func:`translate.paths.walk_sources`: hidden entries skipped, symlinked folders not
    entered, a file resolving outside the directory refused. With ``problems`` a refused
    file (or a directory without articles) is recorded there and the others kept."""
    from .documents import EXTENSIONS

    out: list[tuple[str, PurePath | None]] = []
    for item in names:
        name = str(item)
        path = Path(name)
        if name == "-" or not path.is_dir():
            out.append((name, None))
            continue
        before = len(problems) if problems is not None else 0
        found = walk_sources([path], accept=lambda f: Path(f).suffix.lower() in EXTENSIONS,
                             problems=problems)
        if not found and (problems is None or len(problems) == before):
            known = ", ".join(sorted(EXTENSIONS))
            exc = UserError(f"{name}: no article files in this directory (looked for "
                            f"{known})")
            if problems is None:
                raise exc
            problems.add_error(exc, name)
        out.extend((str(f.path), f.rel.parent) for f in found)
    return out


@dataclass(frozen=True, slots=True)
class ArticleOutput:
    """One (article, target) translated: its text (BOM as the input had it; empty for a
    DOCX/ODT package) and where it was written (``None`` without ``out_dir``); ``notes``
    say something about the document itself (HTML repaired, a cue left empty)."""

    file: str
    tgt: str
    text: str
    path: Path | None
    report: dict
    missing_terms: int = 0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FilesResult:
    """What :func:`translate_files` did."""

    src: str
    targets: tuple[str, ...]
    outputs: tuple[ArticleOutput, ...] = field(default=())

    @property
    def missing_terms(self) -> int:
        return sum(o.missing_terms for o in self.outputs)

    @property
    def untranslated_terms(self) -> int:
        """Glossary terms whose source spelling is still in the output (beside the
        required form or instead of it): what ``--strict`` fails on with the missing
        ones."""
        return sum(1 for o in self.outputs for s in o.report.get("segments", ())
                   for t in s.get("terms", ()) if t.get("source_kept"))

    @property
    def needs_review(self) -> int:
        """Segments flagged for review (:mod:`translate.review`)."""
        return sum(1 for o in self.outputs for s in o.report.get("segments", ())
                   if s.get("review"))

    @property
    def from_memory(self) -> int:
        """Segments reused from the translation memory (``memory=``), not decoded."""
        return sum(1 for o in self.outputs for s in o.report.get("segments", ())
                   if s.get("from_memory"))

    @property
    def translated(self) -> int:
        """Segments the model translated."""
        return sum(1 for o in self.outputs for s in o.report.get("segments", ())
                   if s.get("action") == "translated" and not s.get("from_memory"))

    def report(self) -> dict:
        """The ``--report`` JSON: per file, per target, the segments."""
        files: dict[str, dict] = {}
        for o in self.outputs:
            entry = files.setdefault(o.file, {"file": o.file, "targets": {}})
            target = {"output": str(o.path)} if o.path is not None else {}
            entry["targets"][o.tgt] = {**target, **o.report}
        return {"files": list(files.values())}


@dataclass(frozen=True)
class FilesPlan:
    """What :func:`plan_files` found: the good inputs read, where each output goes (every
    destination checked), and the problems of the bad inputs, reported by
    :func:`run_files` once the good ones are done."""

    src: str
    targets: tuple[str, ...]
    inputs: tuple[tuple[str, str | bytes, str], ...]  # (name, contents, display name)
    formats: tuple[str, ...]
    dests: dict[tuple[int, str], Path]  # (input index, target) -> output, with out_dir
    report: Path | None
    problems: Problems
    total: int  # inputs found, good and bad
    root: OutputRoot | None = None  # out_dir's rule, applied again as each file is written
    tm: Path | TranslationMemory | None = None  # opened by run_files
    limits: Limits | None = None  # what one input may hold


def translate_files(paths: Sequence[str | os.PathLike[str]], src: str, tgts: Sequence[str],
                    out_dir: str | os.PathLike[str] | None,
                    translator: Translates | MapsArticles, *,
                    report: str | os.PathLike[str] | None = None,
                    max_size_mb: float | None = None, fmt: str | None = None,
                    memory: str | os.PathLike[str] | TranslationMemory | None = None,
                    fail_fast: bool = False,
                    on_output: Callable[[ArticleOutput], None] | None = None,
                    tm: str | os.PathLike[str] | TranslationMemory | None = None,
                    limits: Limits | None = None) -> FilesResult:
    """Translate article files (or directories of them; ``-`` is stdin) from ``src`` (or
    ``"auto"``) into each of ``tgts``: :func:`plan_files`, then :func:`run_files`.

    Each file's format is ``fmt`` when given, else its extension (``.txt``, ``.html``,
    ``.md``, ``.docx``, ``.odt``, ``.srt``, ``.vtt``; anything else is plain text). With
    ``out_dir`` each output is written atomically to ``OUT/<subdir>/<stem>.<lang><ext>``
    as soon as it is done; without it only one file and one target are allowed and the
    text is in the result (``on_output`` sees each output as it is done, e.g. to print
    it; DOCX and ODT need ``out_dir``). ``report`` also writes the JSON report
    (:meth:`FilesResult.report`) to this file.

    Every input is read and checked first. A bad one (unreadable, not UTF-8, empty, too
    large, a symlink out of its directory) does not stop the others: they are translated
    and written, then :class:`~translate.paths.BatchError` (a ``UserError``) names every
    bad input, one ``FILE:LINE: problem`` line each; its ``result`` is this
    :class:`FilesResult` of the good ones. ``fail_fast`` raises the first
    problem instead, before anything is written.

    ``memory`` (``tm=``, its older name, works too; a path or an open
    :class:`~translate.memory.TranslationMemory`): every sentence
    of an article (of any format) is looked up there first and only the others are
    decoded, then stored (:mod:`translate.article_memory`); with an executor the lookups
    and the writes happen here, in this process.

    ``limits`` (:class:`~translate.limits.Limits`; default: the translator's
    configuration's, ``translator.config.limits``): what one input may hold, checked while
    reading; a file past one is that file's one-line problem.
    """
    plan = plan_files(paths, src, tgts, out_dir, report=report, max_size_mb=max_size_mb,
                      fmt=fmt, memory=memory_argument(memory, tm), fail_fast=fail_fast,
                      limits=limits if limits is not None else limits_of(translator))
    return run_files(plan, translator, on_output=on_output)


def plan_files(paths: Sequence[str | os.PathLike[str]], src: str, tgts: Sequence[str],
               out_dir: str | os.PathLike[str] | None, *,
               report: str | os.PathLike[str] | None = None,
               max_size_mb: float | None = None, fmt: str | None = None,
               memory: str | os.PathLike[str] | TranslationMemory | None = None,
               fail_fast: bool = False,
               tm: str | os.PathLike[str] | TranslationMemory | None = None,
               limits: Limits | None = None) -> FilesPlan:
    """Everything :func:`translate_files` does before a model is needed: read and check
    every input, name every output by the confinement rule of :mod:`translate.paths`
    (inside ``out_dir``, through no symlink, never an input), and try every destination
    for writability. Raises (a ``UserError``) when nothing good is left to translate.
    ``memory`` and ``limits``: as :func:`translate_files` (``tm=`` works too)."""
    tm = memory_argument(memory, tm)
    src = normalise_lang(src, allow_auto=True)
    targets = [normalise_lang(t) for t in tgts]
    if not targets:
        raise UserError(f"no target language given: use {param('tgts', 'LANG[,LANG...]')}, "
                        f"e.g. {param('tgts', 'az,it')}")
    if max_size_mb is not None and max_size_mb <= 0:
        raise UserError(f"{param('max_size_mb', format(max_size_mb, 'g'))}: must be more "
                        "than 0 (MB); leave it out for the default "
                        f"{MAX_ARTICLE_BYTES // 1024 // 1024} MB")
    problems = Problems(fail_fast=fail_fast)
    expanded = expand_inputs(list(paths) or ["-"], problems)
    total = len(expanded) + len(problems)  # and the files refused while walking
    out = Path(out_dir) if out_dir is not None else None
    if out is None and (len(targets) > 1 or len(expanded) > 1):
        raise UserError(f"several targets or files need {param('out_dir', 'DIR')} (one "
                        "file per target); with one file and one target the translation "
                        "goes to stdout")
    if out is not None and out.exists() and not out.is_dir():
        raise UserError(f"{param('out_dir', out)}: exists and is not a directory")
    limits = limits if limits is not None else DEFAULT_LIMITS
    if max_size_mb is not None:  # --max-size: the input_mb limit, of this command
        limits = dataclasses.replace(limits, input_mb=max(1, math.ceil(max_size_mb)))
    limit = max_size_mb or limits.input_mb
    kept: list[tuple[str, PurePath | None]] = []
    inputs, formats = [], []
    for name, rel in expanded:
        f = _format_of(name, fmt)
        read = problems.check("<stdin>" if name == "-" else name, _read, name, f, limit,
                              limits)
        if read is not None:
            kept.append((name, rel))
            inputs.append(read)
            formats.append(f)
    if not inputs:  # nothing good to translate: say so before any model loads
        problems.finish(total=total)
    if out is None and formats[0] in _binary():
        raise UserError(f"{inputs[0][2]}: a {formats[0].upper()} translation is a file, "
                        f"not text for the terminal: give {param('out_dir', 'DIR')}")
    named = [name for name, _ in expanded if name != "-"]
    root = OutputRoot.of(out, inputs=named) if out is not None else None
    dests = _destinations(root, kept, formats, targets) if root is not None else {}
    report_path = Path(report) if report is not None else None
    if report_path is not None:
        if root is not None:
            root.named(report_path, "report")
        else:
            refuse_input(report_path, inputs=named)
        if any(os.path.abspath(report_path) == os.path.abspath(d) for d in dests.values()):
            raise UserError(f"{param('report', report_path)}: is also a translation's output; "
                            "give the report another name")
    tm_path: Path | TranslationMemory | None = tm if isinstance(tm, TranslationMemory) else None
    if tm is not None and tm_path is None:
        from .article_memory import memory_path

        tm_path = memory_path(tm, out_dir=out, inputs=named, outputs=dests.values(),
                              report=report)
    check_writable([Destination(d) for d in dests.values()]
                   + ([Destination(tm_path)] if isinstance(tm_path, Path) else [])
                   + ([Destination(report_path, create_parents=False, option="report",
                                   roots=(out,) if out is not None else ())]
                      if report_path is not None else []))
    return FilesPlan(src, tuple(targets), tuple(inputs), tuple(formats), dests, report_path,
                     problems, total, root, tm_path, limits)


def _destinations(root: OutputRoot, kept: list[tuple[str, PurePath | None]],
                  formats: list[str], targets: list[str]) -> dict[tuple[int, str], Path]:
    """Where each (input, target) is written under ``root`` (``OUT/<subdir>/<stem>.<lang>
    <ext>``); two inputs that would write one file are refused."""
    dests: dict[tuple[int, str], Path] = {}
    seen: dict[Path, str] = {}
    for i, (name, rel) in enumerate(kept):
        ext = _extension(name, formats[i])
        for tgt in targets:
            dest = root.dest((rel or PurePath()) / article_name(name, tgt, ext))
            if dest in seen:
                raise UserError(f"{seen[dest]} and {name} would both be written to "
                                f"{dest}; rename one or translate them separately")
            seen[dest] = name
            dests[(i, tgt)] = dest
    return dests


def run_files(plan: FilesPlan, translator: Translates | MapsArticles, *,
              on_output: Callable[[ArticleOutput], None] | None = None) -> FilesResult:
    """Translate and write what :func:`plan_files` planned, write the report, then report
    the bad inputs (:meth:`Problems.finish <translate.paths.Problems.finish>`)."""
    src, targets, inputs, formats, dests = (plan.src, plan.targets, plan.inputs,
                                            plan.formats, plan.dests)
    work = [(i, tgt) for i in range(len(inputs)) for tgt in targets]
    results: list[ArticleOutput | None] = [None] * len(work)

    def done(n: int, out_text: str, data: bytes | str, report_: dict, missing: int,
             notes: tuple[str, ...] = ()) -> None:
        i, tgt = work[n]
        dest = dests.get((i, tgt))
        if dest is not None:
            if plan.root is not None:  # a link made while the model ran is not followed
                plan.root.dest(dest.relative_to(plan.root.root))
            atomic_write(dest, data)
        output = ArticleOutput(inputs[i][2], tgt, out_text, dest, report_, missing, notes)
        results[n] = output
        if on_output is not None:
            on_output(output)

    plain = [n for n, (i, _) in enumerate(work) if formats[i] == "text"]
    items = [(inputs[work[n][0]][1].removeprefix(BOM), src, work[n][1]) for n in plain]
    opened = None if plan.tm is None else (plan.tm, False) \
        if isinstance(plan.tm, TranslationMemory) else (TranslationMemory(plan.tm), True)
    try:
        kept_open = None if opened is None else (opened[0], False)
        for k, outcome in _outcomes(translator, items, kept_open):
            n = plain[k]
            text = inputs[work[n][0]][1]
            bom = BOM if text.startswith(BOM) else ""
            out_text = bom + outcome.text
            done(n, out_text, out_text, _shift(outcome.report, len(bom)),
                 outcome.missing_terms)
        for n, (i, tgt) in enumerate(work):
            if formats[i] != "text" and not plan.problems.bad(inputs[i][2]):
                # what only translating finds (a damaged part of a package) is this file's
                # problem: reported at the end, the other files still done
                translated = plan.problems.check(
                    inputs[i][2], _translate_document, translator, inputs[i], formats[i],
                    src, tgt, None if opened is None else opened[0], plan.limits)
                if translated is not None:
                    done(n, *translated)
    finally:
        if opened is not None and opened[1]:
            opened[0].close()
    result = FilesResult(src, tuple(targets), tuple(r for r in results if r is not None))
    if plan.report is not None:
        atomic_write(plan.report,
                     json.dumps(result.report(), ensure_ascii=False, indent=2) + "\n")
    plan.problems.finish(total=plan.total, result=result)
    return result


def segment_warnings(file: str, tgt: str, report: dict) -> list[str]:
    """One line per problem of a segment in a file's ``report`` (a model's output cut or
    incomplete, a URL the model dropped...): the file, the target, where the segment is
    and its source, so nothing is left wrong silently (issue #23). The note that a
    sentence was re-decoded for the glossary is not a problem."""
    from .article_memory import problem_warnings

    lines = []
    for k, seg in enumerate(report.get("segments", ())):
        where = seg.get("where") or f"segment {k + 1}"
        source = seg.get("source", "")
        shown = source if len(source) <= 60 else source[:57] + "..."
        lines += [f"{file}: {where} ({tgt}): {w}: {shown!r}"
                  for w in problem_warnings(seg.get("warnings", ()))]
    return lines


def _binary() -> set[str]:
    from .documents import BINARY

    return BINARY


def _format_of(name: str, fmt: str | None) -> str:
    """The format of one input: ``fmt`` when given (``--format``), else by extension."""
    from .documents import FORMATS, detect_format

    if fmt is not None:
        if fmt not in FORMATS:
            raise UserError(f"unknown format {fmt!r}: use one of {', '.join(sorted(FORMATS))}")
        return fmt
    try:
        return detect_format(name)
    except UserError:  # a file named on purpose, of no known extension: plain text
        return "text"


def _extension(name: str, fmt: str) -> str:
    """The extension of an output: the input's own (``.htm`` stays ``.htm``), ``.txt``
    for text, the format's first for stdin."""
    from .documents import EXTENSIONS

    suffix = Path(name).suffix.lower() if name != "-" else ""
    if fmt == "text":
        return ".txt"
    if EXTENSIONS.get(suffix) == fmt:
        return Path(name).suffix
    return next(ext for ext, f in EXTENSIONS.items() if f == fmt)


def _read(name: str, fmt: str, limit_mb: float,
          limits: Limits | None = None) -> tuple[str, str | bytes, str]:
    """(name, contents, display name): text for text formats (exact, BOM kept), bytes for
    the zip formats; too large or empty is a one-line error."""
    from .documents import check_document

    if fmt not in _binary():
        text, shown = read_input(name)
        _check_size(shown, text, limit_mb)
        check_document(text, fmt, shown, limits)
        return name, text, shown
    from .textio import read_bytes

    data = sys.stdin.buffer.read() if name == "-" else read_bytes(name)
    shown = "<stdin>" if name == "-" else name
    if len(data) > limit_mb * 1024 * 1024:
        raise UserError(f"{shown}: {len(data) / 1024 / 1024:.1f} MB is over the {limit_mb:g} "
                        f"MB limit for one article; raise {param('max_size_mb')}")
    if not data:
        raise UserError(f"{shown}: is empty; nothing to translate")
    check_document(data, fmt, shown, limits)
    return name, data, shown


def _translate_document(translator: Translates | MapsArticles,
                        item: tuple[str, str | bytes, str], fmt: str, src: str, tgt: str,
                        memory: TranslationMemory | None = None,
                        limits: Limits | None = None) -> tuple:
    """One document translated here (documents need the word alignment of a local
    translator: worker processes and Dask take plain-text articles)."""
    from .documents import translate_document

    _, contents, shown = item
    if isinstance(translator, MapsArticles):
        raise UserError(f"{shown}: an executor ({param('workers')}/{param('executor')}) "
                        f"translates plain-text articles only; translate {fmt} files "
                        "without one")
    data = contents.encode("utf-8") if isinstance(contents, str) else contents
    result = translate_document(data, fmt, src, tgt, translator, name=shown, memory=memory,
                                limits=limits)
    text = "" if fmt in _binary() else result.data.decode("utf-8")
    return text, result.data, result.report(), result.missing_terms, tuple(result.notes)


def _shift(report: dict, offset: int) -> dict:
    """Report offsets moved by ``offset``: the article was translated without its BOM,
    and the report indexes the file's text as it holds it (BOM included)."""
    if not offset:
        return report
    segments = []
    for seg in report.get("segments", ()):
        terms = [{**t, "source_span": [t["source_span"][0] + offset,
                                       t["source_span"][1] + offset]}
                 for t in seg.get("terms", ())]
        segments.append({**seg, "start": seg["start"] + offset, "end": seg["end"] + offset,
                         "terms": terms})
    return {**report, "segments": segments}


def _outcomes(translator: Translates | MapsArticles, items: list[tuple[str, str, str]],
              opened: tuple[TranslationMemory, bool] | None = None
              ) -> Iterator[tuple[int, ArticleOutcome]]:
    """(index, outcome) per item, as each is done: on the translator's executor when it
    has one (``map_articles``), else here, in order. With a memory (``opened``: it and
    whether to close it when done) it is read and written here: an executor's workers get
    the hits of their article with it and send back what they decoded."""
    if opened is None:
        yield from _outcomes_with(translator, items, None)
        return
    try:
        yield from _outcomes_with(translator, items, opened[0])
    finally:
        if opened[1]:
            opened[0].close()


def _outcomes_with(translator: Translates | MapsArticles, items: list[tuple[str, str, str]],
                   tm: TranslationMemory | None) -> Iterator[tuple[int, ArticleOutcome]]:
    from . import article_memory

    memory = article_memory.StoredMemory(tm) if tm is not None else None
    if isinstance(translator, MapsArticles):
        if memory is None:
            results: Iterable[tuple[int, ArticleOutcome]] = translator.map_articles(items)
        else:
            hits = [article_memory.prefetch(memory, translator, text, src, tgt)
                    if src != tgt else () for text, src, tgt in items]
            results = translator.map_articles(items, memory=hits)
        try:
            for n, outcome in results:
                if memory is not None and outcome.learned:
                    article_memory.store_learned(memory, translator, outcome.learned)
                yield n, outcome
        finally:
            close = getattr(results, "close", None)
            if close is not None:
                close()
        return
    for n, (text, src, tgt) in enumerate(items):
        yield n, translate_one(translator, text, src, tgt, memory=tm)

