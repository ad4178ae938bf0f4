"""translate: MarianMT (OPUS-MT) translation and localisation for English, Azerbaijani and
Italian, offline, with glossary enforcement."""

__version__ = "0.1.0"
