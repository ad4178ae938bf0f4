from __future__ import annotations

import pytest

from support import MODELS
from translate.errors import UserError
from translate.models.registry import DEFAULT_MODELS, ModelRegistry, parse_override


def names(steps):
    return [(s.src, s.tgt, s.spec.ref) for s in steps]


def test_defaults_are_the_opus_mt_models_with_en_trk_for_azerbaijani():
    reg = ModelRegistry()
    assert names(reg.route("en", "it")) == [("en", "it", "Helsinki-NLP/opus-mt-en-it")]
    (step,) = reg.route("en", "az")
    assert step.spec.ref == "Helsinki-NLP/opus-mt-en-trk"
    assert step.spec.target_token == ">>aze_Latn<<"
    assert DEFAULT_MODELS[("az", "en")].ref == "Helsinki-NLP/opus-mt-az-en"


@pytest.mark.parametrize(("src", "tgt"), [("az", "it"), ("it", "az")])
def test_azerbaijani_italian_pivots_through_english(src, tgt):
    steps = ModelRegistry().route(src, tgt)
    assert [(s.src, s.tgt) for s in steps] == [(src, "en"), ("en", tgt)]


def test_a_direct_model_replaces_the_pivot():
    reg = ModelRegistry(["az-it=/models/az-it-direct"])
    assert names(reg.route("az", "it")) == [("az", "it", "/models/az-it-direct")]


def test_models_dir_is_searched_before_defaults_and_override_wins(tmp_path):
    reg = ModelRegistry(models_dir=MODELS)
    assert reg.route("en", "it")[0].spec.ref == str(MODELS / "en-it")
    assert reg.route("en", "it")[0].spec.origin == "models-dir"
    reg = ModelRegistry({"en-it": "my/checkpoint"}, models_dir=MODELS)
    assert reg.route("en", "it")[0].spec.ref == "my/checkpoint"
    # a direction missing from the directory falls back to the default
    (tmp_path / "en-it").mkdir()
    reg = ModelRegistry(models_dir=tmp_path)
    assert reg.route("it", "en")[0].spec.ref == "Helsinki-NLP/opus-mt-it-en"


def test_override_syntax_with_target_token():
    pair, spec = parse_override("en-az=Helsinki-NLP/opus-mt-en-trk:>>aze_Latn<<")
    assert pair == ("en", "az")
    assert (spec.ref, spec.target_token) == ("Helsinki-NLP/opus-mt-en-trk", ">>aze_Latn<<")


@pytest.mark.parametrize("bad", ["en-it", "=x", "en-xx=foo", "it-it=foo"])
def test_bad_override_is_a_user_error(bad):
    with pytest.raises(UserError):
        parse_override(bad)


def test_missing_models_dir_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="no such directory"):
        ModelRegistry(models_dir=tmp_path / "absent")
