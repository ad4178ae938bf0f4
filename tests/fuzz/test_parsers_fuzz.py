"""Fuzz every parser a user's file reaches: it either reads the file or raises the one
error type the CLI turns into ``FILE:LINE: problem`` and exit 2 — never anything else.

Inputs are arbitrary bytes, arbitrary text, and mutations of the real sample files (so
the fuzzer gets deep into each format). Bounded: ``FUZZ_EXAMPLES`` per target (default
150), no deadline, a fixed database-free profile so CI runs are reproducible in time.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import FIXTURES, ROOT
from translate.errors import UserError

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def seeds(*paths: Path) -> list[bytes]:
    return [p.read_bytes() for p in paths if p.is_file()]


@st.composite
def mutated(draw, corpus: list[bytes]):
    """A seed file with a few bytes flipped, cut, duplicated or spliced."""
    data = bytearray(draw(st.sampled_from(corpus)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "cut", "dup", "insert"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[i:i + draw(st.integers(1, 64))]
        elif op == "dup":
            data[i:i] = data[i:i + draw(st.integers(1, 64))]
        else:
            data[i:i] = draw(st.binary(min_size=1, max_size=16))
    return bytes(data)


def inputs(corpus: list[bytes]):
    return st.one_of(st.binary(max_size=2000), st.text(max_size=800).map(str.encode),
                     mutated(corpus))


CATALOGS = FIXTURES / "catalogs"
PO = seeds(*CATALOGS.rglob("*.pot"), *CATALOGS.rglob("*.po"))
JSON = seeds(*CATALOGS.rglob("*.json"))
XLIFF = seeds(*CATALOGS.rglob("*.xlf"), *CATALOGS.rglob("*.xliff"))
GLOSSARY = seeds(ROOT / "glossaries" / "news.tsv")
TBX = [b"""<?xml version="1.0"?><tbx type="TBX-Basic" xml:lang="en"><text><body>
<conceptEntry id="c1"><langSec xml:lang="en"><termSec><term>Khojaly</term></termSec>
</langSec><langSec xml:lang="az"><termSec><term>Xocal\xc4\xb1</term></termSec></langSec>
</conceptEntry></body></text></tbx>"""]
TMX = [b"""<?xml version="1.0"?><tmx version="1.4"><header srclang="en" datatype="plaintext"
segtype="sentence" adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="t"/>
<body><tu><tuv xml:lang="en"><seg>All news</seg></tuv><tuv xml:lang="it"><seg>Tutte le
notizie</seg></tuv></tu></body></tmx>"""]


def test_seed_corpora_are_there():
    assert PO and JSON and XLIFF and GLOSSARY


@pytest.mark.parametrize("fmt", ["po", "jsonfmt", "xliff"])
def test_catalog_readers(fmt, tmp_path_factory):
    import importlib

    module = importlib.import_module(f"translate.localise.formats.{fmt}")
    corpus = {"po": PO, "jsonfmt": JSON, "xliff": XLIFF}[fmt]

    @FUZZ
    @given(inputs(corpus))
    def run(data: bytes) -> None:
        try:
            doc = module.read(data, f"fuzz.{fmt}")
        except UserError:
            return
        assert doc is not None

    run()


@pytest.mark.parametrize(("suffix", "corpus"), [(".tsv", GLOSSARY), (".csv", GLOSSARY),
                                                (".tbx", TBX)])
def test_glossary_loader(suffix, corpus, tmp_path_factory):
    from translate.glossary import check_file, load_glossary

    path = tmp_path_factory.mktemp("g") / f"fuzz{suffix}"

    @FUZZ
    @given(inputs(corpus))
    def run(data: bytes) -> None:
        path.write_bytes(data)
        problems = check_file(path)
        assert all(p.startswith(str(path)) for p in problems)
        try:
            load_glossary(path)
        except UserError:
            assert problems  # load fails only on a file check_file also faults
            return
        assert not problems

    run()


def test_tmx_import(tmp_path_factory):
    from translate.memory import TranslationMemory, import_tmx

    tmp = tmp_path_factory.mktemp("tmx")
    path = tmp / "fuzz.tmx"
    tm = TranslationMemory(tmp / "tm.sqlite")

    @FUZZ
    @given(inputs(TMX))
    def run(data: bytes) -> None:
        path.write_bytes(data)
        try:
            import_tmx(path, tm)
        except UserError:
            pass

    run()


def test_article_reader_and_segmenter():
    from translate.segment import segment
    from translate.textio import read_text

    @FUZZ
    @given(inputs(seeds(FIXTURES / "corpus" / "khojaly-rome.az.txt")),
           st.sampled_from(["en", "az", "it"]))
    def run(data: bytes, lang: str) -> None:
        try:
            text = read_text(data, "fuzz.txt")
        except UserError:
            return
        pos = 0
        for seg in segment(text, lang):
            assert text[seg.start:seg.end] == seg.text and not text[pos:seg.start].strip()
            pos = seg.end

    run()
