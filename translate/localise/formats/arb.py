"""Flutter Application Resource Bundles (``lib/l10n/app_en.arb``).

An ARB file is one JSON object: messages (``"greeting": "Hello {name}"``), each with
optional ``"@greeting"`` metadata (description, placeholders), and global ``"@@..."``
entries (``@@locale``). Every non-empty string message is a unit, its text ICU
MessageFormat as Flutter's ``gen-l10n`` reads it: ``{name}`` placeholders and
``{count, plural, =1{...} other{...}}`` / ``select`` arguments, whose branches are
translated one by one with the selectors kept (file kind ``icu``; ICU falls back to
``other`` for a category a branch does not name).

The output for ``it`` is ``app_it.arb`` beside the source (``app_en_XA.arb`` for
``en-XA``): the source's messages in order, each with its ``@key`` metadata, ``@@locale``
set to the target; a message without a translation is left out with its metadata (the
app falls back to the template's). Indentation, a BOM and the final newline are kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...errors import InputFileError
from ..units import DEFAULT_WRITE, Document, Existing, Fill, Unit, WriteOptions
from . import Layout, jsonfmt, locales

NAME = "arb"
EXTENSIONS = (".arb",)
#: ``app_en.arb`` -> ``app_it.arb`` (``app_en_XA.arb``)
LAYOUT = Layout(file="{stem}_{lang}{suffix}", locale=locales.underscored)
KIND = "icu"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


class _Duplicate(ValueError):
    pass


def _parse(data: bytes, path: str) -> tuple[dict[str, Any], dict]:
    obj, style = jsonfmt._parse(data, path)
    text = data.decode("utf-8").removeprefix("\ufeff")
    try:  # a key twice: json keeps the last, the file could not be written back as it is
        json.loads(text, object_pairs_hook=_no_duplicates)
    except _Duplicate as exc:
        key = str(exc)
        at = text.find(json.dumps(key, ensure_ascii=False) + ":")
        at = text.find(json.dumps(key, ensure_ascii=False), at + 1)
        raise InputFileError(path, f"message {key!r} is defined twice",
                             text.count("\n", 0, at) + 1 if at >= 0 else None) from None
    for key, value in obj.items():
        if not key.startswith("@") and not isinstance(value, str):
            raise InputFileError(path, f"message {key!r} is not a string "
                                 f"(ARB messages are strings; metadata goes in \"@{key}\")",
                                 _line(text, key))
    return obj, style


def _line(text: str, key: str) -> int | None:
    at = text.find(json.dumps(key, ensure_ascii=False))
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _messages(obj: dict[str, Any]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in obj.items() if not k.startswith("@") and v]


def read(data: bytes, path: str, lang: str | None = None) -> Document:
    obj, _ = _parse(data, path)
    units = []
    for key, value in _messages(obj):
        meta = obj.get(f"@{key}")
        notes = (meta["description"],) if isinstance(meta, dict) \
            and isinstance(meta.get("description"), str) else ()
        units.append(Unit(key, value, flags=frozenset({KIND}), notes=notes))
    locale = obj.get("@@locale")
    return Document(path, NAME, tuple(units), data,
                    source_lang=locale if isinstance(locale, str) else None)


def existing(doc: Document, lang: str) -> dict[str, Existing]:
    obj, _ = _parse(doc.data, doc.path)
    return {key: Existing((value,)) for key, value in _messages(obj)}


def write(doc: Document, fills: Mapping[str, Fill], tgt: str,
          previous: Document | None = None, *, src: str | None = None,
          options: WriteOptions = DEFAULT_WRITE) -> bytes:
    obj, style = _parse(doc.data, doc.path)
    out: dict[str, Any] = {}
    if "@@locale" not in obj:
        out["@@locale"] = locales.underscored(tgt)
    written = {key for key, _ in _messages(obj) if key in fills}
    for key, value in obj.items():
        if key == "@@locale":
            out[key] = locales.underscored(tgt)
        elif key.startswith("@@"):
            out[key] = value
        elif key.startswith("@"):
            if key[1:] in written:  # the metadata of a written message
                out[key] = value
        elif key in written:
            fill = fills[key]
            out[key] = fill.forms[0] if fill.forms else fill.text
    text = jsonfmt.dumps(out, style["indent"])
    if style["bom"]:
        text = "\ufeff" + text
    if style["newline"]:
        text += "\n"
    return text.encode("utf-8")


def output_name(name: str) -> str:
    return name
