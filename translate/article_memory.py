"""Articles reuse a translation memory: every sentence is looked up before the model runs.

    translate article story.en.txt --from en --to it --tm news.sqlite

A stored sentence is reused only under the same **route key**: the checkpoints of the
route (their resolved directory and a fingerprint of their files), the direction, every
decoding option that changes an output (backend, beam size, device, compute type, ...),
the glossary (a hash of its content, enforcement on or off) and the toolkit version. The
key is the memory's ``context`` column (``article:<hash>``), so a changed setting never
returns a stale translation and never collides with a catalog's ``msgctxt``.

The policy is the localisation jobs' (:mod:`translate.localise.memory_policy`): what the
model produced is journaled as soon as it is done, and an entry journaled with a problem
(a model warning, a glossary term missing from the output) is never reused as a
translation: that sentence is decoded again, and its warnings are reported afresh. A
reused sentence has its glossary terms verified again on the stored text (a term that is
no longer found makes it a miss), and the report marks it ``"from_memory": true``.

**Human entries** (an editor's corrections: an edited XLIFF target imported with
``translate article --import-xliff``, a pair imported from TMX) are stored without a
route key and answer under any model settings, before the route key is looked up; they
are reused as they are (a glossary term they miss is reported, never a reason to decode
again), and machine output never overwrites them. A reused entry carries its origin and
its stored confidence (``Translation.human``, ``Translation.confidence``: 1 for a
human's).

Two memories implement one protocol, :class:`SentenceMemory`: :class:`StoredMemory` reads
and writes the SQLite file (in this process); :class:`RecalledMemory` is plain data, the
hits the parent process looked up before it sent an article to a worker (``--workers N``,
Dask), which records what the worker translated for the parent to store. Workers never
open the SQLite file.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .errors import UserError, param
from .memory import TMEntry, TranslationMemory
from .protocol import Models

#: bumped when the key or what is stored under it changes meaning
KEY_VERSION = "1"
CONTEXT_PREFIX = "article:"

#: options that never change an output (threads, batching) or are described better by
#: what they resolve to (models -> checkpoints, glossary -> its content)
_NEUTRAL = {"threads", "max_batch_tokens", "allow_pickle", "models", "models_dir",
            "glossary", "backend", "device", "review_below", "limits"}
#: the files of a checkpoint whose content decides its outputs (weights by size and mtime:
#: hashing hundreds of MB on every start would cost more than the memory saves)
_HASHED = ("config.json", "generation_config.json", "vocab.json", "source.spm", "target.spm",
           "tokenizer_config.json")
_WEIGHTS = ("model.safetensors", "pytorch_model.bin")


@dataclass(frozen=True, slots=True)
class RouteKey:
    """What a stored translation of ``src`` -> ``tgt`` is valid for: ``context`` (the
    memory's context column) and the model names the report shows for it."""

    src: str
    tgt: str
    context: str
    models: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Learned:
    """A sentence the model translated: stored under the route key of (src, tgt); ``qa``
    is its problem (empty when it is clean and may be reused); ``confidence`` the
    model's (:mod:`translate.review`)."""

    src: str
    tgt: str
    source: str
    target: str
    qa: str = ""
    confidence: float | None = None
    review: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    """A stored translation that answers a sentence: its text, whether a person made it,
    the confidence stored with it (``None``: not known) and the review reasons it had."""

    target: str
    human: bool = False
    confidence: float | None = None
    review: tuple[str, ...] = ()


def as_hit(value: Hit | str | tuple) -> Hit:
    """A :class:`Hit` from itself, a bare target, or ``(target, human, confidence,
    review)``."""
    if isinstance(value, Hit):
        return value
    if isinstance(value, str):
        return Hit(value)
    target, *rest = value
    return Hit(target, *rest[:2], tuple(rest[2]) if len(rest) > 2 else ())


def split_review(text: str) -> tuple[str, ...]:
    """The review reasons a memory entry stored (``"; "``-joined)."""
    return tuple(r for r in text.split("; ") if r) if text else ()


class SentenceMemory(Protocol):
    def recall(self, key: RouteKey, sources: Sequence[str]) -> dict[str, Hit]:
        """Reusable stored translations for some of ``sources`` (normalised sentences):
        human entries first, then the route key's."""

    def remember(self, key: RouteKey, learned: Sequence[Learned]) -> None:
        """Journal what the model translated under ``key``."""


# ----------------------------------------------------------------------------- the key


def _fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    for name in _HASHED:
        try:
            digest.update(name.encode() + b"\0" + (path / name).read_bytes() + b"\0")
        except OSError:
            digest.update(name.encode() + b"\0-\0")
    for name in _WEIGHTS:
        try:
            st = (path / name).stat()
        except OSError:
            continue
        digest.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:32]


def _target_token(spec: Any, tgt: str, path: Path | None) -> str | None:
    """The ``>>code<<`` the engine will use (as :func:`~translate.models.loading.
    choose_target_token` picks it from the vocabulary), without loading the tokenizer."""
    if spec.target_token or path is None:
        return spec.target_token
    from .models.loading import choose_target_token

    try:
        vocab = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # loading the model will say what is wrong
    codes = [k for k in vocab if k.startswith(">>") and k.endswith("<<")]
    return choose_target_token(spec, tgt, codes, path)


def glossary_hash(glossary: Any) -> str:
    """A hash of what a glossary says (every term's language and spellings, in order)."""
    if glossary is None:
        return "none"
    digest = hashlib.sha256()
    for concept in glossary.concepts:
        for term in concept.terms:
            digest.update(json.dumps([term.lang, list(term.forms)],
                                     ensure_ascii=False).encode() + b"\0")
        digest.update(b"\1")
    return digest.hexdigest()[:32]


def route_key(pool: Models, src: str, tgt: str, glossary: object) -> RouteKey:
    """The route key of ``src`` -> ``tgt`` on a :class:`~translate.pool.ModelPool` with
    ``glossary`` in force (``None``: none), computed without loading a model."""
    from . import __version__
    from .models.loading import resolve_checkpoint

    config = pool.config
    steps = []
    names = []
    for step in pool.route(src, tgt):
        try:
            path: Path | None = None if step.spec.pseudo else resolve_checkpoint(
                step.spec.ref, allow_pickle=config.allow_pickle).resolve()
        except UserError:
            path = None  # not here: decoding will fail with the real reason
        token = None if step.spec.pseudo else _target_token(step.spec, step.tgt, path)
        names.append(step.spec.ref + (f" {token}" if token else ""))
        steps.append({"src": step.src, "tgt": step.tgt,
                      "checkpoint": str(path) if path else step.spec.ref,
                      "fingerprint": _fingerprint(path) if path else "", "token": token})
    options = {k: v for k, v in config.as_dict().items() if k not in _NEUTRAL}
    if not options.get("pseudo_expansion"):  # keys made before it existed stay the same
        options.pop("pseudo_expansion", None)
    backend = pool.backend
    device = pool.device
    if backend == "ctranslate2" and not options.get("compute_type"):
        from .models.backends.ctranslate2_backend import default_compute_type

        options["compute_type"] = default_compute_type(device)
    options.update(backend=backend, device=device, beam_size=pool.options.beam_size,
                   glossary=glossary_hash(glossary))
    payload = json.dumps({"version": KEY_VERSION, "toolkit": __version__, "src": src,
                          "tgt": tgt, "route": steps, "options": options},
                         sort_keys=True, default=repr, ensure_ascii=False)
    context = CONTEXT_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:40]
    return RouteKey(src, tgt, context, tuple(names))


# ----------------------------------------------------------------------------- memories


def _sqlite_error(path: Path, exc: sqlite3.Error) -> UserError:
    return UserError(f"{path}: cannot write the translation memory ({exc}); "
                     f"check the disk and its permissions, or give another {param('tm')}")


class StoredMemory:
    """The SQLite translation memory, read and written in this process."""

    def __init__(self, tm: TranslationMemory) -> None:
        self.tm = tm

    def recall(self, key: RouteKey, sources: Sequence[str]) -> dict[str, Hit]:
        try:
            human = self.tm.lookup_human(key.src, key.tgt, sources)
            found = self.tm.lookup_many(key.src, key.tgt, ((key.context, s) for s in sources
                                                           if s not in human))
        except sqlite3.Error as exc:
            raise _sqlite_error(self.tm.path, exc) from None
        out = {s: Hit(e.target, True, 1.0) for s, e in human.items()}
        out.update({s: Hit(e.target, False, e.confidence, split_review(e.review))
                    for (_, s), e in found.items() if reusable(e)})
        return out

    def remember(self, key: RouteKey, learned: Sequence[Learned]) -> None:
        store(self.tm, key.context, learned, " + ".join(key.models))


@dataclass
class RecalledMemory:
    """Hits looked up by the parent process (``(src, tgt, source) -> target``), and what
    the worker's model translated, for the parent to store. Plain, picklable data."""

    hits: dict[tuple[str, str, str], Hit | str] = field(default_factory=dict)
    learned: list[Learned] = field(default_factory=list)

    def recall(self, key: RouteKey, sources: Sequence[str]) -> dict[str, Hit]:
        return {s: as_hit(self.hits[(key.src, key.tgt, s)]) for s in sources
                if (key.src, key.tgt, s) in self.hits}

    def remember(self, key: RouteKey, learned: Sequence[Learned]) -> None:
        self.learned.extend(learned)


def reusable(entry: TMEntry | None) -> bool:
    """A stored sentence answers only when it was journaled clean (no warning, every
    glossary term found): a failure is never reused as a translation."""
    return entry is not None and not entry.qa


def store(tm: TranslationMemory, context: str, learned: Iterable[Learned],
          route: str = "") -> None:
    rows = [TMEntry(x.src, x.tgt, context, x.source, x.target, "mt", x.qa, route=route,
                    confidence=x.confidence, review="; ".join(x.review)) for x in learned]
    try:
        tm.store_many(rows)
    except sqlite3.Error as exc:
        raise _sqlite_error(tm.path, exc) from None


def as_sentence_memory(memory: Any) -> SentenceMemory:
    """``memory=`` of :meth:`~translate.Translator.translate_batch`: an open
    :class:`~translate.memory.TranslationMemory`, or a :class:`SentenceMemory`."""
    if isinstance(memory, TranslationMemory):
        return StoredMemory(memory)
    if hasattr(memory, "recall") and hasattr(memory, "remember"):
        return memory
    raise TypeError("memory= takes a translate.memory.TranslationMemory (or a "
                    f"SentenceMemory), not {type(memory).__name__}")


# ----------------------------------------------------------------------------- the stage


def problems(warnings: Sequence[str], checks: Sequence[Any]) -> str:
    """Why a translated sentence may not be reused ('' when it may): a model warning
    (``<unk>``, a split sentence, the length cap, a cut repetition) or a missing term.
    The note that a sentence was re-decoded with term constraints is not a problem."""
    found = problem_warnings(warnings)
    found += [f"glossary term {c.hit.target!r} not found" for c in checks if not c.ok]
    return "; ".join(found)


def problem_warnings(warnings: Sequence[str]) -> list[str]:
    """The warnings of a translated sentence that say something went wrong (all but the
    note that it was re-decoded with term constraints)."""
    return [w for w in warnings if not w.startswith("glossary: re-decoded")]


def recall_verified(memory: SentenceMemory, key: RouteKey, sources: Sequence[str],
                    check_terms: Any) -> dict[str, tuple[Hit, tuple]]:
    """``source -> (hit, term checks)`` for the sources the memory answers, glossary
    terms verified again on the stored text (``check_terms(source, target)``); a machine
    text that now misses a term is not reused (a person's is: the checks report it)."""
    out = {}
    for source, hit in memory.recall(key, sources).items():
        hit = as_hit(hit)
        checks = tuple(check_terms(source, hit.target))
        if hit.human or all(c.ok for c in checks):
            out[source] = (hit, checks)
    return out


# ----------------------------------------------------------------------------- files


def memory_path(tm: str | os.PathLike[str], *, out_dir: Path | None,
                inputs: Sequence[str], outputs: Iterable[Path],
                report: str | os.PathLike[str] | None) -> Path:
    """Where ``--tm`` is, checked like every output: not an input, an output or the
    report of this run, and inside ``-o DIR`` only when it resolves inside it (no
    symlink out of the output directory)."""
    from .paths import OutputRoot

    path = Path(tm).expanduser()
    resolved = path.resolve()
    if path.is_dir():
        raise UserError(f"{param('tm', path)}: is a directory; give a file name, e.g. "
                        f"{path / 'memory.sqlite'}")
    for name in inputs:
        if name != "-" and Path(name).resolve() == resolved:
            raise UserError(f"{param('tm', path)}: is an input of this run; give another file for "
                            "the translation memory")
    taken = [*outputs, *([Path(report)] if report is not None else [])]
    if any(p.resolve() == resolved for p in taken):
        raise UserError(f"{param('tm', path)}: is also an output of this run; give another "
                        "file")
    if out_dir is not None:  # inside -o DIR: the confinement rule (no symlink below it)
        OutputRoot.of(out_dir).named(path, "tm")
    return path


# ----------------------------------------------------------------------------- executors


def prefetch(memory: StoredMemory, keys: Any, text: str, src: str, tgt: str
             ) -> tuple[tuple, ...]:
    """The hits of one article, looked up in this process before it goes to a worker:
    ``(src, tgt, source, target, human, confidence, review)`` per sentence the memory
    answers
    (the worker wraps them in a :class:`RecalledMemory`)."""
    from . import detect, pipeline

    src, segments, langs = pipeline.plan_article(text, src, tgt)
    hits: list[tuple] = []
    for lang, idx in detect.by_language(langs, skip=tgt).items():
        sources = list(dict.fromkeys(
            pipeline.normalise_with_offsets(segments[i].text, lang).text for i in idx))
        key = keys.memory_key(lang, tgt)
        hits.extend((lang, tgt, s, h.target, h.human, h.confidence, h.review)
                    for s, h in memory.recall(key, sources).items())
    return tuple(hits)


def store_learned(memory: StoredMemory, keys: Any, learned: Sequence[Learned]) -> None:
    """Journal what a worker translated, each under this process's key for its direction."""
    by_pair: dict[tuple[str, str], list[Learned]] = {}
    for x in learned:
        by_pair.setdefault((x.src, x.tgt), []).append(x)
    for (src, tgt), items in by_pair.items():
        memory.remember(keys.memory_key(src, tgt), items)
