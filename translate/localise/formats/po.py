"""gettext ``.pot`` / ``.po`` through Babel (``babel.messages.pofile``).

msgctxt, translator and extracted comments, references, flags, obsolete entries and
unknown header fields are kept. Plural messages get one ``msgstr[i]`` per plural form of
the target catalog: from the existing output's header, from a source catalog already in
the target language, or Babel's CLDR-based default for a new catalog.

Two Babel behaviours are worked around here, both in small subclasses:

* xgettext's template header ``Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;`` makes
  ``read_po`` raise ``ValueError`` (python-babel/babel#1154); it is read as "not set".
* Babel adds or drops the ``python-format`` flag by guessing from the msgid; a catalog's
  own flags are kept as written (a wrong guess makes ``msgfmt --check`` reject strings
  such as "100% of users").
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
from collections.abc import Mapping

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, PoFileParser, write_po

from ...errors import InputFileError
from ..plurals import gettext_plural_forms, plural_forms_problem, spread
from ..units import DEFAULT_WRITE, Document, Existing, Fill, Unit, WriteOptions

NAME = "po"
EXTENSIONS = (".po", ".pot")


def sniff(head: bytes) -> bool:
    """A PO file: its first line with text is a comment or a ``msgctxt``/``msgid``."""
    for line in head.removeprefix(b"\xef\xbb\xbf").splitlines():
        if line.strip():
            return line.lstrip().startswith((b"#", b"msgctxt", b"msgid"))
    return False

_KNOWN_HEADERS = {
    "project-id-version", "report-msgid-bugs-to", "pot-creation-date", "po-revision-date",
    "last-translator", "language", "language-team", "plural-forms", "mime-version",
    "content-type", "content-transfer-encoding", "generated-by",
}


class _Catalog(Catalog):
    """A Babel catalog that tolerates template headers and keeps unknown header fields."""

    extra_headers: list[tuple[str, str]]

    def _set_mime_headers(self, headers) -> None:  # noqa: ANN001 - Babel's signature
        kept = []
        extra = []
        for name, value in headers:
            lname = str(name).lower()
            if lname == "plural-forms" and ("INTEGER" in value or "EXPRESSION" in value):
                continue
            if lname not in _KNOWN_HEADERS:
                extra.append((name, value))
            kept.append((name, value))
        self.extra_headers = extra
        super()._set_mime_headers(kept)

    def _get_mime_headers(self) -> list[tuple[str, str]]:
        headers = super()._get_mime_headers()
        extra = getattr(self, "extra_headers", [])
        if extra:
            last = headers.pop()  # Babel's "Generated-By" ends the header block
            headers.extend(extra)
            headers.append(last)
        return headers

    def set_plural_forms(self, nplurals: int, expr: str) -> None:
        self._num_plurals = nplurals
        self._plural_expr = expr


class _Parser(PoFileParser):
    """Keeps each message's flags exactly as the file has them."""

    def _add_message(self) -> None:
        flags = {f for f in self.flags if f}
        msgid = (tuple(m.denormalize() for m in self.messages) if len(self.messages) > 1
                 else self.messages[0].denormalize())
        context = self.context.denormalize() if self.context else None
        obsolete = self.obsolete
        super()._add_message()
        if not hasattr(self, "_file_flags"):
            self._file_flags: dict[object, set[str]] = {}
        key = (obsolete, self.catalog._key_for(msgid, context))
        msg = (self.catalog.obsolete.get(key[1]) if obsolete
               else self.catalog._messages.get(key[1]))
        if msg is not None and msg.id:
            msg.flags = self._file_flags.setdefault(key, set())
            msg.flags |= flags


_KEYWORD_RE = re.compile(rb"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]*(.*)$")
_STRING_RE = re.compile(rb'^"((?:[^"\\]|\\.)*)"[ \t]*$')
_ESCAPE_RE = re.compile(rb"\\(.)")
_VALID_ESCAPES = set(b"ntbrfva\\\"01234567x")


def check_syntax(data: bytes, path: str) -> None:
    """Refuse what ``msgfmt`` refuses and Babel silently repairs: an unterminated string,
    an invalid escape, text after a string, an entry without ``msgstr``, ``msgstr[i]``
    without ``msgid_plural``. Raises :class:`InputFileError` with FILE:LINE."""
    entry: dict[str, int] = {}   # keyword -> line, for the entry being read

    def end_entry(line: int) -> None:
        if "msgid" in entry:
            if not any(k.startswith("msgstr") for k in entry):
                raise InputFileError(path, "msgid without msgstr: add msgstr \"\" after it",
                                     entry["msgid"])
            plural = "msgid_plural" in entry
            if plural and "msgstr" in entry:
                raise InputFileError(path, "a plural entry (msgid_plural) needs msgstr[0], "
                                           "msgstr[1]..., not msgstr", entry["msgstr"])
            indexed = [n for k, n in entry.items() if k.startswith("msgstr[")]
            if not plural and indexed:
                raise InputFileError(path, "msgstr[N] without msgid_plural: use msgstr",
                                     min(indexed))
        entry.clear()

    last = None
    for no, raw in enumerate(data.split(b"\n"), 1):
        line = raw.rstrip(b"\r").strip()
        if line.startswith(b"#~"):
            line = line[2:].lstrip()
        elif line.startswith(b"#") or not line:
            if line.startswith(b"#") and entry.get("msgid") and any(
                    k.startswith("msgstr") for k in entry):
                end_entry(no)
            continue
        m = _KEYWORD_RE.match(line)
        if m:
            kw = m.group(1).decode()
            if kw in ("msgid", "msgctxt") and any(k.startswith("msgstr") for k in entry):
                end_entry(no)
            if kw == "msgid" and "msgid" in entry:
                raise InputFileError(path, "msgid without msgstr: add msgstr \"\" after it",
                                     entry["msgid"])
            entry.setdefault(kw, no)
            rest = m.group(3)
            last = kw
        elif line.startswith(b'"') and last is not None:
            rest = line
        else:
            continue  # Babel reports what else is malformed
        sm = _STRING_RE.match(rest)
        if not sm:
            if rest.startswith(b'"') and not re.search(rb'(?<!\\)(?:\\\\)*"[ \t]*$', rest[1:]):
                raise InputFileError(path, "unterminated string: add the closing \"", no)
            raise InputFileError(path, "expected one quoted string after the keyword", no)
        for esc in _ESCAPE_RE.finditer(sm.group(1)):
            if esc.group(1)[0] not in _VALID_ESCAPES:
                raise InputFileError(path, f"invalid escape \\{esc.group(1).decode('latin-1')} "
                                           "in a string: write \\\\ for a backslash", no)
    end_entry(no if data else 1)


def _parse(data: bytes, path: str) -> _Catalog:
    check_syntax(data, path)
    catalog = _Catalog(creation_date=_now())
    parser = _Parser(catalog, abort_invalid=True)
    try:
        parser.parse(io.BytesIO(data))
    except PoFileError as exc:
        problem = str(exc).rsplit(" on ", 1)[0]
        raise InputFileError(path, f"not a valid PO file: {problem}", exc.lineno + 1) from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputFileError(path, f"cannot be decoded as {catalog.charset}: "
                                   "fix the Content-Type charset or convert the file", line
                             ) from None
    except (ValueError, IndexError, AttributeError, LookupError) as exc:
        raise InputFileError(path, f"not a valid PO file ({exc})") from None
    if catalog._num_plurals is not None:
        problem = plural_forms_problem(catalog._num_plurals, catalog._plural_expr)
        if problem is not None:
            m = re.search(rb"^\"Plural-Forms:", data, re.MULTILINE | re.IGNORECASE)
            raise InputFileError(path, problem, data.count(b"\n", 0, m.start()) + 1 if m
                                 else None)
    return catalog


def _has_header(data: bytes, name: bytes) -> bool:
    head = data.split(b"\n\n", 1)[0]
    return re.search(rb'^"' + re.escape(name) + rb":", head, re.MULTILINE | re.IGNORECASE) \
        is not None


#: how the translator comment naming a unit's review reasons starts
REVIEW_COMMENT = "review: "


def _key(msgid: str, context: str | None) -> str:
    return f"{context}\x04{msgid}" if context is not None else msgid


def read(data: bytes, path: str, lang: str | None = None) -> Document:
    """Read a ``.po``/``.pot``; ``lang`` is unused (the catalog declares its own)."""
    catalog = _parse(data, path)
    units = []
    for msg in catalog:
        if not msg.id:
            continue
        units.append(_unit(msg))
    target = catalog.locale_identifier
    return Document(path, NAME, tuple(units), data,
                    target_lang=target.split("_")[0] if target else None)


def _unit(msg: Message) -> Unit:
    if isinstance(msg.id, (list, tuple)):
        source, plural = msg.id[0], msg.id[1]
        strings = tuple(msg.string or ())
        translations = strings if strings and all(strings) else ()
    else:
        source, plural = msg.id, None
        translations = (msg.string,) if msg.string else ()
    loc = None
    if msg.locations:
        fname, line = msg.locations[0]
        loc = f"{fname}:{line}" if line is not None else fname
    return Unit(
        key=_key(source, msg.context),
        source=source,
        context=msg.context,
        source_plural=plural,
        translations=translations,
        flags=frozenset(msg.flags),
        notes=tuple(msg.auto_comments) + tuple(msg.user_comments),
        location=loc,
    )


def existing(doc: Document, lang: str | None = None) -> dict[str, Existing]:
    """Translations the catalog holds (all plural forms filled), with their fuzzy flag."""
    return {u.key: Existing(u.translations, u.fuzzy) for u in doc.units if u.translations}


def _now() -> _dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.UTC)
    return _dt.datetime.now(_dt.UTC).replace(second=0, microsecond=0)


def _messages_signature(catalog: Catalog) -> list[tuple]:
    return [(m.id, m.context, m.string, sorted(m.flags)) for m in catalog if m.id]


def target_catalog(doc: Document, tgt: str, previous: Document | None = None, *,
                   plural_rules: str = "gettext") -> _Catalog:
    """The source catalog re-targeted at ``tgt``: locale and plural forms set."""
    catalog = _parse(doc.data, doc.path)
    same_lang = doc.target_lang == tgt
    prev = _parse(previous.data, previous.path) if previous is not None else None
    if prev is not None and prev.locale_identifier and prev.locale_identifier.split("_")[0] \
            == tgt and prev._num_plurals is not None:
        nplurals, expr = prev.num_plurals, prev.plural_expr
    elif same_lang and catalog._num_plurals is not None:
        nplurals, expr = catalog.num_plurals, catalog.plural_expr
    else:
        nplurals, expr = gettext_plural_forms(tgt, plural_rules)
    if not same_lang:
        catalog.locale = tgt.replace("-", "_")  # gettext's spelling: en_XA
    catalog.set_plural_forms(nplurals, expr)
    catalog.fuzzy = False
    if prev is not None and not _has_header(doc.data, b"POT-Creation-Date"):
        # the template has no date: keep the one already written, or every rerun would
        # rewrite an unchanged catalog with a new "now"
        catalog.creation_date = prev.creation_date
    extra = [(k, v) for k, v in getattr(catalog, "extra_headers", [])]
    if prev is not None:
        # the target file's own extra fields (X-Poedit-..., Language-Team mail...) win
        names = {k.lower() for k, _ in getattr(prev, "extra_headers", [])}
        extra = [(k, v) for k, v in extra if k.lower() not in names] \
            + list(getattr(prev, "extra_headers", []))
    from ... import __version__

    extra = [(k, v) for k, v in extra if k.lower() != "x-generator"]
    catalog.extra_headers = [*extra, ("X-Generator", f"translate {__version__}")]
    if prev is not None:
        if prev.last_translator and "FULL NAME" not in prev.last_translator:
            catalog.last_translator = prev.last_translator
        if prev.language_team and "LANGUAGE" not in prev.language_team:
            catalog.language_team = prev.language_team
    return catalog


def write(doc: Document, fills: Mapping[str, Fill], tgt: str,
          previous: Document | None = None, *, src: str | None = None,
          options: WriteOptions = DEFAULT_WRITE) -> bytes:
    """The catalog of ``doc`` for ``tgt`` with ``fills`` written in; untouched messages
    keep their translation only when ``doc`` already is a ``tgt`` catalog."""
    catalog = target_catalog(doc, tgt, previous, plural_rules=options.plural_rules)
    nplurals, expr = catalog.num_plurals, catalog.plural_expr
    same_lang = doc.target_lang == tgt
    for msg in catalog:
        if not msg.id:
            continue
        plural = isinstance(msg.id, (list, tuple))
        key = _key(msg.id[0] if plural else msg.id, msg.context)
        fill = fills.get(key)
        if fill is not None:
            if plural:
                if fill.forms is not None and len(fill.forms) == nplurals:
                    msg.string = tuple(fill.forms)
                else:
                    text = fill.forms[0] if fill.forms else fill.text
                    other = fill.forms[-1] if fill.forms else (fill.plural or fill.text)
                    msg.string = spread(text, other, nplurals, expr)
            else:
                msg.string = fill.forms[0] if fill.forms else fill.text
            if fill.fuzzy:
                msg.flags.add("fuzzy")
            else:
                msg.flags.discard("fuzzy")
            # a translator comment says why a unit is flagged for review (one line,
            # replaced on every run)
            msg.user_comments = [c for c in msg.user_comments
                                 if not c.startswith(REVIEW_COMMENT)]
            if fill.review:
                msg.user_comments.append(REVIEW_COMMENT + "; ".join(fill.review))
        elif not same_lang:
            msg.string = ("",) * nplurals if plural else ""
            msg.flags.discard("fuzzy")
        elif plural:
            strings = tuple(msg.string or ())
            msg.string = (strings + ("",) * nplurals)[:nplurals]

    prev = _parse(previous.data, previous.path) if previous is not None else None
    if prev is not None and _messages_signature(prev) == _messages_signature(catalog):
        catalog.revision_date = prev.revision_date
    else:
        catalog.revision_date = _now()
    return keep_layout(doc.data, _dump(catalog, options.width))


def _dump(catalog: Catalog, width: int = 76) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=max(width, 0), include_previous=True)
    return buf.getvalue()


# ----------------------------------------------------------------------- layout
#
# Babel re-wraps every entry at its width and re-wraps "#." comments (dropping empty
# ones). A translator's diff should show only what the job changed, so each entry of the
# written catalog whose content equals the input's entry is written as the input had it,
# byte for byte; for an entry the job changed, its comments are kept as the input had
# them when their content is the same (only the msgstr lines take Babel's layout).

_STR_LINE_RE = re.compile(r'^(?:#~\s*)?(?:#\|\s*)?'
                          r'(?:(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+)?"(.*)"\s*$')


def _blocks(text: str) -> list[str]:
    """Entries and the blank lines between them: ``"".join(_blocks(t)) == t``."""
    return re.split(r"(\n\n+)", text)


def _kind(line: str) -> str:
    return line[:2] if len(line) > 1 and line[1] in ".:,|~" else "# "


def _split(block: str) -> tuple[dict[str, list[str]], list[str]]:
    """A block's comment lines by kind (``# ``, ``#.``, ``#:``, ``#,``) and its
    keyword/string lines (``#|`` previous and ``#~`` obsolete lines included)."""
    comments: dict[str, list[str]] = {}
    strings = []
    for ln in block.split("\n"):
        if ln.startswith("#") and _kind(ln) not in ("#~", "#|"):
            comments.setdefault(_kind(ln), []).append(ln)
        elif ln:
            strings.append(ln)
    return comments, strings


def _norm_comment(kind: str, lines: list[str]) -> object:
    vals = [ln[2:].strip() if len(ln) > 1 else "" for ln in lines]
    if kind in ("#:", "#,"):
        return tuple(sorted(t.strip(",") for v in vals for t in v.split() if t.strip(",")))
    return " ".join(" ".join(vals).split())


def _norm_strings(strings: list[str]) -> tuple | None:
    out: list[list[str]] = []
    for ln in strings:
        m = _STR_LINE_RE.match(ln)
        if m is None:
            return None
        prefix = ln[:2] if ln.startswith(("#~", "#|")) else ""
        if m.group(1) or not out:
            out.append([prefix + (m.group(1) or ""), m.group(2)])
        else:
            out[-1][1] += m.group(2)
    return tuple(tuple(x) for x in out)


def _entry_key(strings: tuple | None) -> tuple | None:
    if strings is None:
        return None
    ids = tuple((k, v) for k, v in strings if k in ("msgctxt", "msgid", "#~msgctxt", "#~msgid"))
    if sum(1 for k, _ in ids if k.endswith("msgid")) != 1:
        return None
    return ids


def keep_layout(original: bytes, written: bytes) -> bytes:
    """``written`` with every entry whose content is the same as in ``original`` laid out
    as ``original`` has it, and, in a changed entry, each kind of comment whose content
    is the same."""
    src = original.decode("latin-1")
    if "\r\n" in src:
        return written
    before: dict[tuple, tuple[str, dict[str, list[str]], tuple]] = {}
    for block in _blocks(src)[::2]:
        body = block.strip("\n")
        comments, strings = _split(body)
        norm = _norm_strings(strings)
        key = _entry_key(norm)
        if key is not None and key not in before:
            before[key] = (body, comments, norm)
    if not before:
        return written
    parts = _blocks(written.decode("latin-1"))
    for i in range(0, len(parts), 2):
        body = parts[i].strip("\n")
        if not body:
            continue
        comments, strings = _split(body)
        norm = _norm_strings(strings)
        key = _entry_key(norm)
        old = before.get(key) if key is not None else None
        if old is None:
            continue
        old_body, old_comments, old_strings = old
        same = {k for k in set(comments) | set(old_comments)
                if _norm_comment(k, comments.get(k, [])) ==
                _norm_comment(k, old_comments.get(k, []))}
        if old_strings == norm and same == set(comments) | set(old_comments):
            new = old_body
        else:
            lines = []
            for k in ("# ", "#.", "#:", "#,"):
                lines.extend(old_comments.get(k, []) if k in same else comments.get(k, []))
            new = "\n".join([*lines, *strings])
        parts[i] = parts[i].replace(body, new, 1)
    out = "".join(parts)
    if out.endswith("\n\n") and not src.endswith("\n\n"):
        out = out.rstrip("\n") + ("\n" if src.endswith("\n") else "")
    return out.encode("latin-1")


def compile_mo(po_data: bytes, path: str) -> bytes:
    """A ``.mo`` for a written ``.po`` (fuzzy entries left out, as msgfmt does)."""
    catalog = _parse(po_data, path)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def output_name(name: str) -> str:
    """``messages.pot`` -> ``messages.po``."""
    return name[:-1] if name.endswith(".pot") else name
