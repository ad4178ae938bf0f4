"""The languages this toolkit translates between, and how users may name them.

One registry, :data:`LANGUAGES`, read from ``languages.toml``: per language its name,
aliases, script, document tag, sentence rules, glossary morphology, the ``>>code<<`` of
multilingual checkpoints, the default gettext plural rule and its language-detection
letters. Every other module asks here instead of listing languages itself.
"""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from .errors import UserError, param


@dataclass(frozen=True, slots=True)
class Language:
    """One supported language (a table of ``languages.toml``; the fields are described
    there)."""

    code: str
    name: str
    script: str
    aliases: tuple[str, ...] = ()
    office_tag: str = ""
    segment_rules: str = ""
    morphology: str = ""
    target_tokens: tuple[str, ...] = ()
    gettext_plural: tuple[int, str] | None = None
    langid_letters: tuple[tuple[str, float], ...] = ()
    langid_elision: str | None = None
    pseudo: str = ""


def _load() -> dict[str, Language]:
    text = resources.files(__package__).joinpath("languages.toml").read_text("utf-8")
    out = {}
    for code, entry in tomllib.loads(text).items():
        plural = entry.pop("gettext_plural", None)
        out[code] = Language(
            code,
            aliases=tuple(entry.pop("aliases", ())),
            target_tokens=tuple(entry.pop("target_tokens", ())),
            gettext_plural=(int(plural[0]), str(plural[1])) if plural else None,
            langid_letters=tuple((str(a), float(w)) for a, w in entry.pop("langid_letters", ())),
            **entry)
    return out


#: code -> :class:`Language`, in the order languages are offered
LANGUAGES: dict[str, Language] = _load()
SUPPORTED = tuple(LANGUAGES)
NAMES = {code: lang.name for code, lang in LANGUAGES.items()}
_ALIASES = {alias: code for code, lang in LANGUAGES.items() for alias in lang.aliases}
#: pseudo-locale -> the language whose rules it follows (``pseudo`` in ``languages.toml``):
#: a target only, served by :class:`translate.pseudo.PseudoEngine`
PSEUDO_LOCALES = {lang.pseudo: code for code, lang in LANGUAGES.items() if lang.pseudo}
_PSEUDO_KEYS = {p.lower().replace("-", "_"): p for p in PSEUDO_LOCALES}
#: every target a command or the server accepts
TARGETS = (*SUPPORTED, *PSEUDO_LOCALES)


def rules_lang(code: str) -> str:
    """The language whose rules (sentences, plurals, words) ``code`` follows: itself, or
    for a pseudo-locale (``en-XA``) the language it is made from."""
    return PSEUDO_LOCALES.get(code, code)


def is_pseudo(code: str) -> bool:
    return code in PSEUDO_LOCALES


def pseudo_source(code: str) -> str:
    """The message refusing a pseudo-locale as a source language."""
    return (f"{code} is a pseudo-locale: use it as a target only (translate from "
            f"{PSEUDO_LOCALES[code]} or another language)")


def one_of(words: Iterable[str] = SUPPORTED, last: str = "or") -> str:
    """``"en, az or it"``: words listed for a message or a help text."""
    words = list(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}" if len(words) > 1 else "".join(words)


def load_named(ref: str) -> type:
    """The class a ``languages.toml`` entry names as ``"module:Class"``."""
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def normalise_lang(code: str, *, allow_auto: bool = False) -> str:
    """Return the two-letter code for ``code`` or raise a one-line :class:`UserError`."""
    key = code.strip().lower().replace("-", "_")
    if allow_auto and key == "auto":
        return "auto"
    key = _ALIASES.get(key, key)
    if key in SUPPORTED:
        return key
    if key in _PSEUDO_KEYS:  # en-XA keeps its spelling: it is written as a tag
        return _PSEUDO_KEYS[key]
    choices = ", ".join(SUPPORTED) + (", auto" if allow_auto else "")
    choices += "".join(f" (or {p} as a target)" for p in PSEUDO_LOCALES)
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
