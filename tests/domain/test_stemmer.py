"""The index stores stems, so every install must stem alike: snowballstemmer's pure Python, and Snowball's
C build (PyStemmer, the `speed` extra), which snowballstemmer uses instead when it is installed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.domain import text
from bot.seedfile import STORIES_DIR

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*STORIES_DIR.glob("*.toml"), ROOT / "bench" / "matching" / "labelled.toml", ROOT / "README.md"]


def vocabulary() -> list[str]:
    """Every word of the shipped stories, the labelled set and the README, folded as the analyser folds them."""
    words = {text.fold(w) for path in SOURCES for w in text.WORD.findall(path.read_text(encoding="utf-8"))}
    return sorted(w for w in words if re.fullmatch(r"[^\W\d_]{3,}", w))


def test_the_c_stemmer_stems_every_word_as_the_pure_python_one() -> None:
    stemmer = pytest.importorskip("Stemmer", reason="PyStemmer (the speed extra) is not installed")
    from snowballstemmer.english_stemmer import EnglishStemmer

    c, python = stemmer.Stemmer("english"), EnglishStemmer()
    words = vocabulary()
    assert len(words) > 1_000
    assert [w for w in words if c.stemWord(w) != python.stemWord(w)] == []


def test_with_the_speed_extra_the_analyser_stems_in_c() -> None:
    stemmer = pytest.importorskip("Stemmer", reason="PyStemmer (the speed extra) is not installed")
    assert isinstance(text._STEMMER, stemmer.Stemmer)
