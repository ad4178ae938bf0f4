"""What the HTTP layer asks of the library: translate texts, detect, translate files.

Everything here goes through one :class:`translate.Translator`'s model pool, a
:class:`~translate.request.TranslationRequest` per submission (its glossary is the
request's), on the model thread of a :class:`~.batcher.DynamicBatcher`; requests never
call a model themselves. Documents (HTML, Markdown, DOCX, ODT, SRT, WebVTT) go through
:func:`translate.documents.translate_document`, catalogs through
:func:`translate.localise.run_job`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import threading
import time
from collections.abc import Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from .. import detect
from ..documents import EXTENSIONS, translate_document
from ..errors import UserError
from ..languages import NAMES, SUPPORTED
from ..localise.formats import supported_extensions
from ..pipeline import ArticleTranslation, SegmentRecord, Translation
from ..protocol import Translates
from ..request import TranslationRequest
from ..segment import segment
from .batcher import DynamicBatcher, QueueTimeout, Ticket
from .errors import REQUEST_FIELDS, ServeError, client_message  # noqa: F401 - re-exported
from .jobs import plain
from .settings import ServeSettings

OFF = "off"
#: catalogs by extension: every format translate.localise reads
LOCALISE_EXTENSIONS = supported_extensions()
TEXT_EXTENSIONS = (".txt",)
#: document formats by extension (translate.documents), plain text aside
DOCUMENT_EXTENSIONS = {ext: fmt for ext, fmt in EXTENSIONS.items() if fmt != "text"}


@cache
def protected_pattern() -> re.Pattern[str]:
    text = resources.files(__package__).joinpath("data", "protected.txt").read_text("utf-8")
    rules = [line.strip() for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    return re.compile("|".join(f"(?:{r})" for r in rules))


@dataclass(frozen=True, eq=False)
class Pinned:
    """A request's glossary: its name and the glossary object it named when the request
    arrived, held for the whole request, so a glossary deleted or replaced over DeepL's
    API while the request waits changes nothing for it. Equal (one batch) when both
    name and object are the same."""

    name: str
    glossary: object = None

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Pinned) and other.name == self.name
                and other.glossary is self.glossary)

    def __hash__(self) -> int:
        return hash((self.name, id(self.glossary)))

    def __str__(self) -> str:
        return self.name


@dataclass
class TextResult:
    text: str
    detected: dict | None
    article: ArticleTranslation
    warnings: list[str] = field(default_factory=list)
    #: where each segment's output starts in ``text`` (term spans are segment-relative)
    output_starts: list[int] = field(default_factory=list)
    #: other whole-text translations (n-best), distinct, never ``text``
    alternatives: list[str] = field(default_factory=list)

    def review(self) -> dict:
        """The ``review`` field of a ``/translate`` answer (LibreTranslate clients ignore
        it): the lowest confidence of the text's translated sentences, whether any is
        flagged for review, and the reasons (:mod:`translate.review`)."""
        done = [s for s in self.article.segments if s.action == "translated"]
        known = [s.confidence for s in done if s.confidence is not None]
        reasons = list(dict.fromkeys(r for s in done for r in s.review))
        return {"confidence": min(known) if known else None, "needsReview": bool(reasons),
                "reasons": reasons}

    def report(self) -> dict:
        out = self.article.report()
        for seg, start in zip(out["segments"], self.output_starts, strict=True):
            seg["output_start"] = start
        out["warnings"] = self.warnings + self.article.warnings
        return out


class TranslationService:
    """One translator's model pool behind one batcher; each submission carries its own
    glossary (a request-scoped choice, :class:`~translate.request.TranslationRequest`)."""

    def __init__(self, translator: Translates, settings: ServeSettings) -> None:
        from ..glossary import default_glossary, load_glossary

        self.settings = settings
        self.base = translator
        self.glossaries: dict[str, object] = {}
        if settings.glossary:
            if settings.glossaries:
                for name, paths in settings.glossaries:
                    self.glossaries[name] = load_glossary(list(paths))
            else:
                self.glossaries["news"] = default_glossary()
        self.default_glossary = next(iter(self.glossaries), OFF)
        #: editors' corrections (``--suggestions``), looked up before any model runs
        self.suggestions = None
        if settings.suggestions_tm is not None:
            from .suggestions import SuggestionMemory

            self.suggestions = SuggestionMemory(settings.suggestions_tm)
        self.batcher = DynamicBatcher(
            self._run, enabled=settings.batching, gather_s=settings.gather_ms / 1000.0,
            batch_tokens=settings.batch_tokens, max_pending=settings.max_queue)

    # ------------------------------------------------------------------ model thread

    def glossary(self, name: str | Pinned) -> object:
        """The loaded glossary a request names (``None`` for ``off``)."""
        return self.pin(name).glossary

    def pin(self, name: str | Pinned) -> Pinned:
        """``name``'s glossary now, for the rest of the request (:class:`Pinned`); a 400
        when it is gone (deleted since the request's checks)."""
        if isinstance(name, Pinned):
            return name
        if name == OFF:
            return Pinned(OFF)
        found = self.glossaries.get(name)
        if found is None:
            raise ServeError(400, f"Invalid request: unknown glossary {name!r} (it was "
                                  "deleted)")
        return Pinned(name, found)

    def translator(self, glossary: str) -> Translates:
        """The base translator's models with a request's glossary (loads nothing)."""
        return self.base.using(glossary=self.glossary(glossary))

    def _run(self, key, texts: list[str]) -> list[Translation]:
        src, tgt, glossary, alternatives, align = key
        return self.base.run(texts, TranslationRequest(
            src, tgt, glossary=self.glossary(glossary), alternatives=alternatives,
            align=align, memory=self.suggestions))

    def load_all(self) -> None:
        """Load every direction's models now (``--load start``), on the model thread."""
        def load():
            for src in SUPPORTED:
                for tgt in SUPPORTED:
                    if src != tgt:
                        for step in self.base.route(src, tgt):
                            self.base.engine(step)
        self.batcher.call(load).result()

    def close(self) -> None:
        self.batcher.close()
        if self.suggestions is not None:
            self.suggestions.close()

    # ------------------------------------------------------------------ requests

    def glossary_name(self, value: object) -> Pinned:
        """The glossary a request names (the default one when none), pinned."""
        return self.pin(self._glossary_name(value))

    def _glossary_name(self, value: object) -> str:
        if value is None or value == "":
            return self.default_glossary
        name = str(value).strip()
        if name.lower() in (OFF, "none", "false", "0", "no"):
            return OFF
        if name not in self.glossaries:
            names = list(self.glossaries)  # API glossaries too: name a few
            known = ", ".join([*names[:8], OFF]) + (
                f" or another of GET /glossaries' {len(names)}" if len(names) > 8 else "")
            raise ServeError(400, f"Invalid request: unknown glossary {name!r} (use one of "
                                  f"{known})")
        return name

    def describe_glossaries(self) -> list[dict]:
        return [{"name": name, "default": name == self.default_glossary,
                 "concepts": len(g), "languages": list(g.languages),
                 **({"label": g.label} if getattr(g, "label", "") else {})}
                for name, g in list(self.glossaries.items())]

    def languages(self) -> list[dict]:
        return [{"code": c, "name": NAMES[c], "targets": [t for t in SUPPORTED if t != c]}
                for c in SUPPORTED]

    async def translate_texts(self, texts: Sequence[str], src: str, tgt: str, *,
                              glossary: str, timeout: float,
                              alternatives: int = 0) -> list[TextResult]:
        """Translate each text (its layout kept, sentence by sentence).

        ``alternatives=n``: up to ``n`` other translations per text, the ``k``-th one
        made of each sentence's ``k``-th alternative (its best where it has fewer)."""
        loop_deadline = asyncio.get_running_loop().time() + timeout
        glossary = self.pin(glossary)
        plans = []
        for text in texts:
            detected = detect.candidates(text)[0] if src == detect.AUTO else None
            lang = detect.source_language(src, text)
            segs = segment(text, lang)
            if src == tgt:  # as LibreTranslate: the text comes back as it is
                langs = [tgt] * len(segs)
            else:  # a segment without a letter (emoji, numbers) has nothing to translate
                langs = [seg_lang if any(c.isalpha() for c in seg.text) else tgt
                         for seg, seg_lang in zip(segs, detect.segment_languages(segs, lang,
                                                                                 tgt),
                                                  strict=True)]
            plans.append((text, lang, detected, segs, langs))
        if self.suggestions is not None:
            plans = await asyncio.get_running_loop().run_in_executor(
                None, self._corrected_whole, plans, tgt)
        # one submission per (language, target): every sentence of the request at once
        at = [(i, j) for i, plan in enumerate(plans) for j in range(len(plan[4]))]
        groups = {lang: [at[k] for k in idx] for lang, idx in detect.by_language(
            [lang for plan in plans for lang in plan[4]], skip=tgt).items()}
        results: dict[tuple[int, int], Translation] = {}
        await self._translate_groups(groups, plans, tgt, glossary, results, loop_deadline,
                                     alternatives)
        out = []
        for i, (text, lang, detected, segs, langs) in enumerate(plans):
            records, outputs = [], []
            for j, s in enumerate(segs):
                res = results.get((i, j))
                if res is None:
                    records.append(SegmentRecord(s.start, s.end, s.text, langs[j], "kept",
                                                 s.text))
                    outputs.append(s.text)
                else:
                    records.append(SegmentRecord(s.start, s.end, s.text, langs[j],
                                                 "translated", res.text, res.models,
                                                 res.warnings, res.terms,
                                                 from_memory=res.from_memory,
                                                 confidence=res.confidence,
                                                 review=res.review, human=res.human))
                    outputs.append(res.text)
            parts, pos, starts, length = [], 0, [], 0
            for s, o in zip(segs, outputs, strict=True):
                parts.append(text[pos:s.start])
                length += s.start - pos
                starts.append(length)
                parts.append(o)
                length += len(o)
                pos = s.end
            parts.append(text[pos:])
            joined = "".join(parts)
            alts = [results.get((i, j)) for j in range(len(segs))]
            out.append(TextResult(joined, detected,
                                  ArticleTranslation(joined, lang, tgt, tuple(records)),
                                  output_starts=starts,
                                  alternatives=_text_alternatives(text, segs, outputs, alts,
                                                                  joined)))
        return out

    def _corrected_whole(self, plans: list, tgt: str) -> list:
        """A text of several sentences with a correction of its own (a ``/suggest`` of
        the whole text) becomes one segment, which the memory answers."""
        from ..segment.core import Segment

        out = []
        for text, lang, detected, segs, langs in plans:
            body = text.strip()
            if len(segs) > 1 and lang != tgt and self.suggestions.has(lang, tgt, body):
                start = text.index(body)
                segs, langs = [Segment(body, start, start + len(body))], [lang]
            out.append((text, lang, detected, segs, langs))
        return out

    async def _translate_groups(self, groups, plans, tgt, glossary, results, deadline,
                                alternatives=0):
        loop = asyncio.get_running_loop()
        futures = []
        total = sum(len(idx) for idx in groups.values())
        if total > self.batcher.max_pending:  # could never start: refused, not queued
            raise ServeError(400, f"Invalid request: request ({total} sentences) exceeds "
                                  f"the queue size ({self.batcher.max_pending})")
        pattern = protected_pattern()
        retry: dict[str, list[tuple[tuple[int, int], str]]] = {}
        try:
            for seg_lang, idx in groups.items():
                texts = [plans[i][3][j].text for i, j in idx]
                fut = self.batcher.submit(batch_key(seg_lang, tgt, glossary, alternatives),
                                          texts)
                futures.append((seg_lang, idx, texts, fut))
            for seg_lang, idx, texts, fut in futures:
                done = await model_result(fut, deadline - loop.time(),
                                          self.settings.queue_timeout_s)
                for key, text, res in zip(idx, texts, done, strict=True):
                    spans = pattern.findall(text)
                    if spans and any(res.text.count(p) != text.count(p) for p in spans):
                        retry.setdefault(seg_lang, []).append((key, text))
                    if spans and res.alternatives:  # alternatives keep every placeholder
                        res = dataclasses.replace(res, alternatives=tuple(
                            a for a in res.alternatives
                            if all(a.count(p) == text.count(p) for p in spans)))
                    results[key] = res
        finally:
            for *_rest, fut in futures:
                fut.cancel()
        for seg_lang, items in retry.items():
            await self._translate_between_spans(seg_lang, tgt, glossary, items, results,
                                                deadline)

    async def _translate_between_spans(self, seg_lang, tgt, glossary, items, results,
                                       deadline):
        """Translate the pieces between protected spans; the spans stay where they are."""
        loop = asyncio.get_running_loop()
        pattern = protected_pattern()
        pieces: list[str] = []
        layouts = []
        for key, text in items:
            layout, pos = [], 0
            for m in pattern.finditer(text):
                layout.append(("text", text[pos:m.start()]))
                layout.append(("keep", m.group(0)))
                pos = m.end()
            layout.append(("text", text[pos:]))
            for kind, piece in layout:
                if kind == "text" and any(ch.isalpha() for ch in piece):
                    pieces.append(piece.strip())
            layouts.append((key, layout))
        fut = self.batcher.submit(batch_key(seg_lang, tgt, glossary), pieces)
        try:
            done = iter(await model_result(fut, deadline - loop.time()))
        finally:
            fut.cancel()
        for key, layout in layouts:
            out, warns, terms, models, confs, reasons = [], [], [], (), [], []
            for kind, piece in layout:
                if kind == "text" and any(ch.isalpha() for ch in piece):
                    res = next(done)
                    confs.append(res.confidence)
                    reasons.extend(res.review)
                    lead = piece[:len(piece) - len(piece.lstrip())]
                    trail = piece[len(piece.rstrip()):]
                    out.append(lead + res.text + trail)
                    warns.extend(res.warnings)
                    terms.extend(res.terms)
                    models = res.models
                else:
                    out.append(piece)
            old = results[key]
            warns.append("placeholders: translated between them (the model did not keep "
                         "them all)")
            known = [c for c in confs if c is not None]
            results[key] = Translation(old.source, "".join(out), old.src, old.tgt, models,
                                       tuple(dict.fromkeys(warns)), tuple(terms),
                                       confidence=min(known) if known else None,
                                       review=tuple(dict.fromkeys(
                                           [*reasons, "placeholder repaired"])))

    # ------------------------------------------------------------------ files

    def supported_file_formats(self) -> list[str]:
        exts = list(TEXT_EXTENSIONS) + list(LOCALISE_EXTENSIONS)
        exts += list(DOCUMENT_EXTENSIONS)
        return exts

    def remote_handler(self, glossary: str | Pinned, timeout: float):
        """What a file job's worker may ask of the server (:mod:`.jobs`): sentences
        translated through the batcher under the request's glossary, and a route."""
        deadline = time.monotonic() + timeout
        glossary = self.pin(glossary)

        def handle(name: str, args: tuple):
            if name == "translate_batch":
                texts, src, tgt, align = args
                ticket = self.batcher.submit(batch_key(src, tgt, glossary, 0, align), texts)
                try:
                    return ticket.result(max(0.001, deadline - time.monotonic()))
                except FutureTimeout:
                    raise ServeError(503, "Translating the file took longer than "
                                          f"{timeout:g} s; try again later or send a "
                                          "smaller file") from None
                except UserError as exc:
                    raise ServeError(500, "Cannot translate file: "
                                          f"{client_message(exc)}") from None
                finally:
                    ticket.cancel()
            if name == "route":
                src, tgt = args
                return [(step.src, step.tgt) for step in self.base.route(src, tgt)]
            raise ServeError(500, f"Cannot translate file: unknown call {name!r}")
        return handle

    def translate_file_job(self, kind: str, data: bytes, ext: str, src: str, tgt: str,
                           glossary: str, *, name: str = "<upload>",
                           cancelled: threading.Event | None = None) -> tuple[bytes, dict]:
        """A document (``kind="document"``) or catalog (``"catalog"``) translated in an
        isolated worker (:func:`.jobs.run_isolated`) under the settings' file limits;
        blocking (run it on a worker thread). Reusable by any endpoint that takes files."""
        from . import jobs

        settings = self.settings
        glossary = self.pin(glossary)
        if kind == "catalog":
            fn, args = jobs.catalog_job, (data, ext, src, tgt, self.glossary(glossary),
                                          settings.limits)
        else:
            fn, args = jobs.document_job, (data, DOCUMENT_EXTENSIONS[ext], src, tgt,
                                           settings.limits, name)
        return jobs.run_isolated(fn, args,
                                 serve=self.remote_handler(glossary, settings.file_timeout_s),
                                 memory_mb=settings.file_memory_mb,
                                 timeout_s=settings.file_timeout_s, cancelled=cancelled)

    def translate_document(self, data: bytes, fmt: str, src: str, tgt: str,
                           glossary: str) -> tuple[bytes, dict]:
        """A small document (an HTML ``q`` within the char limit) on the calling worker
        thread, its sentences through the batcher (fair turns, as every request); its
        bytes and its JSON-safe report."""
        from .jobs import RemoteTranslator

        handle = self.remote_handler(glossary, self.settings.timeout_s)
        result = translate_document(data, fmt, src, tgt,
                                    RemoteTranslator(lambda name, *args: handle(name, args)))
        report = json.loads(json.dumps(result.report(), default=plain, ensure_ascii=False))
        return result.data, report


async def model_result(ticket: Ticket, timeout: float, queue_timeout: float | None = None):
    """The batcher's answer to ``ticket`` within ``timeout`` s; :class:`QueueTimeout` when
    it has not started within ``queue_timeout`` s of its arrival. A library error there
    (a model that cannot be loaded, a broken checkpoint) is the server's problem, not the
    request's: 500, one line. Cancelled (the client went away, time ran out): its
    sentences not decoded yet leave the queue."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    fut = asyncio.wrap_future(ticket)
    try:
        left = (ticket.arrived + queue_timeout - time.monotonic()
                if queue_timeout is not None else timeout)
        if left < timeout and not ticket.started.is_set():
            started = loop.create_future()

            def on_start():
                if not started.done():
                    started.set_result(None)
            ticket.on_start(lambda: loop.call_soon_threadsafe(on_start))
            try:
                await asyncio.wait_for(started, max(0.001, left))
            except TimeoutError:
                if not ticket.started.is_set():
                    raise QueueTimeout() from None
        return await asyncio.wait_for(fut, max(0.001, deadline - loop.time()))
    except UserError as exc:
        raise ServeError(500, f"Cannot translate text: {client_message(exc)}") from None
    finally:
        ticket.cancel()


def batch_key(src: str, tgt: str, glossary: str, alternatives: int = 0,
              align: bool = False) -> tuple:
    """The batcher key of a submission: requests asking for a different number of
    alternatives, or for word alignment (documents), are decoded apart (the key says
    what the batch decodes)."""
    return (src, tgt, glossary, alternatives, align)


def _text_alternatives(text: str, segs, outputs: Sequence[str],
                       translations: Sequence[Translation | None], best: str) -> list[str]:
    """Whole-text alternatives: the text's layout with each translated sentence's
    ``k``-th alternative in its place (its best output where it has fewer)."""
    most = max((len(t.alternatives) for t in translations if t is not None), default=0)
    found: list[str] = []
    for k in range(most):
        parts, pos = [], 0
        for s, best_out, t in zip(segs, outputs, translations, strict=True):
            parts.append(text[pos:s.start])
            parts.append(t.alternatives[k] if t is not None and k < len(t.alternatives)
                         else best_out)
            pos = s.end
        parts.append(text[pos:])
        joined = "".join(parts)
        if joined != best and joined not in found:
            found.append(joined)
    return found


def check_text_size(texts: Sequence[str], limit: int) -> None:
    if limit < 0:
        return
    for text in texts:
        if len(text) > limit:
            raise ServeError(400, f"Invalid request: request ({len(text)}) exceeds text "
                                  f"limit ({limit})")
