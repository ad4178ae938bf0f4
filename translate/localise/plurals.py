"""Plural forms of the target languages: what ``msginit`` writes, or CLDR's (Babel).

gettext catalogs number their forms (``nplurals``, ``plural=EXPRESSION``); i18next JSON
names them by CLDR category (``_one``, ``_many``, ``_other``). Two rule sets
(``--plural-rules``): ``gettext`` (the default) is what GNU ``msginit`` writes for a new
catalog (``gettext_plural`` in ``translate/languages.toml``; Italian ``nplurals=2;
plural=(n != 1);``), and for JSON the CLDR categories without those gettext does not
distinguish (Italian ``_one``, ``_other``); ``cldr`` is Babel's CLDR data (Italian gained
``many`` for 1000000 in CLDR 42+).
"""

from __future__ import annotations

import gettext
from functools import cache

from babel import Locale
from babel.messages.plurals import get_plural

#: CLDR plural categories in their canonical order
CATEGORIES = ("zero", "one", "two", "few", "many", "other")
#: the rule sets of ``--plural-rules``
RULES = ("gettext", "cldr")
#: the most plural forms a language has: CLDR's largest has 6 (Arabic); a catalog may
#: declare up to the limit ``nplurals`` (:class:`~translate.limits.Limits`, 6 by default)
MAX_PLURAL_FORMS = 6
#: the values of ``n`` a catalog's plural expression is tried on, as ``msgfmt --check``
_CHECKED_N = range(1001)


@cache
def _msginit_table() -> dict[str, tuple[int, str]]:
    """``gettext_plural`` of each language in ``translate/languages.toml``."""
    from ..languages import LANGUAGES

    return {code: lang.gettext_plural for code, lang in LANGUAGES.items()
            if lang.gettext_plural is not None}


def check_rules(rules: str) -> str:
    if rules not in RULES:
        from ..errors import UserError

        raise UserError(f"unknown plural rules {rules!r}: use {' or '.join(RULES)}")
    return rules


@cache
def gettext_plural_forms(lang: str, rules: str = "gettext") -> tuple[int, str]:
    """``(nplurals, plural expression)`` for a new catalog in ``lang``: what msginit
    writes (``rules="gettext"``) or CLDR's (``"cldr"``)."""
    from ..languages import rules_lang

    lang = rules_lang(lang)  # en-XA: English's
    if check_rules(rules) == "gettext" and lang in _msginit_table():
        return _msginit_table()[lang]
    rule = get_plural(lang)
    return rule.num_plurals, rule.plural_expr


@cache
def singular_index(nplurals: int, expr: str) -> int:
    """The form a gettext catalog uses for n = 1 (0 for every language here)."""
    try:
        index = int(gettext.c2py(expr)(1))
    except (ValueError, SyntaxError, TypeError, RecursionError, ArithmeticError):
        return 0
    return index if 0 <= index < nplurals else 0


def plural_forms_problem(nplurals: int, expr: str) -> str | None:
    """What is wrong with a catalog's ``Plural-Forms`` (``None``: nothing), as
    ``msgfmt --check`` sees it: more forms than any language has, an expression that does
    not parse, divides by zero or picks a form past ``nplurals`` for some n in 0..1000."""
    from ..limits import current

    limits = current()
    if nplurals < 1:
        return f"Plural-Forms declares nplurals={nplurals}; a language has at least 1"
    if nplurals > limits.nplurals:
        return limits.over("nplurals", f"Plural-Forms declares nplurals={nplurals}; a "
                                       f"language has 1 to {MAX_PLURAL_FORMS} plural forms")
    try:
        pick = gettext.c2py(expr)
    except (ValueError, SyntaxError, TypeError, RecursionError) as exc:
        return f"the Plural-Forms expression {expr!r} cannot be read ({exc})"
    for n in _CHECKED_N:
        try:
            form = pick(n)
        except ArithmeticError:
            return f"the Plural-Forms expression {expr!r} divides by zero for n={n}"
        except RecursionError:
            return f"the Plural-Forms expression {expr!r} nests too deeply"
        if not 0 <= form < nplurals:
            return (f"the Plural-Forms expression {expr!r} picks form {form} for n={n}, "
                    f"but nplurals={nplurals}")
    return None


def spread(text: str, plural: str, nplurals: int, expr: str) -> tuple[str, ...]:
    """One string per gettext form: ``text`` for the n = 1 form, ``plural`` elsewhere."""
    one = singular_index(nplurals, expr)
    return tuple(text if i == one else plural for i in range(nplurals))


@cache
def cldr_categories(lang: str, ordinal: bool = False, rules: str = "cldr") -> tuple[str, ...]:
    """The CLDR categories ``lang`` needs, in canonical order (always with ``other``);
    with ``rules="gettext"`` (cardinal only) ``many`` is left out where gettext's rule has
    fewer forms than CLDR (Italian: ``one``, ``other``)."""
    from ..languages import rules_lang

    lang = rules_lang(lang)
    loc = Locale.parse(lang)
    rule = loc.ordinal_form if ordinal else loc.plural_form
    tags = set(rule.tags) | {"other"}
    cats = tuple(c for c in CATEGORIES if c in tags)
    if check_rules(rules) == "gettext" and not ordinal \
            and gettext_plural_forms(lang, "gettext")[0] < len(cats) and "many" in cats:
        cats = tuple(c for c in cats if c != "many")
    return cats
