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
    if check_rules(rules) == "gettext" and lang in _msginit_table():
        return _msginit_table()[lang]
    rule = get_plural(lang)
    return rule.num_plurals, rule.plural_expr


@cache
def singular_index(nplurals: int, expr: str) -> int:
    """The form a gettext catalog uses for n = 1 (0 for every language here)."""
    try:
        index = int(gettext.c2py(expr)(1))
    except (ValueError, SyntaxError, TypeError, RecursionError):
        return 0
    return index if 0 <= index < nplurals else 0


def spread(text: str, plural: str, nplurals: int, expr: str) -> tuple[str, ...]:
    """One string per gettext form: ``text`` for the n = 1 form, ``plural`` elsewhere."""
    one = singular_index(nplurals, expr)
    return tuple(text if i == one else plural for i in range(nplurals))


@cache
def cldr_categories(lang: str, ordinal: bool = False, rules: str = "cldr") -> tuple[str, ...]:
    """The CLDR categories ``lang`` needs, in canonical order (always with ``other``);
    with ``rules="gettext"`` (cardinal only) ``many`` is left out where gettext's rule has
    fewer forms than CLDR (Italian: ``one``, ``other``)."""
    loc = Locale.parse(lang)
    rule = loc.ordinal_form if ordinal else loc.plural_form
    tags = set(rule.tags) | {"other"}
    cats = tuple(c for c in CATEGORIES if c in tags)
    if check_rules(rules) == "gettext" and not ordinal \
            and gettext_plural_forms(lang, "gettext")[0] < len(cats) and "many" in cats:
        cats = tuple(c for c in cats if c != "many")
    return cats
