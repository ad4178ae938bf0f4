"""TEST DOUBLES for the job logic only: deterministic pure-Python stand-ins for
``translate_batch(texts, src, tgt) -> list[str]``. They are not models and prove nothing
about translation quality; the end-to-end tests through the real MarianMT fixture
checkpoints live with the Translator.

``mangling_translate`` behaves like a sloppy MT model: it "translates" by uppercasing
words and tagging the language, and in some inputs it lowercases or spaces out mask
tokens (which restore must undo), drops or repeats a token (which QA must catch), or
echoes the input unchanged.
"""

from __future__ import annotations

import re
import time
import zlib

_TOKEN = re.compile(r"__PH(\d+)__")


def _h(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def clean_translate(texts: list[str], src: str, tgt: str) -> list[str]:
    """Uppercase the words outside mask tokens and prefix the language: ``[it] HELLO``."""
    out = []
    for t in texts:
        parts = _TOKEN.split(t)
        words = [p if i % 2 else p.upper() for i, p in enumerate(parts)]
        text = "".join(w if i % 2 == 0 else f"__PH{w}__" for i, w in enumerate(words))
        out.append(f"[{tgt}] {text}")
    return out


def mangling_translate(texts: list[str], src: str, tgt: str) -> list[str]:
    """Like :func:`clean_translate`, but mistreats mask tokens in a deterministic share of
    the inputs (chosen by a hash of the text)."""
    out = []
    for t, clean in zip(texts, clean_translate(texts, src, tgt), strict=True):
        tokens = _TOKEN.findall(t)
        h = _h(t) % 7
        if tokens and h == 0:      # lowercase and space out every token
            clean = _TOKEN.sub(lambda m: f" __ ph{m.group(1)} __ ", clean)
        elif tokens and h == 1:    # drop the first token
            clean = clean.replace(f"__PH{tokens[0]}__", "", 1)
        elif tokens and h == 2:    # repeat the last token
            clean = clean.replace(f"__PH{tokens[-1]}__", f"__PH{tokens[-1]}__ __PH{tokens[-1]}__")
        elif tokens and h == 3:    # invent a token
            clean = clean + " __PH99__"
        elif h == 4:               # spaces before punctuation next to tokens
            clean = re.sub(r"(__PH\d+__)([.,!?)])", r"\1 \2", clean)
        out.append(clean)
    return out


class CountingTranslate:
    """Wraps a translate function; counts calls and texts."""

    def __init__(self, fn=clean_translate, delay: float = 0.0) -> None:  # noqa: ANN001
        self.fn = fn
        self.delay = delay
        self.calls = 0
        self.texts: list[str] = []
        self.pairs: list[tuple[str, str]] = []  # (target language, text)

    def __call__(self, texts: list[str], src: str, tgt: str) -> list[str]:
        self.calls += 1
        self.texts.extend(texts)
        self.pairs.extend((tgt, t) for t in texts)
        if self.delay:
            time.sleep(self.delay)
        return self.fn(texts, src, tgt)
