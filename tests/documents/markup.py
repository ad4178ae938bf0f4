"""Reading elements back out of an HTML result, with parsers independent of ours."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.found: list[dict] = []
        self.open: list[dict] = []
        self.body = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.body = True
            return
        if not self.body or tag in ("p", "h1", "h2", "li", "div"):
            return
        el = {"tag": tag, "attrs": tuple(attrs), "start": len("".join(self.text))}
        self.found.append(el)
        if tag in ("br", "img", "wbr", "input"):
            before = "".join(self.text)
            el["text"] = before[-12:]  # what it follows
        else:
            self.open.append(el)

    def handle_endtag(self, tag):
        for el in reversed(self.open):
            if el["tag"] == tag:
                el["text"] = "".join(self.text)[el["start"]:]
                self.open.remove(el)
                break

    def handle_data(self, data):
        if self.body:
            self.text.append(data)


def elements(html: str) -> list[dict]:
    """Inline elements of the body in document order: tag, attributes and the text each
    wraps (for a void element, the text just before it)."""
    p = _Elements()
    p.feed(html)
    p.close()
    return p.found


def sequence(html: str) -> list[tuple]:
    return [(e["tag"], e["attrs"]) for e in elements(html)]


def wrapped_exactly(got: str, expected: str) -> int:
    """How many elements wrap exactly the text they wrap in ``expected`` (same sequence)."""
    return sum(a["text"] == b["text"] and (a["tag"], a["attrs"]) == (b["tag"], b["attrs"])
               for a, b in zip(elements(got), elements(expected), strict=False))


def plain(html: str) -> str:
    """The text with every tag removed (entities left as they are)."""
    return re.sub(r"<[^>]*>", "", html)


def assert_well_formed(html: str) -> None:
    """html5lib in strict mode (a parse error raises) and lxml both accept it."""
    import html5lib
    import lxml.html

    parser = html5lib.HTMLParser(strict=True)
    if "<!doctype" in html[:200].lower():
        parser.parse(html)
        lxml.html.document_fromstring(html)
    else:
        parser.parseFragment(html)
        lxml.html.fragment_fromstring(html, create_parent="div")
