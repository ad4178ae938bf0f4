"""A translator for property tests (issue 23) whose word alignment is anything at all:
the text is the ``en-XA`` pseudo form of the source (letters accented, word for word) and
each source word is linked to 0-3 target words anywhere, as a Hypothesis ``data`` object
draws them. Fed through :func:`translate.documents.translate_document` it drives the real
pipeline (segmentation, protection, projection, writing) with the worst alignments a model
could give, so a format's output can be checked for well-formedness whatever it is."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from translate.models.alignment import word_spans
from translate.pseudo import pseudo

__all__ = ["GivenLinks", "Link", "Output", "RandomLinks"]


@dataclass(frozen=True)
class Link:
    src: tuple[int, int]
    tgt: tuple[int, int]


@dataclass(frozen=True)
class Output:
    source: str
    text: str
    alignment: tuple
    models: tuple = ("random-links",)
    warnings: tuple = ()
    terms: tuple = ()


class RandomLinks:
    """A translator whose text is the pseudo form of the source and whose word alignment
    is whatever ``data`` draws: each source word linked to 0-3 target words anywhere."""

    def __init__(self, data) -> None:
        self.data = data

    def targets(self, words: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The target words (spans) one source word is linked to."""
        return self.data.draw(st.lists(st.sampled_from(words), max_size=3))

    def translate_batch(self, texts, src, tgt, align=False):
        out = []
        for text in texts:
            target = pseudo(text)
            sw, tw = word_spans(text, "en"), word_spans(target, "en")
            links = []
            if tw:
                for s in sw:
                    for t in self.targets(tw):
                        links.append(Link(s, t))
            out.append(Output(text, target, tuple(links)))
        return out


class GivenLinks(RandomLinks):
    """:class:`RandomLinks` replaying a falsifying example: ``links[k]`` lists the target
    words (by number) that the k-th source word of the document is linked to."""

    def __init__(self, links: list[list[int]]) -> None:
        self.links = list(links)

    def targets(self, words):
        return [words[n] for n in (self.links.pop(0) if self.links else [])]
