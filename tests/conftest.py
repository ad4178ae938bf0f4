"""Shared fixtures. Tests run the real MarianMTModel on the tiny checkpoints in
fixtures/models (built by fixtures/build.py); nothing is downloaded or mocked."""

from __future__ import annotations

import os

import pytest
from support import MODELS

# Tests never reach a hub: a model that is not local must fail as it would offline.
os.environ.setdefault("TRANSLATE_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.pop("TRANSLATE_MODELS_DIR", None)


@pytest.fixture(scope="session")
def translator():
    from translate import Translator

    return Translator(models_dir=MODELS, device="cpu", glossary=False)
