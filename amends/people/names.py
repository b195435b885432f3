"""Names folded for searching: case, accents and apostrophes ignored, in any language.

"Siân O\u2019Brien" (a typographic apostrophe), "SIAN O'BRIEN" and "sian obrien"
all fold to "sian obrien"; "Łukasz" to "lukasz", "Müller" to "muller", "Søren" to "soren". NFKD
decomposition takes the accents off most letters; the letters it leaves whole
(ł, ø, đ, þ, æ, œ and a few more) are spelled out from the table below.
"""

from __future__ import annotations

import re
import unicodedata

# Letters with no decomposition, and what a person typing without them would write.
# ß needs no entry: casefold() already makes it "ss".
SPELLED_OUT = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "ħ": "h",
        "ŀ": "l",
        "ŧ": "t",
        "ƒ": "f",
        "ĸ": "k",
        "ŋ": "ng",
    }
)
# Apostrophes of every kind vanish, so O'Brien, O\u2019Brien and OBrien are one name.
APOSTROPHES = re.compile(r"['’‘ʼ`´ʹ′]")
NOT_A_LETTER = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """`text` folded for comparing names: lower case, no accents, words separated by a space."""
    text = text.casefold().translate(SPELLED_OUT)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = APOSTROPHES.sub("", text)
    return " ".join(NOT_A_LETTER.sub(" ", text).split())


def name_search_key(given_name: str, family_name: str, known_as: str = "") -> str:
    """The folded names a person is found by, in one column."""
    return fold(" ".join(part for part in (given_name, family_name, known_as) if part))
