"""QA checks run on every translation before it is written.

Each checker is a small function ``(source, target, ctx) -> list[Finding]``, listed in
:data:`CHECKERS` (the pattern of Babel's ``babel.messages.checkers``). A *critical* problem
means the string is broken (a placeholder, tag or mask token went wrong): the unit is not
written and the report says why. Other problems are warnings: the string is written and
the report lists them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .messages import parse_icu_argument, symfony_branches
from .placeholders import TOKEN_RE, find_spans, is_void_tag, loose_token_count, mask, tag_name

#: ``term_check(source, target, src, tgt)`` -> messages about glossary terms missing from
#: ``target`` (adapt ``translate.glossary.verify_terms`` to this)
TermCheck = Callable[[str, str, str, str], Sequence[str]]


@dataclass(frozen=True, slots=True)
class Finding:
    """What one checker found wrong with a translation (``critical``: it may not be
    written; else a warning)."""

    check: str
    message: str
    critical: bool = True


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What the checks know besides the two strings: the languages, the glossary hook, and
    the formats the unit declares (``c-format``, ``symfony``...; none: universal set)."""

    src: str
    tgt: str
    term_check: TermCheck | None = None
    formats: frozenset[str] = frozenset()


Checker = Callable[[str, str, CheckContext], list[Finding]]


# ----------------------------------------------------------------------------- helpers


def placeholder_signature(text: str, *, icu_branch: bool = False,
                          formats: frozenset[str] = frozenset()) -> list[str]:
    """Everything protected in ``text``; an ICU argument counts as its name, type and
    selectors plus the placeholders of each branch (branch text is translated); a Symfony
    pipe plural its pipes and intervals plus the placeholders of each branch."""
    if "symfony" in formats and not icu_branch:
        branches = symfony_branches(text)
        if branches is not None:
            rest = formats - {"symfony"}
            out = [f"|{prefix.strip()}" for prefix, _ in branches]
            for _, body in branches:
                out.extend(placeholder_signature(body, formats=rest))
            return out
    out: list[str] = []
    for sp in find_spans(text, icu_branch=icu_branch, formats=formats):
        if sp.kind != "icu":
            out.append(sp.text)
            continue
        arg = parse_icu_argument(sp.text)
        if arg is None:
            out.append(sp.text)
            continue
        out.append(f"{{{arg.name}, {arg.kind}}}")
        for sel, body in zip(arg.selectors, arg.bodies, strict=True):
            out.append(f"{{{arg.name}, {arg.kind}, {sel} {{...}}}}")
            out.extend(placeholder_signature(body, icu_branch=arg.kind != "select"))
    return out


_POSITIONAL_PRINTF = re.compile(r"%(?![(%{])(?!\d+\$)")


def _positional(text: str, formats: frozenset[str] = frozenset()) -> list[str]:
    """Placeholders whose order matters: printf without ``%1$`` / ``%(name)``, and ``{}``."""
    return [sp.text for sp in find_spans(text, formats=formats)
            if (sp.kind == "printf" and _POSITIONAL_PRINTF.match(sp.text) and sp.text != "%%")
            or (sp.kind == "format" and sp.text.startswith(("{}", "{!", "{:")))]


def _tags(text: str) -> list[str]:
    return [sp.text for sp in find_spans(text) if sp.kind == "tag"]


def _attr(tag: str, name: str) -> str | None:
    m = re.search(rf"\s{name}\s*=\s*[\"']([^\"']*)[\"']", tag)
    return m.group(1) if m else None


_STARTS = {"bx": "id", "sc": "id", "bpt": "id"}
_ENDS = {"ex": "id", "ec": "startRef", "ept": "id"}


def _tag_problems(tags: Sequence[str]) -> list[str]:
    problems: list[str] = []
    stack: list[str] = []
    started: set[tuple[str, str]] = set()
    for tag in tags:
        name = tag_name(tag)
        if name in _STARTS:
            ident = _attr(tag, "rid") or _attr(tag, _STARTS[name])
            if ident is not None:
                started.add((name, ident))
            continue
        if name in _ENDS:
            ident = _attr(tag, "rid") or _attr(tag, _ENDS[name])
            start = {"ex": "bx", "ec": "sc", "ept": "bpt"}[name]
            if ident is not None and (start, ident) not in started:
                problems.append(f"{tag} comes before its start")
            continue
        if is_void_tag(tag):
            continue
        if tag.startswith("</"):
            if not stack or stack[-1] != name:
                problems.append(f"{tag} closes nothing open" if not stack
                                else f"{tag} closes <{stack[-1]}>")
            else:
                stack.pop()
        else:
            stack.append(name)
    problems.extend(f"<{name}> is not closed" for name in stack)
    return problems


def _numbers(text: str) -> Counter[str]:
    plain = TOKEN_RE.sub(" ", mask(text).text)
    return Counter(re.sub(r"[.,\u00a0\u202f ]", "", m.group())
                   for m in re.finditer(r"\d+(?:[.,\u00a0\u202f]\d+)*", plain))


def _words(text: str) -> list[str]:
    plain = TOKEN_RE.sub(" ", mask(text).text)
    return re.findall(r"[^\W\d_]+", plain)


def _describe(items: Counter[str]) -> str:
    return ", ".join(f"{k!r}" + (f" x{n}" if n > 1 else "") for k, n in items.items())


# ----------------------------------------------------------------------------- checkers


def check_empty(source: str, target: str, ctx: CheckContext) -> list[Finding]:
    """A non-empty source must not come back empty."""
    if source.strip() and not target.strip():
        return [Finding("empty", "the translation is empty")]
    return []


def check_placeholders(source: str, target: str, ctx: CheckContext) -> list[Finding]:
    """Placeholders, markup and ICU structure identical as a multiset."""
    want = Counter(placeholder_signature(source, formats=ctx.formats))
    got = Counter(placeholder_signature(target, formats=ctx.formats))
    if want == got:
        return []
    parts = []
    if want - got:
        parts.append(f"missing {_describe(want - got)}")
    if got - want:
        parts.append(f"unexpected {_describe(got - want)}")
    return [Finding("placeholders", "; ".join(parts))]


def check_placeholder_order(source: str, target: str, ctx: CheckContext) -> list[Finding]:
    """Positional placeholders (``%s``, ``%d``, ``{}``) must keep their order."""
    want, got = _positional(source, ctx.formats), _positional(target, ctx.formats)
    if Counter(want) == Counter(got) and want != got:
        return [Finding("placeholder-order",
                        f"positional placeholders reordered: {' '.join(got)} instead of "
                        f"{' '.join(want)} (use numbered ones, e.g. %1$s, to reorder)")]
    return []


def check_tags(source: str, target: str, ctx: CheckContext) -> list[Finding]:
    """Tags balanced and properly nested in the target when they were in the source."""
    source_problems = _tag_problems(_tags(source))
    if source_problems:
        return []
    return [Finding("tags", p) for p in _tag_problems(_tags(target))]


def check_mask_tokens(source: str, target: str, ctx: CheckContext) -> list[Finding]:
    """No mask token (``__PH0__``) may survive into the output."""
    extra = loose_token_count(target) - loose_token_count(source)
    if extra > 0:
        return [Finding("mask-token", f"{extra} mask token(s) leaked into the translation")]
    return []


def check_edges(source: str, target: str, ctx: CheckContext) -> list[Finding]:
    """Leading and trailing newlines as in the source (msgfmt --check requires it)."""
    problems = []
    if source.startswith("\n") != target.startswith("\n"):
        problems.append(Finding("newlines", "a leading newline was added or lost"))
    if source.endswith("\n") != target.endswith("\n"):
        problems.append(Finding("newlines", "a trailing newline was added or lost"))
    return problems


#: anything that looks like a placeholder in any syntax (the net behind the specific
#: checks): %-codes, {...}, %...%, $...$, <...>, &...;
GENERIC_RE = re.compile(r"""
    %[A-Za-z_][\w.-]*%                                   # %name%
  | %(?:\([^()\s]*\)|\{[^{}\s]*\})[-+#0]*\d*(?:\.\d+)?[A-Za-z]?  # %(n)d %{name}
  | %(?:\d+\$)?[-+#0']*\d*(?:\.\d+)?[A-Za-z]+               # %s %1$s %.2f %lu %m %L1
  | %\d+                                                # %1
  | \{\{[^{}]*\}\} | \{[^{}\s]*\}                           # {{x}} {0} {name} {0:N2}
  | \$[A-Za-z_][\w.]*\$ | \$\{[^{}]*\} | \$t\([^()]*\)          # $name$ ${x} $t(key)
  | <[^<>\s][^<>]*> | &[#\w]+;                            # <b> </b> <x/> &amp;
""", re.VERBOSE)


def generic_tokens(text: str) -> Counter[str]:
    return Counter(m.group() for m in GENERIC_RE.finditer(text))


def check_generic(source: str, target: str, ctx: CheckContext) -> list[Finding]:
    """The net behind the specific checks: every token that looks like a placeholder in
    any syntax and is in the source must be in the target as many times."""
    want, got = generic_tokens(source), generic_tokens(target)
    if ctx.formats and "symfony" in ctx.formats:
        want, got = _without_intervals(want), _without_intervals(got)
    wrong = Counter({k: n for k, n in want.items() if got[k] != n})
    if wrong:
        return [Finding("variables", "placeholder-like text not kept as many times as in the "
                                     f"source: {_describe(wrong)}")]
    return []


def _without_intervals(tokens: Counter[str]) -> Counter[str]:
    return Counter({k: n for k, n in tokens.items() if not re.fullmatch(r"\{[\d,\s-]*\}", k)})


def check_newlines(source: str, target: str, ctx: CheckContext) -> list[Finding]:
    """As many line breaks as the source (pofilter ``newlines``)."""
    problems = []
    for name, ch in (("\\n", "\n"), ("\\r", "\r")):
        if source.count(ch) != target.count(ch):
            problems.append(Finding("newlines", f"{source.count(ch)} {name} in the source, "
                                                f"{target.count(ch)} in the translation"))
    return problems


_ESCAPE_RE = re.compile(r"\\.")


def check_escapes(source: str, target: str, ctx: CheckContext) -> list[Finding]:
    """Backslash escapes (``\\n``, ``\\t``, ``\\\\``, ``\\"``) kept (pofilter ``escapes``)."""
    want = Counter(m.group() for m in _ESCAPE_RE.finditer(source))
    got = Counter(m.group() for m in _ESCAPE_RE.finditer(target))
    if want != got:
        return [Finding("escapes", f"escapes differ: {_describe(want) or 'none'} in the "
                                   f"source, {_describe(got) or 'none'} in the translation")]
    return []


def check_untranslated(source: str, target: str, ctx: CheckContext) -> list[Finding]:
    """Output identical to a non-trivial source (two or more lowercase words) is not a
    translation. Names, acronyms and titles in capitals are allowed to stay."""
    if ctx.src == ctx.tgt or target != source:
        return []
    lowercase = [w for w in _words(source) if len(w) >= 3 and w.islower()]
    if len(lowercase) >= 2:
        return [Finding("untranslated", "left untranslated (the output equals the source)")]
    return []


def check_numbers(source: str, target: str, ctx: CheckContext) -> list[Finding]:
    """Numbers written in digits kept (a warning: "20th" may become "XX")."""
    missing = _numbers(source) - _numbers(target)
    if missing:
        return [Finding("numbers", f"number(s) missing: {_describe(missing)}", critical=False)]
    return []


def check_glossary(source: str, target: str, ctx: CheckContext) -> list[Finding]:
    """Glossary terms present (through the ``term_check`` hook; a warning)."""
    if ctx.term_check is None:
        return []
    return [Finding("glossary", msg, critical=False)
            for msg in ctx.term_check(source, target, ctx.src, ctx.tgt)]


CHECKERS: tuple[Checker, ...] = (
    check_empty,
    check_placeholders,
    check_placeholder_order,
    check_tags,
    check_mask_tokens,
    check_generic,
    check_edges,
    check_newlines,
    check_escapes,
    check_untranslated,
    check_numbers,
    check_glossary,
)


def run_checks(source: str, target: str, ctx: CheckContext,
               checkers: Sequence[Checker] = CHECKERS) -> list[Finding]:
    """All problems of ``target`` as a translation of ``source``."""
    problems: list[Finding] = []
    for check in checkers:
        problems.extend(check(source, target, ctx))
    return problems
