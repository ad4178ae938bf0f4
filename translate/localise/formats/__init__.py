"""File formats: each module reads a file into units and writes a filled copy back, and
declares which files it reads and where their translations go.

Every format module has the same functions::

    read(data, path, lang=None) -> Document
    existing(doc, lang) -> dict[key, Existing]      # translations the file holds
    write(doc, fills, tgt, previous=None, *, src=None) -> bytes
    output_name(name) -> str                         # messages.pot -> messages.po

and declares itself::

    NAME = "po"
    EXTENSIONS = (".po", ".pot")                     # the file names it reads
    sniff(head: bytes) -> bool                       # optional: is this file mine?
    LAYOUT = Layout(...)                             # optional: where a translation goes

``sniff`` decides between formats that share an extension (``.xml`` is XLIFF or an
Android ``strings.xml``; ``.json`` has several dialects): it sees the first
:data:`SNIFF_BYTES` of the file. ``LAYOUT`` (default :data:`LANGUAGE_FOLDER`,
``OUT/<lang>/<path>``) names each language's output. A module may also have
``escape_text(text)`` (how plain model output is embedded, e.g. XML) and
``check_fill(text, unit) -> list[str]`` (problems that stop a string from being written).

A new format is a module with these, listed in :data:`FORMATS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from types import ModuleType

#: how much of a file a format's ``sniff`` sees
SNIFF_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the translation of a catalog into one language goes, relative to the
    output root, from the catalog's path relative to its source root (``rel``).

    ``folder``: a template for the catalog's own folder, which the translation's
    replaces (``"values-{lang}"``: ``res/values/strings.xml`` ->
    ``res/values-it/strings.xml``; ``"{lang}.lproj"``). ``file``: a template for the
    file name, from the source's ``{stem}`` (without its ``_<src>`` language suffix) and
    ``{suffix}`` (``"{stem}_{lang}{suffix}"``: ``app_en.arb`` -> ``app_it.arb``,
    ``messages.properties`` -> ``messages_it.properties``). Neither (the default): the
    whole path under a folder named for the language, ``<lang>/<rel>``.
    """

    folder: str | None = None
    file: str | None = None
    #: how the platform spells a language in these templates
    #: (:func:`translate.localise.formats.locales.android`: ``en-XA`` -> ``en-rXA``)
    locale: Callable[[str], str] | None = None
    #: the language is a dot-separated part of the file name (``en.yml``,
    #: ``messages.en.yml``), replaced by the target's or added before the extension
    dotted: bool = False
    #: one file holds every language (String Catalogs): each target's translation goes
    #: into the same output, ``OUT/<path>``
    multilingual: bool = False

    def _spell(self, lang: str) -> str:
        return self.locale(lang) if self.locale is not None else lang

    def path(self, rel: PurePath, lang: str, name: str, src: str | None = None) -> PurePath:
        """The output path for ``rel`` in ``lang``; ``name`` is its file name as the
        format writes it (``output_name``), ``src`` the source language."""
        lang = self._spell(lang)
        src = self._spell(src) if src else src
        if self.multilingual:
            return rel.with_name(name)
        if self.dotted:
            parts = name.split(".")
            at = [i for i, p in enumerate(parts[:-1]) if p == src]
            if at:
                parts[at[-1]] = lang
            else:
                parts.insert(len(parts) - 1 if len(parts) > 1 else 1, lang)
            return rel.with_name(".".join(parts))
        if self.file is not None:
            stem, suffix = PurePath(name).stem, PurePath(name).suffix
            if src and stem.endswith(f"_{src}"):
                stem = stem[:-len(src) - 1]
            name = self.file.format(stem=stem, suffix=suffix, lang=lang)
        if self.folder is not None:
            parent = rel.parent
            if parent.name:  # the catalog's own folder is replaced by the language's
                parent = parent.parent
            return parent / self.folder.format(lang=lang) / name
        if self.file is not None:
            return rel.with_name(name)
        return PurePath(lang) / rel.with_name(name)

    def is_translation(self, rel: PurePath, langs: tuple[str, ...] | list[str]) -> bool:
        """Whether ``rel`` is where this layout puts a translation into one of
        ``langs`` (an earlier output in a source tree is not a source). The language
        folder layout answers no: its outputs are kept apart, under ``OUT/<lang>/``."""
        if self.dotted:
            return bool(set(rel.name.split(".")[:-1]) & set(map(self._spell, langs)))
        if self.folder is None and self.file is None:
            return False
        for lang in map(self._spell, langs):
            if self.folder is not None and rel.parent.name != self.folder.format(lang=lang):
                continue
            if self.file is not None and not re.fullmatch(self._file_pattern(lang), rel.name):
                continue
            return True
        return False

    def names_language(self, name: str) -> bool:
        """Whether a dotted layout's file name has a language part (``messages.en.yml``)."""
        return self.dotted and any(_is_locale(p) for p in name.split(".")[:-1])

    def is_other_language(self, rel: PurePath, src: str | None) -> bool:
        """Whether ``rel`` is, by its layout, a catalog in a language other than ``src``
        (``messages_de.properties``, ``values-de/strings.xml``, ``de.lproj/...`` when
        localising from English): another language's translation, not a source."""
        if self.folder is not None and src is not None:
            pattern = re.escape(self.folder).replace(re.escape("{lang}"),
                                                     r"(?P<lang>[A-Za-z0-9+_-]+)")
            m = re.fullmatch(pattern, rel.parent.name)
            if m is None or m.group("lang") == self._spell(src):
                return False
            first = [p for p in re.split(r"[-_+]", m.group("lang")) if p != "b"][:1]
            return bool(first) and len(first[0]) in (2, 3) and _is_locale(first[0])
        if self.dotted and src is not None:
            named = [p for p in rel.name.split(".")[:-1] if _is_locale(p)]
            return bool(named) and self._spell(src) not in named
        if self.file is None or src is None:
            return False
        m = re.fullmatch(self._file_pattern(_LANG_SUFFIX), rel.name)
        return m is not None and m.group("lang") != self._spell(src) \
            and _is_locale(m.group("lang"))

    def _file_pattern(self, lang: str) -> str:
        assert self.file is not None
        return (re.escape(self.file).replace(re.escape("{stem}"), ".+")
                .replace(re.escape("{suffix}"), r"\.[^.]+")
                .replace(re.escape("{lang}"),
                         lang if lang is _LANG_SUFFIX else re.escape(lang)))


#: a language in a file name: ``de``, ``pt_BR``, ``zh_Hant_TW``, ``en-XA``
_LANG_SUFFIX = r"(?P<lang>[a-z]{2,3}(?:[_-][A-Z][a-z]{3})?(?:[_-](?:[A-Z]{2}|\d{3}))?)"

def _is_locale(tag: str) -> bool:
    """Whether CLDR knows ``tag`` (``de``, ``pt_BR``; not ``app`` of ``my_app.arb``)."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return False
    return True


#: ``OUT/<lang>/<path>``: the layout of every format that does not declare one
LANGUAGE_FOLDER = Layout()

# the formats come after Layout, which they use
from . import (  # noqa: E402
    android,
    applestrings,
    arb,
    jsonfmt,
    po,
    properties,
    stringsdict,
    xcstrings,
    xliff,
    yamlfmt,
)

FORMATS: tuple[ModuleType, ...] = (po, jsonfmt, xliff, android, properties, arb, yamlfmt,
                                   applestrings, stringsdict, xcstrings)


def layout_of(fmt: ModuleType) -> Layout:
    return getattr(fmt, "LAYOUT", LANGUAGE_FOLDER)


def candidates(path: str | Path) -> list[ModuleType]:
    """The formats whose extensions a file name has, in :data:`FORMATS` order."""
    name = str(path).lower()
    return [fmt for fmt in FORMATS if name.endswith(fmt.EXTENSIONS)]


def _head(path: str | Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(SNIFF_BYTES)
    except OSError:
        return b""


def claimed(path: str | Path) -> bool:
    """Whether a file found in a folder is a catalog: a format reads its name and, where
    every such format sniffs, one of them accepts its start (a ``res/`` tree's layouts,
    colors and manifest are ``.xml`` files but no catalogs)."""
    found = candidates(path)
    if not found or not all(hasattr(fmt, "sniff") for fmt in found):
        return bool(found)
    head = _head(path)
    return any(fmt.sniff(head) or layout_of(fmt).names_language(Path(path).name)
               for fmt in found)


def format_for(path: str | Path, head: bytes | None = None) -> ModuleType | None:
    """The format module for a file, or ``None`` when no format reads it. By its name;
    where formats share the extension, the first whose ``sniff`` accepts ``head`` (the
    start of the file, read from ``path`` when not given), else the first of them (its
    reader then says what is wrong with the file)."""
    found = candidates(path)
    if len(found) <= 1:
        return found[0] if found else None
    if head is None:
        head = _head(path)
    for fmt in found:
        sniff = getattr(fmt, "sniff", None)
        if sniff is not None and sniff(head):
            return fmt
    return found[0]


def supported_extensions() -> tuple[str, ...]:
    return tuple(dict.fromkeys(ext for fmt in FORMATS for ext in fmt.EXTENSIONS))
