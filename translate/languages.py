"""The languages this toolkit translates between, and how users may name them."""

from __future__ import annotations

from .errors import UserError, param

SUPPORTED = ("en", "az", "it")
NAMES = {"en": "English", "az": "Azerbaijani", "it": "Italian"}
_ALIASES = {
    "eng": "en", "english": "en",
    "aze": "az", "azj": "az", "aze_latn": "az", "azerbaijani": "az",
    "ita": "it", "italian": "it",
}


def normalise_lang(code: str, *, allow_auto: bool = False) -> str:
    """Return the two-letter code for ``code`` or raise a one-line :class:`UserError`."""
    key = code.strip().lower().replace("-", "_")
    if allow_auto and key == "auto":
        return "auto"
    key = _ALIASES.get(key, key)
    if key in SUPPORTED:
        return key
    choices = ", ".join(SUPPORTED) + (", auto" if allow_auto else "")
    raise UserError(f"unknown or unsupported language {code!r}: use one of {choices}")


def parse_lang_list(value: str) -> list[str]:
    """``"az,it"`` -> ``["az", "it"]``, each checked, duplicates dropped, order kept."""
    out: list[str] = []
    for part in value.split(","):
        if part.strip():
            lang = normalise_lang(part)
            if lang not in out:
                out.append(lang)
    if not out:
        raise UserError(f"no target language given: use {param('targets', 'LANG[,LANG...]')}, "
                        f"e.g. {param('targets', 'az,it')}")
    return out
