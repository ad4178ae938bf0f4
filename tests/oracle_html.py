"""The ``en-XA`` oracle for HTML (issue 23): is a translation the same document with only
the letters of its text changed and brackets added, every element around its own words?

:func:`compare` reads the source and the output with Python's ``html.parser`` into
tokens (tags, comments, declarations with their exact bytes; the text between them,
decoded) and returns the differences, each a readable line:

* the token sequences are the same: every tag, comment, doctype byte for byte (only the
  values of translated attributes, ``alt``, ``title``, ``aria-label``, ``placeholder``,
  a ``<meta>``'s ``content``, and ``<html lang>`` may differ);
* the text between two tokens is its source text once the letters are put back and the
  brackets taken out: so no element is empty, split or merged, no word or space crosses
  a tag, adjacency is kept;
* text that is never translated (``script``, ``style``, ``pre``, ``textarea``, ``svg``,
  ``math``, ``template``, ``code``, ``kbd``, ``samp``, ``var``, ``translate="no"``,
  class ``notranslate``, a link whose text is a URL, an e-mail address or a handle) is
  byte for byte the source;
* all other text is translated: every ASCII letter is its accented look-alike (nothing
  is silently left in English).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from translate.pseudo import ACCENTED, PLAIN

__all__ = ["Item", "compare", "items", "norm"]

_UNDO = str.maketrans(ACCENTED, PLAIN, "[]")
_ACCENT = str.maketrans(PLAIN, ACCENTED)
KEPT_ELEMENTS = frozenset({"script", "style", "pre", "textarea", "svg", "math", "template",
                           "code", "kbd", "samp", "var"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "param", "source", "track", "wbr"})
TRANSLATED_ATTRIBUTES = frozenset({"alt", "title", "aria-label", "placeholder"})
#: a URL, an e-mail address or a handle: kept as it is (issue #23)
NOT_PROSE = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://\S+|www\.\S+|[^\s@]+@[^\s@]+\.[a-z]{2,}|@[\w.-]+(?:@[\w.-]+)?"
    r"|#\w+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/\S*)", re.IGNORECASE)


def norm(text: str) -> str:
    """Text with the pseudo letters put back and the brackets taken out."""
    return text.translate(_UNDO)


@dataclass(frozen=True, slots=True)
class Item:
    kind: str  # tag (start/end/comment/decl: raw bytes) | text (decoded)
    raw: str
    line: int
    tag: str = ""  # for tags: the name (end tags: "/name")
    attrs: tuple = ()
    kept: bool = False  # text never translated (see module doc)


class _Reader(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.events: list[tuple[int, str, str, tuple]] = []  # offset, kind, tag, attrs

    def _at(self) -> int:
        line, col = self.getpos()
        return self.starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        self.events.append((self._at(), "start", tag, tuple(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.events.append((self._at(), "start", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.events.append((self._at(), "end", tag, ()))

    def handle_data(self, data):
        self.events.append((self._at(), "text", "", ()))

    def handle_comment(self, data):
        self.events.append((self._at(), "other", "", ()))

    handle_decl = handle_pi = unknown_decl = handle_comment


def items(text: str) -> list[Item]:
    """The document as tokens: tags with their bytes, the text between them decoded
    (consecutive text joined), each text marked ``kept`` when it is never translated."""
    r = _Reader(text)
    r.feed(text)
    r.close()
    events = r.events
    out: list[Item] = []
    for k, (at, kind, tag, attrs) in enumerate(events):
        end = events[k + 1][0] if k + 1 < len(events) else len(text)
        raw = text[at:end]
        line = text.count("\n", 0, at) + 1
        if kind == "text":
            if out and out[-1].kind == "text":
                prev = out.pop()
                raw = prev.raw + raw
                line = prev.line
            out.append(Item("text", raw, line))
        else:
            out.append(Item("tag", raw, line, ("/" + tag) if kind == "end" else tag, attrs))
    return _mark_kept(out)


def _kept_start(item: Item) -> bool:
    if item.tag in KEPT_ELEMENTS:
        return True
    attrs = dict(item.attrs)
    return ((attrs.get("translate") or "").strip().lower() == "no"
            or "notranslate" in (attrs.get("class") or "").split())


def _mark_kept(seq: list[Item]) -> list[Item]:
    # links whose whole text is a URL, an e-mail address or a handle
    link_kept: set[int] = set()
    opened: list[tuple[int, list[str]]] = []
    for i, it in enumerate(seq):
        if it.kind == "tag" and it.tag == "a":
            opened.append((i, []))
        elif it.kind == "tag" and it.tag == "/a" and opened:
            start, parts = opened.pop()
            whole = html.unescape("".join(parts)).strip()
            if whole and NOT_PROSE.fullmatch(whole):
                link_kept.add(start)
        elif it.kind == "text":
            for _, parts in opened:
                parts.append(it.raw)
    stack: list[tuple[str, bool]] = []
    out = []
    for i, it in enumerate(seq):
        kept = any(k for _, k in stack)
        if it.kind == "text":
            out.append(Item("text", it.raw, it.line, kept=kept))
            continue
        out.append(it)
        if it.tag.startswith("/"):
            name = it.tag[1:]
            for j in range(len(stack) - 1, -1, -1):
                if stack[j][0] == name:
                    del stack[j:]
                    break
        elif it.tag and it.tag not in VOID and not it.raw.rstrip().endswith("/>"):
            stack.append((it.tag, _kept_start(it) or i in link_kept))
    return out


def _attrs_differ(src: Item, out: Item) -> str | None:
    if [k for k, _ in src.attrs] != [k for k, _ in out.attrs]:
        return "attribute names differ"
    meta = src.tag == "meta" and (dict(src.attrs).get("name") or dict(src.attrs).get(
        "property") or "").lower() in ("description", "og:title", "og:description",
                                         "twitter:title", "twitter:description")
    for (k, a), (_, b) in zip(src.attrs, out.attrs, strict=True):
        if a == b:
            continue
        if src.tag == "html" and k in ("lang", "xml:lang"):
            continue
        if (k in TRANSLATED_ATTRIBUTES or (meta and k == "content")) and norm(b or "") == (
                a or "").translate(_UNDO):
            continue
        return f"attribute {k}={a!r} became {b!r}"
    return None


def _untranslated(src: str, out: str) -> str | None:
    """The first source word whose letters are left in plain ASCII in the output (``out``
    equals ``src`` up to letters and brackets, so without brackets they line up)."""
    src = src.replace("[", "").replace("]", "")
    out = out.replace("[", "").replace("]", "")
    keep = [m.span() for m in NOT_PROSE.finditer(src)]  # kept as it is (#23)
    for m in re.finditer(r"\S+", src):
        word = m.group()
        for k in range(m.start(), m.end()):
            if any(a <= k < b for a, b in keep):
                continue
            if re.match("[a-pr-zA-PR-Z]", src[k]) and out[k] != src[k].translate(_ACCENT):
                return word
    return None


def compare(source: str, output: str, *, limit: int = 20) -> list[str]:
    """The differences between ``source`` and its ``en-XA`` translation ``output`` that
    break the oracle property (empty: none). At most ``limit`` are listed."""
    a, b = items(source), items(output)
    problems: list[str] = []
    i = j = 0
    while i < len(a) and j < len(b) and len(problems) < limit:
        x, y = a[i], b[j]
        where = f"line {x.line}"
        if y.kind == "text" and x.kind != "text" and y.raw and not y.raw.strip("[]"):
            j += 1  # a bracket of the output outside the elements: added text
            continue
        if x.kind != y.kind:
            if x.kind == "text" and not x.raw.strip():
                problems.append(f"{where}: white space {x.raw!r} lost before {y.raw[:60]!r}")
                i += 1
                continue
            problems.append(f"{where}: {x.raw[:60]!r} became {y.raw[:60]!r}")
            break  # the sequences no longer line up
        if x.kind == "tag":
            if x.raw != y.raw:
                why = _attrs_differ(x, y) if x.tag == y.tag else "a different tag"
                if why or x.tag != y.tag:
                    problems.append(f"{where}: {x.raw[:80]!r} became {y.raw[:80]!r}"
                                    f"{': ' + why if why else ''}")
                    if x.tag != y.tag:
                        break
        elif x.kept:
            if x.raw != y.raw:
                problems.append(f"{where}: text never translated changed: {x.raw[:60]!r} "
                                f"became {y.raw[:60]!r}")
        else:
            src, out = html.unescape(x.raw), html.unescape(y.raw)
            if norm(out) != src.translate(_UNDO):
                problems.append(f"{where}: text {src[:70]!r} became {out[:70]!r}")
            else:
                word = _untranslated(src, out)
                if word is not None:
                    problems.append(f"{where}: {word!r} left untranslated in {out[:70]!r}")
        i += 1
        j += 1
    while j < len(b) and i == len(a) and b[j].kind == "text" and not b[j].raw.strip("[]"):
        j += 1
    if not problems and (i < len(a) or j < len(b)):
        rest = (a[i:] or b[j:])[0]
        problems.append(f"line {rest.line}: {'source' if i < len(a) else 'output'} has more "
                        f"after {rest.raw[:60]!r}")
    return problems
