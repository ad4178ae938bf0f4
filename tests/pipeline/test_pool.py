"""One model pool, many requests: the typed entry point gives what the keyword API gives,
a request-scoped glossary or memory loads no model twice, and the older keywords still
work. Real fixture models throughout."""

from __future__ import annotations

import pytest

from support import MODELS, article
from translate import ModelPool, TranslationRequest, Translator, TranslatorConfig
from translate.article import translate_files
from translate.glossary import default_glossary
from translate.memory import TranslationMemory
from translate.request import POOL_GLOSSARY

SENTENCES = ["Ilham Aliyev met the ambassador in Baku.", "The event began with prayers."]


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator(models_dir=MODELS, device="cpu")


def test_a_request_gives_what_the_keywords_give(translator):
    by_keywords = translator.translate_batch(SENTENCES, "en", "it", align=True)
    by_request = translator.run(SENTENCES, TranslationRequest("en", "it", align=True))
    assert by_request == by_keywords
    pool = ModelPool(TranslatorConfig(models_dir=MODELS, device="cpu"))
    assert pool.translate(SENTENCES, TranslationRequest("en", "it", align=True)) == by_keywords


def test_a_request_scoped_glossary_shares_the_pool(translator):
    """The server's per-request glossary: same engines, and the same outputs as a
    translator built with that glossary setting."""
    translator.translate(SENTENCES, "en", "az")
    engines = dict(translator.pool._engines)
    off = translator.run(SENTENCES, TranslationRequest("en", "az", glossary=None))
    assert translator.pool._engines == engines  # nothing loaded again
    built_off = Translator(models_dir=MODELS, device="cpu", glossary=False)
    assert off == built_off.translate_batch(SENTENCES, "en", "az")
    assert all(t.terms == () for t in off)
    news = translator.run(SENTENCES, TranslationRequest("en", "az", glossary=default_glossary()))
    assert news == translator.translate_batch(SENTENCES, "en", "az")
    assert any(t.terms for t in news)  # the glossary was in force
    view = translator.using(glossary=None)
    assert view.pool is translator.pool and view.glossary is None
    assert view.translate_batch(SENTENCES, "en", "az") == off
    assert translator.using().glossary is translator.glossary
    assert TranslationRequest("en", "az").glossary is POOL_GLOSSARY


def test_memory_keys_follow_the_request_glossary(translator):
    with_news = translator.memory_key("en", "it")
    without = translator.using(glossary=None).memory_key("en", "it")
    assert with_news.context != without.context
    off = Translator(models_dir=MODELS, device="cpu", glossary=False)
    assert off.memory_key("en", "it") == without


def test_an_executor_front_keys_its_memory_as_the_translator_does(translator):
    from translate.scale import ExecutorTranslate, LocalExecutor

    with LocalExecutor(1) as executor:
        front = ExecutorTranslate(translator.config, executor)
        assert front.memory_key("az", "it") == translator.memory_key("az", "it")


def test_memory_and_its_older_name_tm(tmp_path, translator):
    text = "\n".join(article("en").splitlines()[:3]) + "\n"
    src = tmp_path / "story.en.txt"
    src.write_text(text, encoding="utf-8")
    first = translate_files([src], "en", ["it"], tmp_path / "a", translator,
                            memory=tmp_path / "m.sqlite")
    assert first.translated > 0 and first.from_memory == 0
    again = translate_files([src], "en", ["it"], tmp_path / "b", translator,
                            tm=tmp_path / "m.sqlite")
    assert again.from_memory == first.translated and again.translated == 0
    assert [o.text for o in again.outputs] == [o.text for o in first.outputs]
    with pytest.raises(TypeError, match="give one"):
        translate_files([src], "en", ["it"], tmp_path / "c", translator,
                        memory=tmp_path / "m.sqlite", tm=tmp_path / "m.sqlite")


def test_a_document_with_a_memory_reuses_its_sentences(tmp_path, translator):
    from translate.documents import translate_document

    html = "<p>The event began with prayers.</p><p>Ilham Aliyev met the ambassador.</p>"
    engine = translator.engine(translator.route("en", "it")[0])
    with TranslationMemory(tmp_path / "m.sqlite") as memory:
        first = translate_document(html.encode(), "html", "en", "it", translator,
                                   memory=memory)
        decoded = engine.calls
        again = translate_document(html.encode(), "html", "en", "it", translator,
                                   memory=memory)
        assert engine.calls == decoded  # every sentence came from the memory
        remembering = translator.using(memory=memory)
        assert all(r.from_memory for r in remembering.translate_batch(
            ["The event began with prayers."], "en", "it"))
    assert again.data == first.data
    assert not any(r.from_memory for r in translator.translate_batch(SENTENCES, "en", "it"))
