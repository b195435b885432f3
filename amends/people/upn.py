"""The unique pupil number (UPN) the Department for Education gives every pupil in England.

Thirteen characters: a check letter, then the local authority's number (3 digits), the school's
establishment number (4), the year it was given (2) and a serial (2), then a digit, or a letter
for a temporary UPN. The check letter is worked out from the other twelve characters: each is
multiplied by its position (the second character by 2, …, the thirteenth by 13), the products are
added, and the remainder on dividing by 23 picks the letter from A to Z without I, O and S. A letter
in the thirteenth place counts as its own position in that list (A = 0). See the DfE's "Unique
pupil numbers (UPN): guidance for schools and local authorities", Annex A.
"""

from __future__ import annotations

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(twelve: str) -> str | None:
    """The check letter for the twelve characters after it, or None if they cannot be a UPN."""
    if len(twelve) != 12 or not twelve[:11].isdigit():
        return None
    last = twelve[11]
    if last.isdigit():
        values = [int(c) for c in twelve]
    elif last in CHECK_LETTERS:
        values = [int(c) for c in twelve[:11]] + [CHECK_LETTERS.index(last)]
    else:
        return None
    total = sum(value * weight for value, weight in zip(values, range(2, 14), strict=True))
    return CHECK_LETTERS[total % 23]


def upn_is_valid(upn: str) -> bool:
    return len(upn) == 13 and upn_check_letter(upn[1:]) == upn[0]
