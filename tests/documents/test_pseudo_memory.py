"""Memory of a document translated to en-XA grows by a bounded amount per input byte
(#23: peak at most 150 MB + 20x the file; #24: linear). Measured with tracemalloc as
the growth of the peak between two sizes of the same kind of page, so what the process
held before (imports, the interpreter) is taken off."""

from __future__ import annotations

import gc
import tracemalloc

from translate import Translator
from translate.documents import translate_document

XA = Translator(glossary=False)


def _page(paragraphs: int) -> bytes:
    body = "".join(
        f"<p>The council said on Monday that {i} families would get <b>new homes</b> "
        f"before the winter. Officials from the <a href='/n/{i}'>ministry</a> met the "
        f"workers in the city, and the talks went on until the evening!</p>\n"
        for i in range(paragraphs))
    return f"<!DOCTYPE html><html><body>{body}</body></html>".encode()


def _peak(data: bytes) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        result = translate_document(data, "html", "en", "en-XA", XA)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.text.count("<b>") == data.count(b"<b>")
    return peak


def test_html_to_en_xa_memory_per_input_byte_is_bounded():
    # the word links of the pseudo engine were one object and two span tuples per word,
    # held for the whole file: about 48 bytes of peak per input byte, now about 36
    translate_document(_page(10), "html", "en", "en-XA", XA)  # warm up (imports, caches)
    small, large = _page(400), _page(1600)
    per_byte = (_peak(large) - _peak(small)) / (len(large) - len(small))
    assert per_byte < 42, per_byte


def test_block_text_written_as_itself_holds_no_per_character_tuple():
    # Block.raw was a tuple of one string per character for every block of the file,
    # also where each character wrote itself (8 bytes a character): now the text itself
    # (about 36 bytes of peak per input byte before, 29 after)
    translate_document(_page(10), "html", "en", "en-XA", XA)
    small, large = _page(400), _page(1600)
    per_byte = (_peak(large) - _peak(small)) / (len(large) - len(small))
    assert per_byte < 33, per_byte
