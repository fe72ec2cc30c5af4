"""Resident ID numbers (GB 11643-1999): validation and the facts they encode.

Pure Python, no Django: the roster reader and the admin forms both use it.

An 18-character number is 6 digits of region, 8 of birth date (YYYYMMDD), a 3-digit
sequence whose last digit is odd for men and even for women, and a check character
computed with ISO 7064 MOD 11-2 (0-9 or X).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
# The oldest birth year we accept; older numbers are typing mistakes, not cadres.
EARLIEST_BIRTH_YEAR = 1900

_SHAPE = re.compile(r"^\d{17}[\dX]$")

ID_NOT_18_CHARACTERS = "must be 18 characters: 17 digits and a digit or X"
ID_BAD_BIRTH_DATE = "contains an impossible birth date"
ID_BAD_CHECKSUM = "check character does not match (expected {expected})"


class InvalidIdNumber(ValueError):
    """Raised with one of the ID_* messages above; `code` says which rule failed."""

    def __init__(self, message: str, *, code: str, expected: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.expected = expected


@dataclass(frozen=True)
class IdFacts:
    number: str
    birth_date: date
    gender: str  # "male" or "female", the values of cadres.models.Gender


def normalise(raw: object) -> str:
    """Strip spaces and make a lower-case x upper-case; numbers from spreadsheets become text."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return re.sub(r"\s+", "", str(raw)).upper()


def check_character(first_17: str) -> str:
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first_17, WEIGHTS, strict=True)) % 11]


def parse(raw: object, *, today: date | None = None) -> IdFacts:
    """Validate `raw` and return its birth date and gender; raise InvalidIdNumber otherwise."""
    number = normalise(raw)
    if not _SHAPE.match(number):
        raise InvalidIdNumber(ID_NOT_18_CHARACTERS, code="shape")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber(ID_BAD_BIRTH_DATE, code="birth_date") from None
    if born.year < EARLIEST_BIRTH_YEAR or (today is not None and born > today):
        raise InvalidIdNumber(ID_BAD_BIRTH_DATE, code="birth_date")
    expected = check_character(number[:17])
    if number[17] != expected:
        raise InvalidIdNumber(ID_BAD_CHECKSUM.format(expected=expected), code="checksum", expected=expected)
    return IdFacts(number=number, birth_date=born, gender="male" if int(number[16]) % 2 else "female")


def is_valid(raw: object) -> bool:
    try:
        parse(raw)
    except InvalidIdNumber:
        return False
    return True
