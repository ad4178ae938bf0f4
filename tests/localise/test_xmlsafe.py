"""One safe XML parser for XLIFF, TMX and TBX (translate.xmlsafe): an internal DOCTYPE
subset is refused in all three, through the commands a user runs; TMX keeps entity
references it cannot expand."""

from __future__ import annotations

import pytest

from translate.cli import main
from translate.memory import TranslationMemory

SUBSET = '<!DOCTYPE {root} [<!ATTLIST {el} id CDATA "x">]>\n'
ENTITY_ATTR = '<!DOCTYPE {root} [\n<!ENTITY e "EXPANDED">\n]>\n'

XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
{doctype}<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file source-language="en" datatype="plaintext" original="a"><body>
<trans-unit id="1" resname="&amp;"><source>Hello</source></trans-unit>
</body></file></xliff>
"""

TMX = """<?xml version="1.0"?>
{doctype}<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence"
 adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="x"/><body>
<tu><tuv xml:lang="en"><seg>x &b; y</seg></tuv><tuv xml:lang="it"><seg>x &b; z</seg></tuv></tu>
</body></tmx>
"""

TBX = """<?xml version="1.0"?>
{doctype}<martif type="TBX-Basic"><text><body><termEntry>
 <langSet xml:lang="en"><tig><term>cat</term></tig></langSet>
 <langSet xml:lang="az"><tig><term>pişik</term></tig></langSet>
</termEntry></body></text></martif>
"""


@pytest.mark.parametrize("template", [SUBSET, ENTITY_ATTR])
def test_xliff_with_an_internal_subset_is_refused(tmp_path, capsys, template):
    src = tmp_path / "a.xlf"
    src.write_text(XLIFF.format(doctype=template.format(root="xliff", el="trans-unit")))
    before = src.read_bytes()
    code = main(["localise", str(src), "--from", "en", "--to", "it", "-o", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert f"{src}:2: declares a DOCTYPE with an internal subset" in err
    assert src.read_bytes() == before and not (tmp_path / "o" / "it").exists()


def test_tmx_with_an_internal_subset_is_refused(tmp_path, capsys):
    tmx = tmp_path / "m.tmx"
    tmx.write_text(TMX.format(doctype=SUBSET.format(root="tmx", el="tu")).replace("&b;", "b"))
    code = main(["tm", "import", str(tmx), "--tm", str(tmp_path / "tm.sqlite")])
    err = capsys.readouterr().err
    assert code == 2 and "internal subset" in err and err.count("\n") == 1


def test_tbx_with_an_internal_subset_is_refused(tmp_path, capsys):
    tbx = tmp_path / "g.tbx"
    tbx.write_text(TBX.format(doctype=SUBSET.format(root="martif", el="termEntry")))
    code = main(["glossary", "check", str(tbx)])
    err = capsys.readouterr()
    assert code != 0 and "internal subset" in err.out + err.err


def test_tmx_import_keeps_entity_references(tmp_path):
    tmx = tmp_path / "m.tmx"
    tmx.write_text(TMX.format(doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'))
    db = tmp_path / "tm.sqlite"
    assert main(["tm", "import", str(tmx), "--tm", str(db)]) == 0
    with TranslationMemory(db) as tm:
        [entry] = [e for e in tm.entries("en", "it")]
    assert (entry.source, entry.target) == ("x &b; y", "x &b; z")
