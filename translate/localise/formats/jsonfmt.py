"""JSON message bundles: flat (``{"key": "text"}``) and nested (i18next) objects.

Every non-empty string leaf is a unit, keyed by its JSON Pointer (``/inbox/title``; arrays
by index). i18next plural keys (``files_one`` / ``files_other``, and ``_ordinal_one``...)
that belong to the file's language form one plural unit; for a target language the keys
its CLDR categories need are written instead (Italian: ``_one``, ``_many``, ``_other``).

Monolingual: a file holds one language, so the translations of a target are the values of
its own output file. Units without a translation are left out of the output (i18next then
falls back to the source language), so a later run still sees them as missing. Key order,
indentation, non-string values, a BOM and the final newline are kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from ...errors import InputFileError
from ...textio import BOM, decode_text
from ..plurals import CATEGORIES, cldr_categories
from ..units import DEFAULT_WRITE, Document, Existing, Fill, Unit, WriteOptions

NAME = "json"
EXTENSIONS = (".json",)

#: a string (skipped whole) or a bracket: what the nesting scan looks at
_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def sniff(head: bytes) -> bool:
    """A bundle of this kind: one JSON object (keys to strings, plurals, nested objects)."""
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{")

_PLURAL_KEY_RE = re.compile(r"^(.+?)(_ordinal)?_(zero|one|two|few|many|other)$")
PLURAL_SUFFIX = "_<plural>"
_LONE_SURROGATE = re.compile(r"\\u[dD][89abAB]\w{2}(?!\\u[dD][c-fC-F])|"
                             r"(?<!\\u[dD][89abAB]\w{2})\\u[dD][c-fC-F]\w{2}")


@dataclass(frozen=True, slots=True)
class _Text:
    pointer: str
    value: str


@dataclass(frozen=True, slots=True)
class _Plural:
    pointer: str          # the unit key: pointer of the base + PLURAL_SUFFIX
    base: str             # the base key in its object ("files")
    ordinal: bool
    members: dict[str, str]  # category -> text, in file order


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True, slots=True)
class _Number:
    """A JSON number exactly as the file writes it (``1.10``, ``1e999999``, 5000 digits):
    it is not translated, so it is written back as it was, never as Python reads it."""

    raw: str


class _NotJson(ValueError):
    pass


def _not_json(name: str) -> Any:
    raise _NotJson(name)


class _TooLong(ValueError):
    pass


def _number(raw: str) -> _Number:
    """A number as written, refused past the limit ``number_digits``."""
    from ...limits import current

    limits = current()
    if len(raw) > limits.number_digits:
        raise _TooLong(limits.over("number_digits", f"a number of {len(raw)} digits"))
    return _Number(raw)


def _check_nesting(body: str, path: str) -> None:
    """Refuse ``body`` at the first bracket nested past the limit ``nesting_depth``,
    scanning before the parser (which recurses once per level) ever sees it."""
    from ...limits import current

    limits = current()
    deepest, depth = limits.nesting_depth, 0
    for m in _NESTING.finditer(body):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > deepest:
                line = body.count("\n", 0, m.start()) + 1
                raise InputFileError(path, limits.over(
                    "nesting_depth", f"JSON objects and arrays nested more than {deepest} "
                    "deep"), line)
        elif c in "]}":
            depth -= 1


def _parse(data: bytes, path: str) -> tuple[Any, dict]:
    text = decode_text(data, path)
    style = {"bom": text.startswith(BOM), "newline": text.endswith("\n")}
    body = text[1:] if style["bom"] else text
    _check_nesting(body, path)
    try:
        obj = json.loads(body, parse_int=_number, parse_float=_number,
                         parse_constant=_not_json)
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"not valid JSON: {exc.msg} (column {exc.colno})",
                             exc.lineno) from None
    except _TooLong as exc:
        raise InputFileError(path, str(exc)) from None
    except _NotJson as exc:
        raise InputFileError(path, f"{exc} is not a JSON number (JSON has no NaN or "
                                   "Infinity); write it as a string or null") from None
    if not isinstance(obj, dict):
        raise InputFileError(path, "expected a JSON object of messages at the top level", 1)
    try:  # a lone surrogate escape (\ud800) parses but is not text: it cannot be written
        dumps(obj, None).encode("utf-8")
    except UnicodeEncodeError:
        m = _LONE_SURROGATE.search(body)
        raise InputFileError(path, "lone surrogate escape (\\ud800-\\udfff) is not text; "
                             "fix or remove it", body.count("\n", 0, m.start()) + 1 if m
                             else None) from None
    style["indent"] = _detect_indent(body)
    return obj, style


def _detect_indent(text: str) -> str | int | None:
    m = re.search(r"[{\[]\r?\n([ \t]+)\S", text)
    if not m:
        return None
    ws = m.group(1)
    return ws if "\t" in ws else len(ws)


def _groups(obj: dict, lang: str | None) -> tuple[dict[str, tuple[str, bool]], set[str]]:
    """Plural groups of one object: member key -> (base, ordinal); and the group bases."""
    candidates: dict[tuple[str, bool], dict[str, str]] = {}
    for key, value in obj.items():
        m = _PLURAL_KEY_RE.match(key)
        if m and isinstance(value, str):
            candidates.setdefault((m.group(1), bool(m.group(2))), {})[m.group(3)] = key
    members: dict[str, tuple[str, bool]] = {}
    bases = set()
    for (base, ordinal), cats in candidates.items():
        # "two", "few", "many" of a language that does not use them (an English source
        # with i18next's fallback keys) still belong to the group, and are not written
        # for a target that does not use them either
        allowed = (set(cldr_categories(lang, ordinal)) | {"two", "few", "many"}) if lang \
            else set(CATEGORIES)
        cats = {c: k for c, k in cats.items() if c in allowed}
        if "other" in cats and len(cats) > 1:
            for k in cats.values():
                members[k] = (base, ordinal)
            bases.add(base)
    return members, bases


def _walk(obj: Any, pointer: str, lang: str | None) -> Iterator[_Text | _Plural]:
    if isinstance(obj, dict):
        members, _ = _groups(obj, lang)
        seen: set[tuple[str, bool]] = set()
        for key, value in obj.items():
            if key in members:
                base, ordinal = members[key]
                if (base, ordinal) in seen:
                    continue
                seen.add((base, ordinal))
                group = {}
                for k, v in obj.items():
                    if members.get(k) == (base, ordinal):
                        group[_PLURAL_KEY_RE.match(k).group(3)] = v
                suffix = "_ordinal" if ordinal else ""
                yield _Plural(f"{pointer}/{_escape(base + suffix)}{PLURAL_SUFFIX}", base,
                              ordinal, group)
            else:
                yield from _walk(value, f"{pointer}/{_escape(key)}", lang)
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield from _walk(value, f"{pointer}/{i}", lang)
    elif isinstance(obj, str) and obj:
        yield _Text(pointer, obj)


def read(data: bytes, path: str, lang: str | None = None) -> Document:
    """Read a JSON bundle; ``lang`` (the file's language) decides which plural keys
    group together (any CLDR category when ``None``)."""
    obj, _ = _parse(data, path)
    units = []
    for item in _walk(obj, "", lang):
        if isinstance(item, _Text):
            units.append(Unit(item.pointer, item.value))
        else:
            one = item.members.get("one", item.members["other"])
            units.append(Unit(item.pointer, one, source_plural=item.members["other"],
                              flags=frozenset({"ordinal"} if item.ordinal else ())))
    return Document(path, NAME, tuple(units), data)


def existing(doc: Document, lang: str) -> dict[str, Existing]:
    """The values of a ``lang`` bundle (plural units only when every category is there)."""
    obj, _ = _parse(doc.data, doc.path)
    out: dict[str, Existing] = {}
    for item in _walk(obj, "", lang):
        if isinstance(item, _Text):
            out[item.pointer] = Existing((item.value,))
        else:
            # complete in either rule set (a bundle written with --plural-rules cldr has
            # Italian _many, one written with gettext rules has not)
            for rules in ("cldr", "gettext"):
                cats = cldr_categories(lang, item.ordinal, rules)
                if all(item.members.get(c) for c in cats):
                    out[item.pointer] = Existing(tuple(item.members[c] for c in cats))
                    break
    return out


def write(doc: Document, fills: Mapping[str, Fill], tgt: str,
          previous: Document | None = None, *, src: str | None = None,
          options: WriteOptions = DEFAULT_WRITE) -> bytes:
    """The bundle for ``tgt``: filled units, non-string values, nothing untranslated."""
    obj, style = _parse(doc.data, doc.path)
    out = _rebuild(obj, "", fills, tgt, src, options.plural_rules)
    text = dumps({} if out is _DROP else out, style["indent"])  # nothing translated: {}
    if style["bom"]:
        text = BOM + text
    if style["newline"]:
        text += "\n"
    return text.encode("utf-8")


_DROP = object()


def _rebuild(obj: Any, pointer: str, fills: Mapping[str, Fill], tgt: str, src: str | None,
             rules: str = "gettext") -> Any:
    if isinstance(obj, dict):
        members, _ = _groups(obj, src)
        out: dict[str, Any] = {}
        done: set[tuple[str, bool]] = set()
        for key, value in obj.items():
            if key in members:
                base, ordinal = members[key]
                if (base, ordinal) in done:
                    continue
                done.add((base, ordinal))
                suffix = "_ordinal" if ordinal else ""
                fill = fills.get(f"{pointer}/{_escape(base + suffix)}{PLURAL_SUFFIX}")
                if fill is None:
                    continue
                cats = cldr_categories(tgt, ordinal, rules)
                values = fill.forms_for(cats)
                for cat, v in zip(cats, values, strict=True):
                    out[f"{base}{suffix}_{cat}"] = v
                continue
            new = _rebuild(value, f"{pointer}/{_escape(key)}", fills, tgt, src, rules)
            if new is not _DROP:
                out[key] = new
        return out if out or not obj else _DROP
    if isinstance(obj, list):
        items = [_rebuild(v, f"{pointer}/{i}", fills, tgt, src, rules)
                 for i, v in enumerate(obj)]
        if items and all(v is _DROP for v in items):
            return _DROP
        # keep positions: an untranslated array item becomes null rather than shifting
        return [None if v is _DROP else v for v in items]
    if isinstance(obj, str) and obj:
        fill = fills.get(pointer)
        if fill is None:
            return _DROP
        return fill.forms[0] if fill.forms else fill.text
    return obj


def dumps(obj: Any, indent: str | int | None, *, colon: str = ": ") -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=indent)``, byte for byte, with each
    :class:`_Number` written as the file had it (``colon``: the key separator, Xcode's
    String Catalogs write ``" : "``)."""
    step = " " * indent if isinstance(indent, int) else indent
    parts: list[str] = []

    def put(item: Any, level: int) -> None:
        if isinstance(item, str):
            parts.append(encode_basestring(item))
        elif isinstance(item, _Number):
            parts.append(item.raw)
        elif item is None or isinstance(item, bool):
            parts.append({None: "null", True: "true", False: "false"}[item])
        elif isinstance(item, int | float):
            parts.append(json.dumps(item))
        elif isinstance(item, dict | list):
            pairs = list(item.items()) if isinstance(item, dict) else [(None, v) for v in item]
            opening, closing = "{}" if isinstance(item, dict) else "[]"
            if not pairs:
                parts.append(opening + closing)
                return
            inner = "" if step is None else "\n" + step * (level + 1)
            parts.append(opening)
            for n, (key, value) in enumerate(pairs):
                parts.append(("," if step is not None else ", ") if n else "")
                parts.append(inner)
                if key is not None:
                    parts.append(encode_basestring(key) + colon)
                put(value, level + 1)
            parts.append("" if step is None else "\n" + step * level)
            parts.append(closing)
        else:
            raise TypeError(f"not JSON: {type(item).__name__}")

    put(obj, 0)
    return "".join(parts)


def output_name(name: str) -> str:
    return name
