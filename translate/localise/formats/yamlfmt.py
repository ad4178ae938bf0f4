"""Rails and Symfony YAML translation files (``config/locales/en.yml``,
``translations/messages.en.yml``), through ruamel.yaml's round-trip mode: key order,
comments, quoting styles and indentation are kept.

Every non-empty string leaf is a unit, keyed by its path (``/activerecord/errors/
messages/too_short``; sequences by index). A Rails file has the language as its one root
key (``en:``): the output's root is the target's (``it:``, ``en-XA:``). A mapping whose
keys are plural categories with ``other`` among them (Rails' ``one:``/``other:``) is one
plural unit, written with the target's categories (``--plural-rules``). Placeholders
(file kinds ``rails`` and ``symfony``): Rails' ``%{name}`` and strftime formats (``%b
%e``), Symfony's ``%name%``, ``{{ name }}`` and pipe plurals, printf.

The output for ``it`` is the file with the language part of its name replaced
(``en.yml`` -> ``it.yml``, ``devise.en.yml`` -> ``devise.it.yml``) beside the source.
Values without a translation are left out (Rails and Symfony fall back to the default
locale), a sequence only when every item has one; non-string values (numbers, Ruby
symbols such as ``order: [:year, :month]``) are kept as the source has them. A file
with anchors or aliases, or more than one document, is refused: it could not be written
back as it is.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ...errors import InputFileError, UserError

try:  # the "apps" extra
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.scalarstring import ScalarString
    from ruamel.yaml.util import load_yaml_guess_indent
except ImportError:  # pragma: no cover - the extra is installed where YAML is tested
    YAML = None
from ...textio import decode_text
from ..plurals import CATEGORIES, cldr_categories
from ..units import DEFAULT_WRITE, Document, Existing, Fill, Unit, WriteOptions
from . import Layout, _is_locale, locales

NAME = "yaml"
EXTENSIONS = (".yml", ".yaml")
#: ``en.yml`` -> ``it.yml``, ``messages.en.yml`` -> ``messages.it.yml``
LAYOUT = Layout(dotted=True, locale=locales.apple)
PLURAL_SUFFIX = "/<plural>"
SYMFONY = "symfony"
RAILS = "rails"
_SYMBOL_RE = re.compile(r":[A-Za-z_]\w*[?!]?\Z")


def sniff(head: bytes) -> bool:
    """A Rails locale file: its first top-level key is a language (``en:``). (Symfony's
    files are known by the language in their name: ``messages.en.yml``.)"""
    m = re.search(rb"^(?:---[^\n]*\n|#[^\n]*\n|\s*\n)*['\"]?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)"
                  rb"['\"]?:\s*(?:#[^\n]*)?\n", head.removeprefix(b"\xef\xbb\xbf"))
    return m is not None and _is_locale(m.group(1).decode())


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    return y


def _load(data: bytes, path: str) -> tuple[Any, dict]:
    if YAML is None:
        raise UserError(f"{path}: YAML catalogs need ruamel.yaml: "
                        "pip install 'newsdesk-translate[apps]'")
    text = decode_text(data, path).removeprefix("\ufeff")
    try:
        docs = list(_yaml().load_all(text))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputFileError(path, f"not valid YAML: {problem}",
                             mark.line + 1 if mark is not None else None) from None
    if len(docs) != 1:
        raise InputFileError(path, f"holds {len(docs)} YAML documents; one is expected")
    obj = docs[0]
    if not isinstance(obj, CommentedMap):
        raise InputFileError(path, "expected a mapping of messages at the top level", 1)
    try:
        anchored = _anchored(obj)
    except RecursionError:
        raise InputFileError(path, "YAML nested too deeply") from None
    if anchored is not None:
        raise InputFileError(path, "uses YAML anchors or aliases (&name, *name, <<:), which "
                             "could not be written back as they are; expand them", anchored)
    _, indent, seq_indent = load_yaml_guess_indent(text)
    style = {"indent": indent or 2, "offset": seq_indent or 0,
             "start": text.lstrip().startswith("---"), "newline": text.endswith("\n")}
    return obj, style


def _anchored(node: Any, line: int = 1) -> int | None:
    """The line of the first anchored node (or merge key) under ``node``, else ``None``."""
    lc = getattr(node, "lc", None)
    line = lc.line + 1 if lc is not None and lc.line is not None else line
    if getattr(getattr(node, "anchor", None), "value", None) is not None \
            or getattr(node, "merge", None):
        return line
    if isinstance(node, CommentedMap):
        for k, v in node.items():
            pos = node.lc.data.get(k) if node.lc.data else None
            found = _anchored(v, pos[0] + 1 if pos else line)
            if found is not None:
                return found
    elif isinstance(node, CommentedSeq):
        for i, v in enumerate(node):
            pos = node.lc.data.get(i) if node.lc.data else None
            found = _anchored(v, pos[0] + 1 if pos else line)
            if found is not None:
                return found
    return None


def _escape(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _plural(node: Any) -> bool:
    return isinstance(node, CommentedMap) and len(node) > 1 and "other" in node \
        and all(k in CATEGORIES and isinstance(v, str) for k, v in node.items())


def _root(obj: CommentedMap, lang: str | None) -> tuple[str | None, Any]:
    """A Rails file's language root key (``en``) and the tree below it; ``None`` and the
    whole mapping for a Symfony file."""
    if len(obj) == 1:
        key = next(iter(obj))
        if isinstance(key, str) and (key == lang or _is_locale(key)):
            return key, obj[key]
    return None, obj


def _walk(node: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    """``(unit key, leaf)``: strings, and plural mappings."""
    if _plural(node):
        yield pointer + PLURAL_SUFFIX, node
    elif isinstance(node, CommentedMap):
        for k, v in node.items():
            yield from _walk(v, f"{pointer}/{_escape(k)}")
    elif isinstance(node, CommentedSeq):
        for i, v in enumerate(node):
            yield from _walk(v, f"{pointer}/{i}")
    elif isinstance(node, str) and node and not _symbol(node):
        yield pointer, node


def _symbol(value: str) -> bool:
    """A Ruby symbol (``order: [:year, :month]``, unquoted): Rails' data, not text."""
    return not isinstance(value, ScalarString) and _SYMBOL_RE.match(value) is not None


def read(data: bytes, path: str, lang: str | None = None) -> Document:
    obj, _ = _load(data, path)
    root, tree = _root(obj, lang)
    flags = frozenset({RAILS}) if root is not None else frozenset({SYMFONY})
    units = []
    for key, leaf in _walk(tree, ""):
        if isinstance(leaf, CommentedMap):
            units.append(Unit(key, str(leaf.get("one", leaf["other"])),
                              source_plural=str(leaf["other"]), flags=flags))
        else:
            units.append(Unit(key, str(leaf), flags=flags))
    return Document(path, NAME, tuple(units), data, source_lang=root)


def existing(doc: Document, lang: str) -> dict[str, Existing]:
    obj, _ = _load(doc.data, doc.path)
    _, tree = _root(obj, lang)
    out: dict[str, Existing] = {}
    for key, leaf in _walk(tree, ""):
        if isinstance(leaf, CommentedMap):
            for rules in ("cldr", "gettext"):
                cats = cldr_categories(lang, False, rules)
                if all(leaf.get(c) for c in cats):
                    out[key] = Existing(tuple(str(leaf[c]) for c in cats))
                    break
        else:
            out[key] = Existing((str(leaf),))
    return out


def _like(old: Any, text: str) -> Any:
    """``text`` in the quoting style of the value it replaces."""
    return type(old)(text) if isinstance(old, ScalarString) else text


_DROP = object()


def _fill(node: Any, pointer: str, fills: Mapping[str, Fill], tgt: str, rules: str) -> Any:
    if _plural(node):
        fill = fills.get(pointer + PLURAL_SUFFIX)
        if fill is None:
            return _DROP
        cats = cldr_categories(tgt, False, rules)
        values = fill.forms_for(cats)
        template = node["other"]
        for k in list(node):
            if k not in cats:
                del node[k]
        for cat, value in zip(cats, values, strict=True):
            node[cat] = _like(node.get(cat, template), value)
        # in canonical order, as the source's own keys were
        for cat in cats:
            node.move_to_end(cat)
        return node
    if isinstance(node, CommentedMap):
        for k in list(node):
            new = _fill(node[k], f"{pointer}/{_escape(k)}", fills, tgt, rules)
            if new is _DROP:
                del node[k]
            else:
                node[k] = new
        return node if node else _DROP
    if isinstance(node, CommentedSeq):
        items = [_fill(v, f"{pointer}/{i}", fills, tgt, rules) for i, v in enumerate(node)]
        if any(v is _DROP for v in items):
            return _DROP  # a list is written whole or not at all
        for i, v in enumerate(items):
            node[i] = v
        return node
    if isinstance(node, str) and node and not _symbol(node):
        fill = fills.get(pointer)
        if fill is None:
            return _DROP
        return _like(node, fill.forms[0] if fill.forms else fill.text)
    return node


def write(doc: Document, fills: Mapping[str, Fill], tgt: str,
          previous: Document | None = None, *, src: str | None = None,
          options: WriteOptions = DEFAULT_WRITE) -> bytes:
    obj, style = _load(doc.data, doc.path)
    root, tree = _root(obj, src)
    new = _fill(tree, "", fills, tgt, options.plural_rules)
    if new is _DROP:
        new = CommentedMap()
    if root is not None:
        obj.insert(0, locales.apple(tgt), new)
        del obj[root]
    else:
        obj = new
    y = _yaml()
    y.indent(mapping=style["indent"], sequence=style["indent"] + style["offset"],
             offset=style["offset"])
    y.explicit_start = style["start"]
    buf = io.StringIO()
    y.dump(obj, buf)
    text = buf.getvalue()
    if not style["newline"]:
        text = text.rstrip("\n")
    return text.encode("utf-8")


def output_name(name: str) -> str:
    return name
