"""Finding a checkpoint on disk (local, cached, or fetched) and loading it safely.

Weights load from safetensors only (``--allow-pickle`` opts into ``pytorch_model.bin``),
never with ``trust_remote_code``. Offline (``TRANSLATE_OFFLINE=1`` or
``HF_HUB_OFFLINE=1``) a hub id must already be in the Hugging Face cache; a model that is
not is one clear error naming it and how to fetch it.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelUnavailableError, UserError, param
from .registry import TARGET_TOKENS, ModelSpec

REQUIRED_FILES = ("source.spm", "target.spm", "vocab.json", "config.json")
SAFE_WEIGHTS = "model.safetensors"
PICKLE_WEIGHTS = "pytorch_model.bin"
HUB_FILES = [*REQUIRED_FILES, "generation_config.json", "tokenizer_config.json",
             "target_vocab.json", SAFE_WEIGHTS]
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def offline() -> bool:
    return any(os.environ.get(v, "").strip().lower() in ("1", "true", "yes", "on")
               for v in ("TRANSLATE_OFFLINE", "HF_HUB_OFFLINE"))


def _fetch_hint(ref: str) -> str:
    return (f"fetch it on a connected machine with `hf download {ref} --local-dir DIR` "
            f"and pass {param('models_dir')} or {param('models', 'SRC-TGT=DIR')}")


def resolve_checkpoint(ref: str, *, allow_pickle: bool = False) -> Path:
    """Return the local directory holding checkpoint ``ref`` (a path or a hub id)."""
    path = Path(ref).expanduser()
    if path.exists():
        if not path.is_dir():
            raise UserError(f"model {ref}: is a file; a checkpoint is a directory holding "
                            "source.spm, target.spm, vocab.json, config.json and weights")
        return path
    if not _HUB_ID.match(ref) or ref.startswith((".", "/", "~")):
        raise UserError(f"model {ref}: no such directory (and not a hub id like "
                        "Helsinki-NLP/opus-mt-en-it)")
    from huggingface_hub import snapshot_download

    patterns = HUB_FILES + ([PICKLE_WEIGHTS] if allow_pickle else [])
    try:
        return Path(snapshot_download(ref, allow_patterns=patterns, local_files_only=True))
    except Exception:  # noqa: BLE001 - not cached: fall through to the network, or fail
        pass
    if offline():
        raise ModelUnavailableError(f"model {ref} is not available offline (not a local "
                                    f"directory, not in the Hugging Face cache); "
                                    f"{_fetch_hint(ref)}")
    try:
        return Path(snapshot_download(ref, allow_patterns=patterns, etag_timeout=10))
    except Exception as exc:  # noqa: BLE001 - any hub failure is the same advice
        raise ModelUnavailableError(f"model {ref} could not be fetched "
                                    f"({type(exc).__name__}); {_fetch_hint(ref)}") from None


def check_checkpoint(path: Path, *, allow_pickle: bool = False) -> str:
    """Check the OPUS-MT layout; returns the weights file name to load."""
    missing = [f for f in REQUIRED_FILES if not (path / f).is_file()]
    if missing:
        raise UserError(f"checkpoint {path} is missing {', '.join(missing)}; "
                        "an OPUS-MT checkpoint needs source.spm, target.spm, vocab.json, "
                        "config.json and model.safetensors")
    if (path / SAFE_WEIGHTS).is_file():
        return SAFE_WEIGHTS
    if (path / PICKLE_WEIGHTS).is_file():
        if allow_pickle:
            return PICKLE_WEIGHTS
        raise UserError(f"checkpoint {path} only has pickle weights ({PICKLE_WEIGHTS}), "
                        "which can run code when loaded; convert it to model.safetensors "
                        f"or pass {param('allow_pickle')} if you trust it")
    raise UserError(f"checkpoint {path} has no weights (model.safetensors)")


@dataclass
class LoadedCheckpoint:
    """A tokenizer and model, plus what the engine needs to know about them."""

    ref: str
    path: Path
    tokenizer: object
    model: object
    target_token: str | None
    positions: int


def choose_target_token(spec: ModelSpec, tgt: str, supported: list[str], path: Path) -> str | None:
    """The ``>>code<<`` for ``tgt``, checked against the tokenizer's supported codes."""
    if not supported:
        if spec.target_token:
            raise UserError(f"model {spec.ref} is not multilingual (its vocabulary has no "
                            f">>code<< tokens); drop the target token {spec.target_token}")
        return None
    if spec.target_token:
        if spec.target_token not in supported:
            close = [c for c in supported if c.strip("<>").split("_")[0][:2] ==
                     spec.target_token.strip("<>").split("_")[0][:2]]
            hint = f"did you mean {close[0]}?" if close else (
                f"it supports {', '.join(supported[:8])}{'...' if len(supported) > 8 else ''}")
            raise UserError(f"model {spec.ref}: target token {spec.target_token} is not one of "
                            f"its language codes, so it would be read as <unk>; {hint}")
        return spec.target_token
    for code in TARGET_TOKENS.get(tgt, ()):
        if code in supported:
            return code
    raise UserError(f"model {spec.ref} is multilingual but has no language code for {tgt} "
                    f"(it supports {', '.join(supported[:8])}); pass "
                    f"{param('models', f'SRC-{tgt}={spec.ref}:>>code<<')}")


def load_checkpoint(spec: ModelSpec, tgt: str, *, device: str = "cpu",
                    allow_pickle: bool = False, weights: bool = True) -> LoadedCheckpoint:
    """Load the tokenizer and ``MarianMTModel`` for ``spec`` onto ``device``.

    ``weights=False`` loads the tokenizer only (``model`` is ``None``): for backends that
    run a converted copy of the weights (CTranslate2). That path imports neither torch nor
    transformers: the tokenizer is :class:`~.tokenizer.MarianVocab`, read from the
    checkpoint's own SentencePiece and vocabulary files.
    """
    from .tokenizer import MarianVocab

    path = resolve_checkpoint(spec.ref, allow_pickle=allow_pickle)
    weights_file = check_checkpoint(path, allow_pickle=allow_pickle)
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"checkpoint {path}: config.json is not valid JSON ({exc})") from None
    if config.get("model_type") != "marian":
        raise UserError(f"checkpoint {path} is a {config.get('model_type')!r} model; "
                        "only MarianMT (OPUS-MT) checkpoints are supported")
    try:
        tokenizer = MarianVocab.from_dir(path)
    except Exception as exc:  # noqa: BLE001 - a broken tokenizer file is user input
        raise UserError(f"checkpoint {path}: tokenizer files cannot be read "
                        f"({type(exc).__name__}: {exc})") from None
    model = _load_model(path, weights_file, spec.ref) if weights else None
    if model is not None:
        embedded = model.get_input_embeddings().num_embeddings
        decoder_embedded = model.get_output_embeddings().out_features
    else:
        embedded = int(config.get("vocab_size", len(tokenizer.encoder)))
        decoder_embedded = int(config.get("decoder_vocab_size") or embedded) \
            if tokenizer.separate_vocabs else embedded
    if embedded != len(tokenizer.encoder):
        raise UserError(f"checkpoint {path}: vocab.json has {len(tokenizer.encoder)} entries "
                        f"but the model embeds {embedded}; "
                        "the files come from different checkpoints")
    if tokenizer.separate_vocabs and decoder_embedded != len(tokenizer.target_encoder):
        raise UserError(f"checkpoint {path}: target_vocab.json has "
                        f"{len(tokenizer.target_encoder)} entries but the model's decoder "
                        f"has {decoder_embedded}; the files come from different checkpoints")
    token = choose_target_token(spec, tgt, list(tokenizer.supported_language_codes), path)
    if model is None:
        return LoadedCheckpoint(spec.ref, path, tokenizer, None, token,
                                int(config.get("max_position_embeddings", 512)))
    model.eval()
    model.to(device)
    return LoadedCheckpoint(spec.ref, path, tokenizer, model, token,
                            int(model.config.max_position_embeddings))


def _load_model(path: Path, weights_file: str, ref: str | None = None):
    """The torch model, after its safetensors file is checked against its config (a
    truncated or mismatched file is a one-line error, never random weights)."""
    if weights_file == SAFE_WEIGHTS:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        validate_weights(path, config, ref=ref)
    from transformers import MarianMTModel
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return MarianMTModel.from_pretrained(
                path, local_files_only=True, use_safetensors=weights_file == SAFE_WEIGHTS,
                trust_remote_code=False, dtype="float32")
    except (RuntimeError, ValueError, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"checkpoint {path}: weights do not load ({first[:200]}); "
                        "re-download or rebuild the checkpoint") from None
    finally:
        hf_logging.set_verbosity(verbosity)
        hf_logging.enable_progress_bar()


# ------------------------------------------------------------------ weights validation

_DTYPE_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2,
                "I8": 1, "U8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1}
_MAX_HEADER = 100 * 1024 * 1024  # the safetensors format's own limit


def _redownload(path: Path, ref: str | None) -> str:
    hub = ref if ref and _HUB_ID.match(ref) and not Path(ref).exists() else "the checkpoint"
    return (f"re-download {hub} (`hf download {hub} --local-dir DIR`)" if hub != "the checkpoint"
            else "re-download or rebuild the checkpoint")


def expected_tensors(config: dict) -> tuple[set[str], set[str], dict[str, str]]:
    """(tensors a checkpoint for this MarianMT ``config`` must hold, tensors it may
    hold, tied copies -> the tensor they share), from the model built on the meta
    device (no memory, no weights)."""
    import torch
    from transformers import MarianConfig, MarianMTModel
    from transformers.utils import logging as hf_logging

    fields = {k: v for k, v in config.items() if k not in ("architectures", "transformers_version")}
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        with torch.device("meta"):
            model = MarianMTModel(MarianConfig(**fields))
    finally:
        hf_logging.set_verbosity(verbosity)
    allowed = set(model.state_dict())
    optional = set(getattr(model, "_keys_to_ignore_on_load_missing", None) or ())
    tied = dict(getattr(model, "all_tied_weights_keys", None)
                or getattr(model, "_tied_weights_keys", None) or {})
    required = {k for k in allowed if k not in optional and k not in tied}
    return required, allowed, tied


def validate_weights(path: Path, config: dict, *, ref: str | None = None) -> None:
    """Refuse a ``model.safetensors`` that is truncated, header-only, corrupt, or whose
    tensors are not exactly those the config's model needs (missing or unexpected ones):
    ``from_pretrained`` would otherwise fill the gaps with random weights."""
    file = path / SAFE_WEIGHTS
    fix = _redownload(path, ref)
    try:
        size = file.stat().st_size
        with file.open("rb") as fh:
            head = fh.read(8)
            n = int.from_bytes(head, "little") if len(head) == 8 else -1
            raw = fh.read(n) if 0 < n <= _MAX_HEADER else b""
    except OSError as exc:
        raise UserError(f"{file}: cannot be read ({exc.strerror or exc}); {fix}") from None
    if n < 0:
        raise UserError(f"{file}: truncated ({size} bytes, not even a header); {fix}")
    if not 0 < n <= _MAX_HEADER or len(raw) < n:
        raise UserError(f"{file}: truncated or not a safetensors file (the header claims "
                        f"{n} bytes, the file has {size}); {fix}")
    try:
        header = json.loads(raw)
        tensors = {k: v for k, v in header.items() if k != "__metadata__"}
        spans = []
        for name, info in tensors.items():
            begin, end = (int(x) for x in info["data_offsets"])
            numel = 1
            for dim in info["shape"]:
                numel *= int(dim)
            width = _DTYPE_BYTES.get(info["dtype"])
            if begin < 0 or end < begin or (width is not None and end - begin != numel * width):
                raise ValueError(f"tensor {name} has inconsistent offsets")
            spans.append(end)
    except (ValueError, TypeError, KeyError) as exc:
        raise UserError(f"{file}: the safetensors header is corrupt ({exc}); {fix}") from None
    if not tensors:
        raise UserError(f"{file}: holds no tensors (a header only); {fix}")
    needed = 8 + n + max(spans)
    if size < needed:
        raise UserError(f"{file}: truncated ({size} of {needed} bytes); {fix}")
    required, allowed, tied = expected_tensors(config)
    present = set(tensors) | {tied[k] for k in tensors if k in tied}  # a tied copy will do
    missing = sorted(required - present)
    unexpected = sorted(set(tensors) - allowed)
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"missing {len(missing)} tensor(s) the config needs "
                         f"({', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected tensor(s) "
                         f"({', '.join(unexpected[:3])}{', ...' if len(unexpected) > 3 else ''})")
        raise UserError(f"{file}: {' and '.join(parts)}: the weights do not belong to this "
                        f"config.json or are damaged; {fix}")
