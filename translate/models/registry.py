"""Which checkpoint translates which direction, and the route for pairs without one.

Resolution order for a direction ``src-tgt``: an explicit override (``--model``), then a
models directory (``--models-dir`` / ``TRANSLATE_MODELS_DIR`` holding ``DIR/src-tgt/``),
then the defaults in ``defaults.toml``. A pair with no checkpoint anywhere pivots through
English (az -> en -> it).
"""

from __future__ import annotations

import errno
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import UserError, param
from ..languages import LANGUAGES, PSEUDO_LOCALES, SUPPORTED, normalise_lang, pseudo_source

PIVOT = "en"


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A checkpoint for one direction: a hub id or a local directory, and its target token.

    ``target_token`` is ``None`` for bilingual checkpoints, and for multilingual ones whose
    token is chosen from the tokenizer's codes when the model is loaded.
    """

    ref: str
    target_token: str | None = None
    origin: str = "default"  # default | models-dir | override | pseudo

    @property
    def pseudo(self) -> bool:
        """A pseudo-locale's step (:class:`translate.pseudo.PseudoEngine`, no model)."""
        return self.origin == "pseudo"

    def __str__(self) -> str:
        return self.ref + (f":{self.target_token}" if self.target_token else "")


@dataclass(frozen=True, slots=True)
class Step:
    """One model call on a route: translate ``src`` into ``tgt`` with ``spec``."""

    src: str
    tgt: str
    spec: ModelSpec


def _unusable(path: Path) -> str:
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"is a symlink loop ({path} -> {os.readlink(path)})"
        if path.is_symlink():
            return f"is a broken symlink (to {os.readlink(path)})"
        return f"cannot be read ({exc.strerror or exc})"
    return "is a file, not a directory"


def _load_defaults() -> dict[tuple[str, str], ModelSpec]:
    text = resources.files(__package__).joinpath("defaults.toml").read_text(encoding="utf-8")
    models = {}
    for direction, entry in tomllib.loads(text).items():
        src, tgt = direction.split("-")
        models[(src, tgt)] = ModelSpec(entry["model"], entry.get("target_token"))
    return models


DEFAULT_MODELS = _load_defaults()
#: language -> the ``>>code<<`` tokens a multilingual checkpoint may use for it, by
#: preference (``target_tokens`` in ``translate/languages.toml``)
TARGET_TOKENS = {code: lang.target_tokens for code, lang in LANGUAGES.items()}

_OVERRIDE = re.compile(r"^\s*(?P<src>[A-Za-z_]+)-(?P<tgt>[A-Za-z_]+)\s*=\s*(?P<ref>.+?)"
                       r"(?::(?P<token>>>[^<>\s]+<<))?\s*$")


def parse_override(value: str) -> tuple[tuple[str, str], ModelSpec]:
    """Parse ``en-it=PATH_OR_HUB_ID`` (optionally ``...:>>code<<``), an item of ``models``."""
    m = _OVERRIDE.match(value)
    if not m:
        raise UserError(f"{param('models', repr(value))}: expected SRC-TGT=PATH_OR_HUB_ID, "
                        f"e.g. {param('models', 'en-it=./opus-mt-en-it')}")
    pair = (normalise_lang(m["src"]), normalise_lang(m["tgt"]))
    if pair[0] == pair[1]:
        raise UserError(f"{param('models', repr(value))}: source and target are the same "
                        "language")
    return pair, ModelSpec(m["ref"], m["token"], origin="override")


def _as_spec(value: ModelSpec | tuple[str, str]) -> ModelSpec:
    if isinstance(value, ModelSpec):
        return value
    if isinstance(value, tuple):
        return ModelSpec(value[0], value[1], origin="override")
    return ModelSpec(str(value), origin="override")  # e.g. a Path


class ModelRegistry:
    """Maps each direction to a :class:`ModelSpec` and plans routes (with pivots)."""

    def __init__(self, overrides: Mapping[str, str | ModelSpec | tuple[str, str]]
                 | Iterable[str] | None = None, models_dir: str | Path | None = None) -> None:
        self.overrides: dict[tuple[str, str], ModelSpec] = {}
        if isinstance(overrides, Mapping):
            for key, value in overrides.items():
                if isinstance(value, str):
                    # the same parser as "en-az=REF": "REF:>>aze_Latn<<" names the target token
                    pair, spec = parse_override(f"{key}={value}")
                else:
                    pair, spec = parse_override(f"{key}=x")[0], _as_spec(value)
                self.overrides[pair] = spec
        elif overrides:
            for item in overrides:
                pair, spec = parse_override(item)
                self.overrides[pair] = spec
        self.models_dir = Path(models_dir).expanduser() if models_dir else None
        if self.models_dir is not None and not self.models_dir.is_dir():
            raise UserError(f"{param('models_dir', self.models_dir)}: no such directory; "
                            "create it or point TRANSLATE_MODELS_DIR elsewhere")

    def direct(self, src: str, tgt: str) -> ModelSpec | None:
        """The checkpoint for ``src -> tgt`` itself, or ``None`` when there is none."""
        if (src, tgt) in self.overrides:
            return self.overrides[(src, tgt)]
        if self.models_dir is not None:
            candidate = self.models_dir / f"{src}-{tgt}"
            if candidate.is_dir():
                return ModelSpec(str(candidate), origin="models-dir")
            if os.path.lexists(candidate):  # there, but not a usable folder: say so
                raise UserError(f"{param('models_dir')} entry {candidate}: {_unusable(candidate)}; "
                                "fix or remove it (a checkpoint is a directory)")
        return DEFAULT_MODELS.get((src, tgt))

    def route(self, src: str, tgt: str) -> tuple[Step, ...]:
        """The model calls that take ``src`` text to ``tgt``: one, or two through English."""
        if src == tgt:
            return ()
        if src in PSEUDO_LOCALES:
            raise UserError(pseudo_source(src))
        if tgt in PSEUDO_LOCALES:  # the model route to its language, then the pseudo step
            base = PSEUDO_LOCALES[tgt]
            return self.route(src, base) + (Step(base, tgt, ModelSpec(f"pseudo:{tgt}",
                                                                      origin="pseudo")),)
        spec = self.direct(src, tgt)
        if spec is not None:
            return (Step(src, tgt, spec),)
        if PIVOT in (src, tgt):
            raise UserError(f"no model for {src}->{tgt}: pass "
                            f"{param('models', f'{src}-{tgt}=PATH_OR_HUB_ID')}")
        return self.route(src, PIVOT) + self.route(PIVOT, tgt)

    def describe(self) -> list[dict[str, str]]:
        """Rows for ``translate models``: each direction and where its checkpoint comes from."""
        rows = []
        for src in SUPPORTED:
            for tgt in SUPPORTED:
                if src != tgt:
                    steps = self.route(src, tgt)
                    rows.append({"direction": f"{src}-{tgt}",
                                 "route": " + ".join(f"{s.src}-{s.tgt}" for s in steps),
                                 "models": ", ".join(str(s.spec) for s in steps)})
        return rows
