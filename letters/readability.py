"""How hard a letter is to read: a kept library's score against the target in configuration.

The target (config/patient_letters.toml, `reading_level`) carries its source. Text is scored as
plain words: tags, the patient's identifiers and addresses are not part of it (they are not
sentences, and a long address or an NHS number would only add noise to the score).
"""

import re
import tomllib
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.html import strip_tags


@dataclass(frozen=True)
class Target:
    measure: str
    max_grade: float
    reading_age: str
    source: str
    version: str


@cache
def _target_from(path: str) -> Target:
    with open(path, "rb") as file:
        table = tomllib.load(file)["reading_level"]
    return Target(
        measure=str(table["measure"]),
        max_grade=float(table["max_grade"]),
        reading_age=str(table["reading_age"]),
        source=" ".join(str(table["source"]).split()),
        version=str(table["version"]),
    )


def target() -> Target:
    return _target_from(str(settings.PATIENT_LETTERS_FILE))


def plain_words(html_or_text: str) -> str:
    """The words of a text or an HTML fragment, one sentence per heading or list item."""
    text = re.sub(r"<header\b.*?</header>", " ", html_or_text, flags=re.DOTALL)  # addresses and identifiers
    text = re.sub(r"</(h\d|li|p|dt|dd|td|th)>", ".\n", text)
    text = strip_tags(text)
    text = re.sub(r"^#+\s*(.+)$", r"\1.", text, flags=re.MULTILINE)  # a heading line is a sentence
    text = re.sub(r"\.(\s*\.)+", ".", text)
    return " ".join(text.split())


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of the words (0 for no words)."""
    import textstat  # loads a pronunciation dictionary: only when a score is asked for

    words = plain_words(text)
    if not words.strip():
        return 0.0
    return round(float(textstat.flesch_kincaid_grade(words)), 1)


def within_target(score: float) -> bool:
    return score <= target().max_grade
