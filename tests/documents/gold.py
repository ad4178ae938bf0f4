"""The gold word alignments of the shared corpus as a translator (for projection tests).

:class:`GoldTranslator` answers ``translate_batch`` for the corpus sentences with the human
reference translation and the hand-made gold links (``../shared/corpus/alignment``), as
:class:`WordLink` character spans; az<->it links are composed through English. It tests
the markup projection and the document readers/writers against the corpus rules, with the
alignment the placement rules were written from: no model is involved or claimed.
"""

from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from support import ROOT

SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").is_dir() else Path("/work/shared")
CORPUS = SHARED / "corpus"
HTML = CORPUS / "html"
ALIGN = CORPUS / "alignment"


@dataclass(frozen=True)
class GoldLink:
    src: tuple[int, int]
    tgt: tuple[int, int]


@dataclass(frozen=True)
class GoldTranslation:
    source: str
    text: str
    src: str
    tgt: str
    models: tuple[str, ...] = ("gold",)
    warnings: tuple[str, ...] = ()
    terms: tuple = ()
    alignment: tuple[GoldLink, ...] = ()


@cache
def _tokenizer():
    spec = importlib.util.spec_from_file_location("corpus_tokenize", ALIGN / "tokenize.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def token_spans(text: str, lang: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for tok in _tokenizer().tokenize(text, lang):
        i = text.index(tok, pos)
        spans.append((i, i + len(tok)))
        pos = i + len(tok)
    return spans


@cache
def rows() -> list[dict[str, str]]:
    with (CORPUS / "khojaly-rome.aligned.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@cache
def gold_pairs(tgt: str) -> list[list[tuple[int, int]]]:
    lines = (ALIGN / f"en-{tgt}.align").read_text(encoding="utf-8").splitlines()
    return [[tuple(int(x) for x in p.split("-")) for p in line.split()] for line in lines]


FOOTER_AZ = "Bütün xəbərlər Facebook səhifəmizdə"


def _sentence(row: dict[str, str], lang: str) -> str:
    if lang == "en" and row["en"] == "All news on our Facebook page":
        return row["en"]
    return row[lang]


def _links(k: int, src: str, tgt: str) -> list[tuple[int, int]]:
    """Token index pairs of row ``k`` from ``src`` to ``tgt`` (composed through en)."""
    if src == "en":
        return gold_pairs(tgt)[k]
    if tgt == "en":
        return [(j, i) for i, j in gold_pairs(src)[k]]
    to_en = [(j, i) for i, j in gold_pairs(src)[k]]
    en_to = gold_pairs(tgt)[k]
    return sorted({(a, c) for a, b in to_en for b2, c in en_to if b == b2})


class GoldTranslator:
    """``translate_batch`` over the corpus sentences, with gold alignment."""

    def translate_batch(self, texts, src, tgt, align=False):
        out = []
        for text in texts:
            k, row = next((k, r) for k, r in enumerate(rows())
                          if _sentence(r, src) == text
                          or (src == "az" and k == 17 and text == FOOTER_AZ))
            target = _sentence(row, tgt)
            if k == 17 and src == "az":
                text_src_lang = "az"
            else:
                text_src_lang = src
            s_spans = token_spans(text, text_src_lang)
            t_spans = token_spans(target, tgt)
            links = tuple(GoldLink(s_spans[i], t_spans[j]) for i, j in _links(k, src, tgt)) \
                if align else ()
            out.append(GoldTranslation(text, target, src, tgt, alignment=links))
        return out


@dataclass(frozen=True)
class _Step:
    src: str
    tgt: str


def _route(self, src, tgt):
    if "en" in (src, tgt):
        return (_Step(src, tgt),)
    return (_Step(src, "en"), _Step("en", tgt))


GoldTranslator.route = _route
