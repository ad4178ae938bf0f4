"""How each app platform names a language in its file layout (pure functions).

The job speaks BCP 47 (``it``, ``az``, ``pt-BR``, the pseudo-locale ``en-XA``); the
platforms spell it their own way:

* Android resource qualifiers: ``values-it``, ``values-en-rXA`` (language, ``r`` +
  region), and ``values-b+zh+Hant+TW`` when there is a script (BCP 47 form);
* Apple ``.lproj`` folders and String Catalogs: the BCP 47 tag itself (``en-XA.lproj``);
* Java ``ResourceBundle`` and Flutter ARB file names: underscores (``messages_en_XA``,
  ``app_en_XA.arb``).
"""

from __future__ import annotations

import re

_SUBTAG_RE = re.compile(r"^[A-Za-z0-9]{1,8}$")


def _subtags(lang: str) -> list[str]:
    parts = re.split(r"[-_]", lang)
    if not parts or not all(_SUBTAG_RE.match(p) for p in parts):
        raise ValueError(f"not a language tag: {lang!r}")
    return parts


def _split(lang: str) -> tuple[str, str | None, str | None]:
    """``(language, script, region)`` of a tag: ``zh-Hant-TW`` -> ``zh``, ``Hant``, ``TW``."""
    parts = _subtags(lang)
    language, script, region = parts[0].lower(), None, None
    for p in parts[1:]:
        if len(p) == 4 and p.isalpha():
            script = p.title()
        elif (len(p) == 2 and p.isalpha()) or (len(p) == 3 and p.isdigit()):
            region = p.upper()
    return language, script, region


def android(lang: str) -> str:
    """The Android resource qualifier: ``it``, ``en-rXA``, ``b+zh+Hant+TW``."""
    language, script, region = _split(lang)
    if script is not None:
        return "+".join(["b", language, script, *([region] if region else [])])
    return f"{language}-r{region}" if region else language


def apple(lang: str) -> str:
    """The Apple localisation identifier (``.lproj`` folder, catalog key): ``en-XA``."""
    language, script, region = _split(lang)
    return "-".join([language, *([script] if script else []), *([region] if region else [])])


def underscored(lang: str) -> str:
    """Java ``ResourceBundle`` / Flutter ARB suffix: ``it``, ``en_XA``, ``zh_Hant_TW``."""
    return apple(lang).replace("-", "_")
