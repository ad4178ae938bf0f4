"""Every option of a :class:`~translate.Translator`, as one frozen value.

    >>> from translate import Translator, TranslatorConfig
    >>> cfg = TranslatorConfig(models_dir="fixtures/models", device="cpu", enforce_terms=False)
    >>> tr = Translator.from_config(cfg)          # the primary form
    >>> tr = Translator(models_dir="fixtures/models", device="cpu", enforce_terms=False)

``Translator(**keywords)`` is shorthand for ``Translator.from_config(TranslatorConfig(
**keywords))``: the same keywords, the same checks. The config is also what process-pool
and Dask workers receive (:meth:`TranslatorConfig.portable`), so a worker builds exactly
the translator this process would have built. The command layer builds it once from the
command-line options.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UserError, param
from .limits import DEFAULT_LIMITS, Limits
from .models.backends import DEFAULT_BACKEND

BACKENDS = ("torch", "ctranslate2", "auto")
DEVICES = ("cpu", "cuda")


def model_args(models: Mapping[str, Any] | Iterable[str] | None) -> tuple[str, ...]:
    """Per-direction overrides as ``--model`` strings (``"en-az=REF[:>>code<<]"``), the one
    form :func:`translate.models.registry.parse_override` reads: a mapping
    ``{"en-az": "REF:>>aze_Latn<<"}``, ``{"en-az": ModelSpec(...)}`` or
    ``{"en-az": ("REF", ">>aze_Latn<<")}``, or an iterable of such strings."""
    if not models:
        return ()
    if isinstance(models, str):
        models = [models]
    if isinstance(models, Mapping):
        out = []
        for direction, value in models.items():
            if isinstance(value, tuple):
                ref = value[0] + (f":{value[1]}" if value[1] else "")
            else:
                ref = str(value)  # a ModelSpec prints as REF[:>>code<<]
            out.append(f"{direction}={ref}")
        return tuple(out)
    return tuple(str(m) for m in models)


def _glossary_setting(glossary: object) -> object:
    if glossary is None or glossary is True:
        return None
    if glossary is False:
        return False
    if isinstance(glossary, str | os.PathLike):
        return (str(glossary),)
    if isinstance(glossary, list | tuple):
        return tuple(str(g) for g in glossary) or None
    return glossary  # a translate.glossary.Glossary, used as it is


@dataclass(frozen=True)
class TranslatorConfig:
    """What a :class:`~translate.Translator` is built from.

    Args:
        models: per-direction overrides, ``--model`` strings ``"en-it=PATH_OR_HUB_ID"``
            (``"...:>>code<<"`` picks a multilingual checkpoint's target token), or a
            mapping ``{"en-it": "PATH_OR_HUB_ID"}``; stored as a tuple of strings.
        models_dir: a directory holding ``<src>-<tgt>/`` checkpoints, searched before the
            defaults (``None``: ``$TRANSLATE_MODELS_DIR`` when the translator is built).
        device: ``"cpu"`` or ``"cuda"`` (``None``: cuda when available).
        backend: ``"torch"``, ``"ctranslate2"`` or ``"auto"``.
        beam_size: beam width (``None``: 4, as OPUS-MT's generation config).
        max_batch_tokens: token budget of one decoder batch (source tokens x sentences).
        glossary: ``None`` for the shipped news glossary, ``False`` for none, glossary file
            paths (later files win), or a ``translate.glossary.Glossary``.
        enforce_terms: re-decode sentences that miss a glossary term; ``False`` only
            verifies and reports.
        allow_pickle: accept checkpoints that only ship pickle weights.
        threads: CPU threads of one backend (``None``: the backend decides).
        pseudo_expansion: for the pseudo-locale ``en-XA`` (:mod:`translate.pseudo`), pad
            each segment with ``~`` by this fraction of its length (``0.3``: about 30%
            longer) to find UI text that gets cut off; 0 (the default): no padding.
        review_below: flag a translation for review when the model's confidence in it
            (:mod:`translate.review`: the geometric mean of its token probabilities, in
            [0, 1]) is below this (default 0.5; 0 never flags by confidence). The score
            ranks sentences within one model: set it for the model you use.
        limits: what an input file may hold, checked while reading
            (:class:`~translate.limits.Limits`, a mapping ``{"cues": 500}`` or
            ``"NAME=N"`` strings): every document, catalog and server upload translated
            with this config is held to them.
    """

    models: tuple[str, ...] = ()
    models_dir: str | None = None
    device: str | None = None
    backend: str = DEFAULT_BACKEND
    beam_size: int | None = None
    max_batch_tokens: int = 4096
    glossary: object = None
    enforce_terms: bool = True
    allow_pickle: bool = False
    threads: int | None = None
    pseudo_expansion: float = 0.0
    review_below: float = 0.5
    limits: Limits = DEFAULT_LIMITS

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "limits", Limits.of(self.limits))  # type: ignore[arg-type]
        set_(self, "models", model_args(self.models))  # type: ignore[arg-type]
        if self.models_dir is not None:
            set_(self, "models_dir", str(self.models_dir))
        set_(self, "glossary", _glossary_setting(self.glossary))
        if self.device not in (None, *DEVICES):
            raise UserError(f"unknown device {self.device!r}: use cpu or cuda")
        if self.backend not in BACKENDS:
            raise UserError(f"unknown backend {self.backend!r}: use torch, ctranslate2 or auto")
        if self.beam_size is not None and self.beam_size < 1:
            raise UserError(f"{param('beam_size')} must be at least 1")
        if self.max_batch_tokens < 1:
            raise UserError(f"{param('max_batch_tokens')} must be at least 1")
        if self.threads is not None and self.threads < 1:
            raise UserError(f"{param('threads')} must be at least 1")
        if not 0 <= self.review_below <= 1:
            raise UserError(f"{param('review_below')} must be between 0 and 1 (a confidence, "
                            "e.g. 0.5)")
        if not 0 <= self.pseudo_expansion <= 10:
            raise UserError(f"{param('pseudo_expansion')} must be between 0 and 10 "
                            "(a fraction of each segment's length, e.g. 0.3)")

    def replace(self, **changes: Any) -> TranslatorConfig:
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def key(self) -> str:
        """A stable text key (workers cache one translator per key)."""
        return json.dumps(self.as_dict(), sort_keys=True, default=repr)

    def portable(self) -> TranslatorConfig:
        """This config with the local paths it names made absolute (``models_dir``, or
        ``$TRANSLATE_MODELS_DIR`` when unset; glossary files; ``--model`` checkpoints
        that exist here), so a worker started elsewhere finds the same files - on a
        cluster, at the same paths on every machine."""
        models_dir = self.models_dir or os.environ.get("TRANSLATE_MODELS_DIR") or None
        if models_dir:
            models_dir = str(Path(models_dir).expanduser().resolve())
        glossary = self.glossary
        if isinstance(glossary, tuple):
            glossary = tuple(str(Path(g).resolve()) for g in glossary)
        return self.replace(models_dir=models_dir, glossary=glossary,
                            models=tuple(_portable_model_arg(m) for m in self.models))


def _portable_ref(ref: str) -> str:
    path, sep, token = ref.partition(":>>")
    return str(Path(path).resolve()) + sep + token if Path(path).exists() else ref


def _portable_model_arg(arg: str) -> str:
    direction, sep, ref = arg.partition("=")
    return direction + sep + _portable_ref(ref.strip()) if sep else arg


def as_config(config: TranslatorConfig | Mapping[str, Any]) -> TranslatorConfig:
    """A :class:`TranslatorConfig` from itself or from ``Translator`` keyword arguments."""
    if isinstance(config, TranslatorConfig):
        return config
    return TranslatorConfig(**dict(config))


def resolve_glossary(setting: object):
    """The one rule for which glossary applies: ``False`` none (``None`` returned);
    ``None``/``True``/no paths the shipped news glossary; paths loaded in order (later
    files win); a ``Glossary`` as it is."""
    from .glossary import Glossary, default_glossary, load_glossary

    setting = _glossary_setting(setting)
    if setting is False:
        return None
    if setting is None:
        return default_glossary()
    if isinstance(setting, Glossary):
        return setting
    return load_glossary(list(setting))  # type: ignore[arg-type]
