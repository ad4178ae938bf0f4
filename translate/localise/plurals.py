"""Plural forms of the target languages, from Babel's CLDR data.

gettext catalogs number their forms (``nplurals``, ``plural=EXPRESSION``); i18next JSON
names them by CLDR category (``_one``, ``_many``, ``_other``). Both come from Babel, so a
newer CLDR (Italian gained ``many`` for 1000000 in CLDR 42+) is picked up automatically.
"""

from __future__ import annotations

import gettext
from functools import cache

from babel import Locale
from babel.messages.plurals import get_plural

#: CLDR plural categories in their canonical order
CATEGORIES = ("zero", "one", "two", "few", "many", "other")


@cache
def gettext_plural_forms(lang: str) -> tuple[int, str]:
    """``(nplurals, plural expression)`` Babel uses for a new catalog in ``lang``."""
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
def cldr_categories(lang: str, ordinal: bool = False) -> tuple[str, ...]:
    """The CLDR categories ``lang`` needs, in canonical order (always with ``other``)."""
    loc = Locale.parse(lang)
    rule = loc.ordinal_form if ordinal else loc.plural_form
    tags = set(rule.tags) | {"other"}
    return tuple(c for c in CATEGORIES if c in tags)
