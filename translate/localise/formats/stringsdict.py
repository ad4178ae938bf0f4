"""Apple ``.stringsdict`` plural rules (``en.lproj/Localizable.stringsdict``), through
:mod:`plistlib`.

Each entry is a dictionary with an ``NSStringLocalizedFormatKey`` (``"%#@files@ in
%@"``; ``%1$#@count@`` names a variable with its argument) and, per variable, an
``NSStringPluralRuleType`` dictionary of plural categories. Units, keyed by path: the
format key when it has words of its own (``entry/NSStringLocalizedFormatKey``), each
variable as one plural unit (``one``/``other``: ``entry/files``), and a ``zero`` text of
the source as its own unit (``entry/files/zero``: Apple uses it for 0 in every
language). A top-level plain string is a unit too.

The output for ``it`` is ``it.lproj/<name>.stringsdict`` (``en-XA.lproj``), in the
source's order, each variable with the target's categories (``--plural-rules``), plus
``zero`` where the source has it; an entry is written whole or, when one of its units
has no translation, not at all (the app falls back to the development language).
"""

from __future__ import annotations

import copy
import plistlib
import re
from collections.abc import Iterator, Mapping
from typing import Any
from xml.parsers import expat
from xml.parsers.expat import ExpatError

from ...errors import InputFileError
from ..plurals import cldr_categories
from ..units import DEFAULT_WRITE, Document, Existing, Fill, Unit, WriteOptions
from . import Layout, locales

NAME = "stringsdict"
EXTENSIONS = (".stringsdict",)
LAYOUT = Layout(folder="{lang}.lproj", locale=locales.apple)
FORMAT_KEY = "NSStringLocalizedFormatKey"
SPEC = "NSStringFormatSpecTypeKey"
PLURAL_RULE = "NSStringPluralRuleType"
_VARIABLE_RE = re.compile(r"%(?:[1-9]\d*\$?)?#@([A-Za-z_][\w.]*)@")


def _load(data: bytes, path: str) -> dict[str, Any]:
    if re.search(rb"<!DOCTYPE[^>\[]*\[", data[:2048]):
        raise InputFileError(path, "declares a DOCTYPE with an internal subset, refused for "
                             "safety", 1)
    try:
        obj = plistlib.loads(data)
    except (plistlib.InvalidFileException, ValueError, KeyError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputFileError(path, f"not a valid property list: {exc}", line) from None
    except ExpatError as exc:
        raise InputFileError(path, f"not well-formed XML: {expat.ErrorString(exc.code)}",
                             exc.lineno) from None
    if not isinstance(obj, dict):
        raise InputFileError(path, "expected a dictionary of entries at the top level", 1)
    return obj


def _line(data: bytes, key: str) -> int | None:
    at = data.find(f"<key>{key}</key>".encode())
    return data.count(b"\n", 0, at) + 1 if at >= 0 else None


def _variables(entry: dict[str, Any]) -> list[str]:
    fmt = entry.get(FORMAT_KEY)
    names = _VARIABLE_RE.findall(fmt) if isinstance(fmt, str) else []
    return [n for n in names if isinstance(entry.get(n), dict)
            and entry[n].get(SPEC) == PLURAL_RULE]


def _units(obj: dict[str, Any], path: str, data: bytes) -> Iterator[tuple[str, Any]]:
    """``(key, text)`` and ``(key, {category: text})`` of every unit, in file order."""
    for name, entry in obj.items():
        if isinstance(entry, str):
            if entry:
                yield name, entry
            continue
        if not isinstance(entry, dict):
            continue
        fmt = entry.get(FORMAT_KEY)
        if not isinstance(fmt, str):
            raise InputFileError(path, f"entry {name!r} has no {FORMAT_KEY}", _line(data, name))
        if _VARIABLE_RE.sub("", fmt).strip():
            yield f"{name}/{FORMAT_KEY}", fmt
        for var in _variables(entry):
            forms = {k: v for k, v in entry[var].items() if isinstance(v, str)
                     and k in ("zero", "one", "two", "few", "many", "other")}
            if "other" not in forms:
                raise InputFileError(path, f"plural rule {name}/{var} has no 'other'",
                                     _line(data, name))
            yield f"{name}/{var}", forms
            if forms.get("zero"):
                yield f"{name}/{var}/zero", forms["zero"]


def read(data: bytes, path: str, lang: str | None = None) -> Document:
    obj = _load(data, path)
    units = []
    for key, value in _units(obj, path, data):
        if isinstance(value, dict):
            units.append(Unit(key, value.get("one", value["other"]),
                              source_plural=value["other"]))
        else:
            units.append(Unit(key, value))
    return Document(path, NAME, tuple(units), data)


def existing(doc: Document, lang: str) -> dict[str, Existing]:
    out: dict[str, Existing] = {}
    for key, value in _units(_load(doc.data, doc.path), doc.path, doc.data):
        if not isinstance(value, dict):
            out[key] = Existing((value,))
            continue
        for rules in ("cldr", "gettext"):
            cats = cldr_categories(lang, False, rules)
            if all(value.get(c) for c in cats):
                out[key] = Existing(tuple(value[c] for c in cats))
                break
    return out


def _forms(fill: Fill, cats: tuple[str, ...]) -> list[str]:
    if fill.forms is not None and len(fill.forms) == len(cats):
        return list(fill.forms)
    one = fill.forms[0] if fill.forms else fill.text
    other = fill.forms[-1] if fill.forms else (fill.plural or fill.text)
    return [one if c == "one" else other for c in cats]


def write(doc: Document, fills: Mapping[str, Fill], tgt: str,
          previous: Document | None = None, *, src: str | None = None,
          options: WriteOptions = DEFAULT_WRITE) -> bytes:
    obj = _load(doc.data, doc.path)
    keys = {key for key, _ in _units(obj, doc.path, doc.data)}
    cats = cldr_categories(tgt, False, options.plural_rules)
    out: dict[str, Any] = {}
    for name, entry in obj.items():
        if isinstance(entry, str):
            if name in fills:
                out[name] = _text(fills[name])
            continue
        if not isinstance(entry, dict):
            continue
        mine = [k for k in keys if k == name or k.startswith(f"{name}/")]
        if not mine or any(k not in fills for k in mine):
            continue  # written whole or not at all
        new = copy.deepcopy(entry)
        if f"{name}/{FORMAT_KEY}" in fills:
            new[FORMAT_KEY] = _text(fills[f"{name}/{FORMAT_KEY}"])
        for var in _variables(entry):
            rule = {k: v for k, v in entry[var].items()
                    if k not in ("zero", "one", "two", "few", "many", "other")}
            if f"{name}/{var}/zero" in fills:
                rule["zero"] = _text(fills[f"{name}/{var}/zero"])
            for cat, value in zip(cats, _forms(fills[f"{name}/{var}"], cats), strict=True):
                rule[cat] = value
            new[var] = rule
        out[name] = new
    return plistlib.dumps(out, fmt=plistlib.FMT_XML, sort_keys=False)


def _text(fill: Fill) -> str:
    return fill.forms[0] if fill.forms else fill.text


def output_name(name: str) -> str:
    return name
