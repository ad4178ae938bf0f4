"""Glossaries in TBX (TBX-Basic 2008 ``martif``/``termEntry``/``langSet``/``tig`` and TBX v3
``tbx``/``conceptEntry``/``langSec``/``termSec``).

Parsing is safe against hostile files (:mod:`translate.xmlsafe`): a document declaring
entities or an internal DOCTYPE subset is refused before parsing (no billion laughs, no
XXE), and the parser never resolves entities, loads DTDs or touches the network.
Per language, preferred terms come first (canonical), admitted next,
deprecated/superseded last (still matched in source text, never written). Languages other
than en, az and it are skipped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import InputFileError, UserError
from ..languages import SUPPORTED, normalise_lang
from .model import Concept, Parsed, Problem, Term
from .text import collapse_spaces

if TYPE_CHECKING:
    from lxml import etree

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ENTRY = {"termEntry", "conceptEntry"}
_LANGSET = {"langSet", "langSec"}
_TERM_GROUP = {"tig", "ntig", "termSec"}
_RANK = {"preferredterm-admn-sts": 0, "preferred": 0, "admittedterm-admn-sts": 1,
         "admitted": 1, "deprecatedterm-admn-sts": 2, "deprecated": 2,
         "supersededterm-admn-sts": 2, "superseded": 2, "obsolete": 2}


def _local(el: etree._Element) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_tbx(data: bytes, origin: str) -> Parsed:
    """Parse TBX bytes; ``origin`` names the file in concept origins."""
    entity = re.search(rb"<!ENTITY", data, re.IGNORECASE)
    if entity:
        line = data.count(b"\n", 0, entity.start()) + 1
        return Parsed((), (), (Problem(line, "declares XML entities, which are refused for "
                                             "safety; remove the <!ENTITY ...> declarations"),))
    try:
        from .. import xmlsafe
    except ImportError:
        return Parsed((), (), (Problem(None, "reading TBX needs lxml: pip install lxml"),))
    try:
        root = xmlsafe.parse(data, origin, remove_comments=True, remove_pis=True).getroot()
    except InputFileError as exc:
        return Parsed((), (), (Problem(exc.line or 1, exc.problem),))
    if _local(root) not in ("martif", "tbx"):
        return Parsed((), (), (Problem(root.sourceline or 1, f"root element is "
                                       f"<{_local(root)}>, not a TBX <martif> or <tbx>"),))

    concepts: list[tuple[int, Concept]] = []
    languages: list[str] = []
    for entry in root.iter():
        if _local(entry) not in _ENTRY:
            continue
        line = entry.sourceline or 1
        terms: list[Term] = []
        note = ""
        for child in entry:
            name = _local(child)
            if name in ("descrip", "note") and not note:
                note = collapse_spaces("".join(child.itertext()))
            elif name in _LANGSET:
                term = _read_langset(child)
                if term is not None and term.forms and term.lang not in [t.lang for t in terms]:
                    terms.append(term)
        if not terms:
            continue
        for t in terms:
            if t.lang not in languages:
                languages.append(t.lang)
        concepts.append((line, Concept(tuple(terms), note, f"{origin}:{line}")))
    problems: list[Problem] = []
    if len(languages) < 2:
        problems.append(Problem(root.sourceline or 1, "no terms in two of "
                                f"{', '.join(SUPPORTED)}: check the xml:lang of the <langSet> "
                                "elements"))
    return Parsed(tuple(concepts), tuple(languages), tuple(problems))


def _read_langset(langset: etree._Element) -> Term | None:
    code = (langset.get(_XML_LANG) or langset.get("lang") or "").replace("_", "-")
    try:
        lang = normalise_lang(code.split("-")[0])
    except UserError:
        return None
    ranked: list[tuple[int, int, str]] = []
    for el in langset.iter():
        if _local(el) != "term":
            continue
        text = collapse_spaces("".join(el.itertext()))
        if not text:
            continue
        group = el.getparent()
        while group is not None and _local(group) not in _TERM_GROUP and group is not langset:
            group = group.getparent()
        rank = 1
        for note in (group if group is not None else langset).iter():
            if _local(note) == "termNote" and note.get("type") == "administrativeStatus":
                rank = _RANK.get(collapse_spaces(note.text or "").lower(), 1)
        ranked.append((rank, len(ranked), text))
    forms = tuple(dict.fromkeys(text for _, _, text in sorted(ranked)))
    return Term(lang, forms)
