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
# The fixture models are tiny: one thread per process is many times faster than several
# (no OpenMP hand-offs), and immune to a busy machine. Subprocesses inherit it.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")


def pytest_configure(config):
    import torch

    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))


@pytest.fixture(scope="session")
def translator():
    from translate import Translator

    return Translator(models_dir=MODELS, device="cpu", glossary=False)
