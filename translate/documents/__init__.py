"""Articles in document formats (text, HTML, Markdown, DOCX, ODT, SRT, WebVTT), their
markup, formatting and timing kept.

    from translate import Translator
    from translate.documents import detect_format, translate_document

    fmt = detect_format("story.html")                     # "html"
    result = translate_document(data, fmt, "en", "it", translator)
    result.data      # the translated document, bytes; every byte outside text as it was
    result.report()  # per segment: language, action, output, models, alignment links
    result.notes     # about the document (invalid HTML repaired, ...): say each once

A format is a reader/writer registered in :data:`FORMATS` (name -> function
``(text, src, tgt, translator, *, name, **options) -> (text, segments, notes)``; for the
zip formats in :data:`BINARY`, DOCX and ODT, bytes in and out) with the file extensions in
:data:`EXTENSIONS`: text, HTML, Markdown, SRT, WebVTT, DOCX, ODT.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .. import detect
from ..errors import InputFileError, UserError, param
from ..languages import normalise_lang
from ..limits import Limits, limits_of, reading
from ..limits import current as current_limits
from ..protocol import Translates
from ..textio import BOM, read_text
from .core import Block, DocumentResult, DocumentSegment, translate_blocks
from .inline import Inline, Markup, project, render

__all__ = ["BINARY", "EXTENSIONS", "FORMATS", "Block", "DocumentResult", "DocumentSegment",
           "Inline", "Markup", "check_document", "detect_format", "project",
           "register_format", "render", "translate_document"]

FormatFn = Callable[..., tuple[str, list[DocumentSegment], list[str]]]

#: name -> translate function of that format.
FORMATS: dict[str, FormatFn] = {}
#: formats whose function takes and returns bytes (zip packages), not decoded text.
BINARY: set[str] = set()
#: file extension (lower case, with the dot) -> format name.
EXTENSIONS: dict[str, str] = {}


def register_format(name: str, extensions: tuple[str, ...], fn: FormatFn, *,
                    binary: bool = False) -> None:
    """Add a format: ``fn(text, src, tgt, translator, **options)`` returns the translated
    text, the segment records and notes about the document (``binary``: ``fn`` takes and
    returns the file's bytes, and gets ``name=`` for its error messages)."""
    FORMATS[name] = fn
    if binary:
        BINARY.add(name)
    for ext in extensions:
        EXTENSIONS[ext.lower()] = name


def check_document(data: bytes | str, fmt: str, name: str = "<input>",
                   limits: Limits | None = None) -> None:
    """Cheap checks of a file before any model loads: a DOCX/ODT must be a sound package
    of its kind within ``limits`` (:class:`~translate.limits.Limits`), subtitles must
    parse (a bad timing names its line). Raises the one-line
    :class:`~translate.errors.UserError` the translation itself would raise later."""
    if fmt in ("docx", "odt"):
        from .office import open_package

        open_package(data if isinstance(data, bytes) else data.encode("utf-8"), fmt, name,
                     limits or current_limits())
    elif fmt in ("srt", "vtt"):
        from .subtitles import parse

        text = read_text(data, name) if isinstance(data, bytes) else data
        with reading(limits):
            parse(text.removeprefix(BOM), fmt, name)


def detect_format(path: str | os.PathLike[str], default: str = "text") -> str:
    """The format of ``path`` by its extension (``default`` for none; ``-`` is stdin)."""
    name = str(path)
    if name == "-":
        return default
    suffix = Path(name).suffix.lower()
    if not suffix:
        return default
    try:
        return EXTENSIONS[suffix]
    except KeyError:
        known = ", ".join(sorted(EXTENSIONS))
        raise UserError(f"{name}: unknown document format {suffix!r}; name a file ending in "
                        f"{known}, or give {param('fmt')}") from None


def translate_document(data: bytes | str, fmt: str, src: str, tgt: str,
                       translator: Translates, *,
                       name: str = "<input>", memory: object = None,
                       limits: Limits | None = None, **options) -> DocumentResult:
    """Translate a whole document of format ``fmt`` from ``src`` (or ``"auto"``) to ``tgt``.

    ``data`` is the file's bytes (UTF-8; a BOM is kept; binary or mis-encoded input is a
    :class:`~translate.errors.UserError` naming ``name``). ``translator`` needs
    ``translate_batch(texts, src, tgt, align=True)`` (a :class:`translate.Translator`).
    ``memory`` (a :class:`~translate.memory.TranslationMemory`): every sentence is looked
    up there first and only the others are decoded, as for text articles (``--tm``); a
    reused sentence's markup is placed by forced alignment. ``limits``
    (:class:`~translate.limits.Limits`; default: ``translator.config.limits``) bound what
    the file may hold, checked while it is read: past one is a one-line
    :class:`~translate.errors.UserError` naming ``name`` and the limit.
    """
    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r}: use one of {', '.join(sorted(FORMATS))}")
    chosen = limits if limits is not None else (limits_of(translator) or current_limits())
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8"))
    if size > chosen.input_mb * 1024 * 1024:
        raise InputFileError(name, chosen.over(
            "input_mb", f"{size / 1024 / 1024:.1f} MB is more than {chosen.input_mb} MB",
            " MB"))
    with reading(chosen):
        return _translate_document(data, fmt, src, tgt, translator, name=name, memory=memory,
                                   limits=chosen, **options)


def _translate_document(data: bytes | str, fmt: str, src: str, tgt: str,
                        translator: Translates, *, name: str, memory: object,
                        limits: Limits, **options) -> DocumentResult:
    if memory is not None:  # the request's memory, on every call of this document
        translator = translator.using(memory=memory)
    src = normalise_lang(src, allow_auto=True)
    tgt = normalise_lang(tgt)
    if fmt in BINARY:
        if isinstance(data, str):
            raise TypeError(f"the {fmt} format takes the file's bytes")
        if src == tgt:
            return DocumentResult(data, fmt, src, tgt, (),
                                  (f"source and target are both {src}: copied unchanged",))
        options["limits"] = limits
        out, segments, notes = FORMATS[fmt](data, src, tgt, translator, name=name, **options)
        return DocumentResult(out, fmt, src, tgt, tuple(segments),
                              tuple(f"{name}: {n}" for n in notes))
    text = read_text(data, name) if isinstance(data, bytes) else data
    bom = BOM if text.startswith(BOM) else ""
    body = text[len(bom):]
    if src == tgt:
        return DocumentResult(text.encode("utf-8"), fmt, src, tgt, (),
                              (f"source and target are both {src}: copied unchanged",))
    out, segments, notes = FORMATS[fmt](body, src, tgt, translator, name=name, **options)
    notes = [f"{name}: {n}" for n in notes]
    return DocumentResult((bom + out).encode("utf-8"), fmt, src, tgt, tuple(segments),
                          tuple(notes))


# ----------------------------------------------------------------------------- formats

def _translate_text(text: str, src: str, tgt: str, translator, **options):
    block = Block(text, tuple(text))
    outputs, segments, notes = translate_blocks([block], src, tgt, translator)
    return (text if outputs[0] is None else outputs[0]), segments, []


def _translate_html(text: str, src: str, tgt: str, translator, *, repair: bool = True,
                    **options):
    from .html import read_html

    doc = read_html(text, tgt, repair=repair, name=options.get("name"))
    # one language for the whole document, from its body text
    src = detect.source_language(src, lambda: " ".join(b.text for b in doc.blocks({})))
    doc.notes.clear()
    doc.kept.clear()
    attr_out, attr_segs, notes = translate_blocks(doc.attr_blocks, src, tgt, translator)
    tags = doc.rewritten_tags(attr_out)
    blocks = doc.blocks(tags)
    outputs, segments, notes2 = translate_blocks(blocks, src, tgt, translator)
    out = doc.write(outputs, attr_out)
    notes = list(dict.fromkeys(notes + notes2))
    if doc.kept:
        notes.insert(0, "invalid HTML kept as it was (browsers restructure it): "
                     + "; ".join(dict.fromkeys(doc.kept)))
    if doc.notes:
        notes.insert(0, "invalid HTML repaired: " + "; ".join(dict.fromkeys(doc.notes)))
    return out, list(segments) + list(attr_segs), notes


def _translate_markdown(text: str, src: str, tgt: str, translator, **options):
    from .markdown import translate_markdown

    return translate_markdown(text, src, tgt, translator, **options)


def _translate_srt(text: str, src: str, tgt: str, translator, **options):
    from .subtitles import translate_subtitles

    return translate_subtitles(text, "srt", src, tgt, translator, **options)


def _translate_vtt(text: str, src: str, tgt: str, translator, **options):
    from .subtitles import translate_subtitles

    return translate_subtitles(text, "vtt", src, tgt, translator, **options)


def _translate_docx(data: bytes, src: str, tgt: str, translator, **options):
    from .office import translate_office

    return translate_office(data, "docx", src, tgt, translator, **options)


def _translate_odt(data: bytes, src: str, tgt: str, translator, **options):
    from .office import translate_office

    return translate_office(data, "odt", src, tgt, translator, **options)


register_format("text", (".txt", ".text"), _translate_text)
register_format("html", (".html", ".htm", ".xhtml"), _translate_html)
register_format("markdown", (".md", ".markdown", ".mdown", ".mkd"), _translate_markdown)
register_format("srt", (".srt",), _translate_srt)
register_format("vtt", (".vtt",), _translate_vtt)
register_format("docx", (".docx",), _translate_docx, binary=True)
register_format("odt", (".odt",), _translate_odt, binary=True)
