"""Xcode String Catalogs (``Localizable.xcstrings``): one JSON file holding every language.

Each key of ``strings`` is translated from its ``sourceLanguage`` localization (or, when
it has none, from the key itself, as Xcode does): its ``stringUnit``, every case of its
``device`` (and other) variations, its ``plural`` variations as one plural unit (a
``zero`` case as its own unit), and the plural variations of its ``substitutions``
(``%#@name@`` with ``%arg``). Unit keys are the string key and the path below it
(``files|plural``, ``title|device/mac``, ``msg|sub/count|plural``). Keys marked
``"shouldTranslate" : false`` get no translation.

Multilingual: the output is the catalog itself (its copy under OUT, since an input is
never overwritten) with the target's localization added beside the others, in Xcode's
order (localizations sorted) and formatting (``"key" : value``, two-space indent). A
machine translation gets ``"state" : "needs_review"`` (``translated`` with
``--no-fuzzy``); a translation already there keeps its state. Plural variations get the
target's categories (``--plural-rules``). A key is given a localization whole or, when
one of its units has no translation, not at all (the app falls back to the source).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from ...errors import InputFileError
from ..plurals import cldr_categories
from ..units import DEFAULT_WRITE, Document, Existing, Fill, Unit, WriteOptions
from . import Layout, jsonfmt, locales

NAME = "xcstrings"
EXTENSIONS = (".xcstrings",)
#: every target goes into the one output file, the catalog (OUT/<path>)
LAYOUT = Layout(multilingual=True)
NEEDS_REVIEW = "needs_review"
TRANSLATED = "translated"
_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def _load(data: bytes, path: str) -> dict[str, Any]:
    obj, _ = jsonfmt._parse(data, path)
    if not isinstance(obj.get("strings"), dict) or not isinstance(obj.get("sourceLanguage"),
                                                                  str):
        raise InputFileError(path, "not a String Catalog (no \"sourceLanguage\" and "
                             "\"strings\")", 1)
    return obj


def _dump(obj: dict[str, Any]) -> bytes:
    return jsonfmt.dumps(obj, 2, colon=" : ").encode()


def _value(node: Any) -> str | None:
    unit = node.get("stringUnit") if isinstance(node, dict) else None
    return unit.get("value") if isinstance(unit, dict) else None


def _state(node: Any) -> str | None:
    unit = node.get("stringUnit") if isinstance(node, dict) else None
    return unit.get("state") if isinstance(unit, dict) else None


def _walk(node: dict[str, Any], path: str) -> Iterator[tuple[str, Any]]:
    """``(unit path, node with a stringUnit)`` and ``(unit path, {category: node})`` of a
    plural, below a localization."""
    if _value(node) is not None:
        yield path, node
    for kind, cases in (node.get("variations") or {}).items():
        if not isinstance(cases, dict):
            continue
        if kind == "plural":
            cats = {c: n for c, n in cases.items() if c in _CATEGORIES and _value(n) is not None}
            if "other" in cats:
                yield f"{path}|plural", cats
                if "zero" in cats:
                    yield f"{path}|plural/zero", cats["zero"]
            continue
        for case, sub in cases.items():
            if isinstance(sub, dict):
                yield from _walk(sub, f"{path}|{kind}/{case}")
    for name, sub in (node.get("substitutions") or {}).items():
        if isinstance(sub, dict):
            yield from _walk(sub, f"{path}|sub/{name}")


def _source_node(obj: dict[str, Any], key: str, entry: dict[str, Any]) -> dict[str, Any]:
    node = (entry.get("localizations") or {}).get(obj["sourceLanguage"])
    return node if isinstance(node, dict) else {"stringUnit": {"state": TRANSLATED,
                                                               "value": key}}


def _entries(obj: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key, entry in obj["strings"].items():
        if isinstance(entry, dict) and entry.get("shouldTranslate") is not False:
            yield key, entry


def read(data: bytes, path: str, lang: str | None = None) -> Document:
    obj = _load(data, path)
    units = []
    for key, entry in _entries(obj):
        notes = (entry["comment"],) if isinstance(entry.get("comment"), str) else ()
        for sub, found in _walk(_source_node(obj, key, entry), ""):
            if "stringUnit" not in found:  # a plural
                units.append(Unit(key + sub, _value(found.get("one", found["other"])),
                                  source_plural=_value(found["other"]), notes=notes))
            elif _value(found):
                units.append(Unit(key + sub, _value(found), notes=notes))
    return Document(path, NAME, tuple(units), data, source_lang=obj["sourceLanguage"])


def existing(doc: Document, lang: str) -> dict[str, Existing]:
    """The ``lang`` localizations the catalog holds (plurals complete in either rule set)."""
    obj = _load(doc.data, doc.path)
    want = locales.apple(lang)
    out: dict[str, Existing] = {}
    for key, entry in _entries(obj):
        node = (entry.get("localizations") or {}).get(want)
        if not isinstance(node, dict):
            continue
        for sub, found in _walk(node, ""):
            if "stringUnit" not in found:  # a plural
                for rules in ("cldr", "gettext"):
                    cats = cldr_categories(lang, False, rules)
                    if all(_value(found.get(c)) for c in cats):
                        state = _state(found["other"])
                        out[key + sub] = Existing(tuple(_value(found[c]) for c in cats),
                                                  fuzzy=state == NEEDS_REVIEW, state=state)
                        break
            elif _value(found):
                state = _state(found)
                out[key + sub] = Existing((_value(found),), fuzzy=state == NEEDS_REVIEW,
                                          state=state)
    return out


def _unit_state(fill: Fill) -> str:
    return fill.state or (NEEDS_REVIEW if fill.fuzzy else TRANSLATED)


def _target(node: dict[str, Any], path: str, key: str, fills: Mapping[str, Fill],
            cats: tuple[str, ...]) -> dict[str, Any] | None:
    """The target localization mirroring the source's ``node``; ``None`` when one of its
    units has no fill."""
    out: dict[str, Any] = {}
    if _value(node) is not None:
        text = _value(node)
        if text:
            fill = fills.get(key + path)
            if fill is None:
                return None
            text = fill.forms[0] if fill.forms else fill.text
            out["stringUnit"] = {"state": _unit_state(fill), "value": text}
        else:
            out["stringUnit"] = {"state": TRANSLATED, "value": ""}
    variations: dict[str, Any] = {}
    for kind, cases in (node.get("variations") or {}).items():
        if kind == "plural":
            fill = fills.get(f"{key}{path}|plural")
            if fill is None:
                return None
            values = fill.forms_for(cats)
            plural = {}
            if "zero" in cases:
                zero = fills.get(f"{key}{path}|plural/zero")
                if zero is None:
                    return None
                plural["zero"] = {"stringUnit": {"state": _unit_state(zero),
                                                 "value": zero.forms[0] if zero.forms
                                                 else zero.text}}
            for cat, value in zip(cats, values, strict=True):
                plural[cat] = {"stringUnit": {"state": _unit_state(fill), "value": value}}
            variations[kind] = dict(sorted(plural.items()))
            continue
        built = {}
        for case, sub in cases.items():
            new = _target(sub, f"{path}|{kind}/{case}", key, fills, cats)
            if new is None:
                return None
            built[case] = new
        variations[kind] = built
    if variations:
        out["variations"] = variations
    subs: dict[str, Any] = {}
    for name, sub in (node.get("substitutions") or {}).items():
        new = _target(sub, f"{path}|sub/{name}", key, fills, cats)
        if new is None:
            return None
        meta = {k: copy.deepcopy(v) for k, v in sub.items() if k != "variations"}
        subs[name] = {**meta, **new}
    if subs:
        out["substitutions"] = subs
    return {k: out[k] for k in sorted(out)}


def write(doc: Document, fills: Mapping[str, Fill], tgt: str,
          previous: Document | None = None, *, src: str | None = None,
          options: WriteOptions = DEFAULT_WRITE) -> bytes:
    """The catalog with ``tgt``'s localizations; the other languages' as the earlier
    output (``previous``) has them, else as the source has them."""
    obj = _load(doc.data, doc.path)
    before = _load(previous.data, previous.path)["strings"] if previous is not None else {}
    want = locales.apple(tgt)
    cats = cldr_categories(tgt, False, options.plural_rules)
    for key, entry in obj["strings"].items():
        if not isinstance(entry, dict):
            continue
        locs = dict(entry.get("localizations") or {})
        old = (before.get(key) or {}).get("localizations") or {}
        for lang, node in old.items():  # languages an earlier run added
            if lang not in (obj["sourceLanguage"], want):
                locs[lang] = node
        locs.pop(want, None)
        if entry.get("shouldTranslate") is not False:
            node = _target(_source_node(obj, key, entry), "", key, fills, cats)
            if node is not None and node:
                locs[want] = node
        if locs:
            entry["localizations"] = dict(sorted(locs.items()))
        else:
            entry.pop("localizations", None)
    return _dump(obj)


def output_name(name: str) -> str:
    return name
