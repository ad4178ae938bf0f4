"""The ``en-XA`` oracle for Markdown (issue 23): a document translated to the pseudo-locale
must be the source with only its letters accented and brackets added around segments.

:func:`differences` compares a source and its ``en-XA`` output structurally and returns
what differs (empty: the oracle holds):

* the front matter (YAML ``---`` or TOML ``+++``) parses to the same values, each string
  equal after :func:`plain` (letters back, brackets dropped);
* the markdown-it-py token stream (CommonMark, tables, strikethrough: the reader's own
  parser) has the same tokens: type, tag, nesting, attributes (link URLs, titles), markup,
  info strings, code exactly; each inline text equal after :func:`plain` (text tokens that
  were only an added bracket dropped, neighbouring text tokens joined);
* raw HTML keeps every tag byte for byte, its text equal after :func:`plain`;
* the footnote references and definition labels (``[^1]``, ``[^1]:``) are the same, in
  the same order; no backslash is added before a bracket or ``<`` (``\\[`` for a
  pseudo bracket), but where a bracket in a link's text has its pair outside the link.
"""

from __future__ import annotations

import html
import re
import tomllib

import yaml
from markdown_it import MarkdownIt

from translate.pseudo import unpseudo

__all__ = ["differences", "plain", "untranslated"]

_FM = re.compile(r"\A(---|\+\+\+)[ \t]*\r?\n(.*?)^(?:---|\.\.\.|\+\+\+)[ \t]*$", re.S | re.M)
_FOOTNOTE = re.compile(r"(?<!\\)\[\^([^\]\s]+)\]")
_FOOTNOTE_DEF = re.compile(r"^[ \t>]*\[\^([^\]\s]+)\]:", re.M)
# a translated ``*`` or ``_`` may get a backslash where it could pair with markup (the
# token stream shows whether it did any harm); brackets and ``<`` only where needed
_ESCAPES = ("\\[", "\\]", "\\<")
_TAG = re.compile(r"<[^>]*>")


def plain(text: str) -> str:
    """``text`` with the pseudo letters back and every bracket dropped."""
    return unpseudo(text).replace("[", "").replace("]", "")


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


def _split(text: str) -> tuple[str, object, str]:
    m = _FM.match(text)
    if not m:
        return "", None, text
    kind, raw = m.group(1), m.group(2)
    try:
        value = tomllib.loads(raw) if kind == "+++" else yaml.safe_load(raw)
    except Exception as exc:  # noqa: BLE001 - reported as a difference
        value = f"unparsable front matter: {exc}"
    return kind, value, "\n" * m.group(0).count("\n") + text[m.end():]


def _values(value):
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, dict):
        return {k: _values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_values(v) for v in value]
    return value


_TEXT_ATTR = re.compile(r"""((?:alt|title|aria-label|placeholder)\s*=\s*)("[^"]*"|'[^']*')""")


def _html(content: str) -> tuple:
    """Raw HTML: its tags (the values of text attributes after :func:`plain`) and text."""
    tags = tuple(_TEXT_ATTR.sub(lambda m: m.group(1) + plain(m.group(2)), tag)
                 for tag in _TAG.findall(content))
    return tags, plain(html.unescape(_TAG.sub("\x00", content)))


def _inline(children) -> list[tuple]:
    out: list[tuple] = []
    for c in children or ():
        if c.type == "text":
            text = plain(c.content)
            if not text:
                continue
            if out and out[-1][0] == "text":
                out[-1] = ("text", out[-1][1] + text)
                continue
            out.append(("text", text))
        elif c.type == "image":
            out.append(("image", tuple(sorted(c.attrs.items())), plain(c.content)))
        else:
            content = c.content if c.type in ("code_inline", "html_inline") else ""
            out.append((c.type, c.tag, c.nesting, tuple(sorted(c.attrs.items())), c.markup,
                        content))
    return out


def _tokens(body: str) -> list[tuple]:
    out: list[tuple] = []
    for t in _parser().parse(body):
        if t.type == "inline":
            out.append(("inline", _inline(t.children)))
        elif t.type == "html_block":
            out.append(("html_block", _html(t.content)))
        else:
            content = t.content if t.type in ("code_block", "fence") else ""
            out.append((t.type, t.tag, t.nesting, tuple(sorted(t.attrs.items())), t.markup,
                        t.info, content))
    return out


def _link_brackets(token) -> int:
    depth, n = 0, 0
    for c in token.children or ():
        depth += c.type == "link_open"
        depth -= c.type == "link_close"
        if depth and c.type == "text":
            n += c.content.count("[") + c.content.count("]")
    return n


def differences(source: str, output: str) -> list[str]:
    """What breaks the oracle property between ``source`` and its ``en-XA`` ``output``
    (each item names the first differing place); empty when it holds."""
    problems: list[str] = []
    kind_a, fm_a, body_a = _split(source)
    kind_b, fm_b, body_b = _split(output)
    if kind_a != kind_b:
        problems.append(f"front matter {kind_a!r} became {kind_b!r}")
    elif _values(fm_a) != _values(fm_b):
        problems.append(f"front matter: {_values(fm_a)!r} != {_values(fm_b)!r}")
    ta, tb = _tokens(body_a), _tokens(body_b)
    if len(ta) != len(tb):
        problems.append(f"{len(ta)} block tokens became {len(tb)}")
    for n, (a, b) in enumerate(zip(ta, tb, strict=False)):
        if a != b:
            problems.append(f"token {n}: {a!r}\n  became {b!r}")
            break
    for what, pattern in (("footnote references", _FOOTNOTE),
                          ("footnote definitions", _FOOTNOTE_DEF)):
        fa, fb = pattern.findall(body_a), pattern.findall(body_b)
        if fa != fb:
            problems.append(f"{what} {fa!r} became {fb!r}")
    # a bracket in a link's text needs its backslash where its pair is outside the link
    # (a segment's edge inside the link)
    env: dict = {}
    in_links = sum(_link_brackets(t) for t in _parser().parse(body_b, env)
                   if t.type == "inline")
    # and a segment's closing bracket before a label that a reference defines
    # (``[text][^1]`` would be a link)
    refs = env.get("references", {})
    in_links += sum(" ".join(m.group(1).split()).upper() in refs
                    for m in re.finditer(r"\\\]\[([^\]]*)\]", body_b))
    for esc in _ESCAPES:
        allowed = body_a.count(esc) + (in_links if esc in ("\\[", "\\]") else 0)
        if body_b.count(esc) > allowed:
            problems.append(f"{esc!r} written {body_b.count(esc)} times, "
                            f"the source has it {body_a.count(esc)} times")
    return problems


_KEPT = re.compile(r"\[?\^[^\]\s]+\]?:?|https?://\S+|www\.\S+|[^\s@]+@[^\s@]+\.[a-z]{2,}"
                   r"|@\w+|#\w+", re.IGNORECASE)  # URLs, e-mail, handles: kept (#23)
_PLAIN_LETTER = re.compile("[a-pr-zA-PR-Z]")  # q has no look-alike


def untranslated(output: str) -> list[str]:
    """The inline texts of an ``en-XA`` ``output`` that still have plain letters
    (footnote labels, URLs, e-mail addresses and handles left out): text the pipeline
    did not translate."""
    out = []
    for t in _parser().parse(_split(output)[2]):
        for c in t.children or ():
            if c.type == "text" and _PLAIN_LETTER.search(_KEPT.sub("", c.content)):
                out.append(f"line {t.map[0] + 1}: {c.content!r}")
    return out
