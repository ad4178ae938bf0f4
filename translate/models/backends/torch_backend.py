"""The transformers backend: ``MarianMTModel.generate`` on CPU or CUDA."""

from __future__ import annotations

import copy

from . import DecodeRequest


class TorchBackend:
    name = "torch"

    def __init__(self, model, device: str = "cpu", pieces: list[str] | None = None) -> None:
        import torch

        self.torch = torch
        self.model = model
        self.device = device
        self.pad_id = int(model.config.pad_token_id)
        self.pieces = pieces or []  # id -> piece, for constrained decoding
        # OPUS-MT configs set max_length=512; we always pass max_new_tokens instead.
        model.generation_config.max_length = None
        self.base_config = model.generation_config

    def generate(self, request: DecodeRequest) -> list[list[int]]:
        torch = self.torch
        width = max(len(s) for s in request.ids)
        input_ids = torch.full((len(request.ids), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(request.ids), width), dtype=torch.long)
        for row, ids in enumerate(request.ids):
            input_ids[row, :len(ids)] = torch.tensor(ids, dtype=torch.long)
            mask[row, :len(ids)] = 1
        kwargs = {}
        if request.constraints and any(c is not None for c in request.constraints):
            from ..constrained import build_logits_processor

            kwargs["logits_processor"] = build_logits_processor(
                request.constraints, request.beam_size,
                eos_token_id=int(self.model.config.eos_token_id),
                max_new_tokens=request.max_new_tokens, pieces=self.pieces)
        config = copy.deepcopy(self.base_config)
        config.update(do_sample=False, num_beams=request.beam_size, max_length=None,
                      max_new_tokens=request.max_new_tokens,
                      min_new_tokens=request.min_new_tokens or None)
        with torch.inference_mode():
            out = self.model.generate(
                input_ids=input_ids.to(self.device), attention_mask=mask.to(self.device),
                generation_config=config, **kwargs)
        return [row[1:].tolist() for row in out.cpu()]  # drop the decoder start token
