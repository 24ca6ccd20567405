"""Resident identity numbers (GB 11643-1999).

An identity number has 18 characters: a 6-digit area code, the birth date as YYYYMMDD, a
3-digit sequence whose last digit is odd for men and even for women, and a check character
(0-9 or X) computed with ISO 7064 MOD 11-2. The archive keeps the number in its canonical form:
upper-case X, half-width digits, no spaces.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")
# Valid first two digits: province-level area codes.
PROVINCE_CODES = frozenset(
    {
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
        71,
        81,
        82,
        83,
    }
)


class IdNumberError(ValueError):
    """The number is not a valid identity number; ``code`` says why (for messages)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    area_code: str


def normalize(raw: str) -> str:
    """Half-width, upper-case, without spaces: what staff type and Excel keeps, made canonical."""
    text = unicodedata.normalize("NFKC", raw or "")
    return re.sub(r"\s+", "", text).upper()


def check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def parse(raw: str) -> IdNumberInfo:
    """Validate and decode an identity number; raise IdNumberError with a reason code."""
    number = normalize(raw)
    if not number:
        raise IdNumberError("empty")
    if re.fullmatch(r"\d(\.\d+)?E\+?\d+", number):
        # Excel turned the number into a float and rounded it: the digits are lost for good.
        raise IdNumberError("scientific")
    if len(number) != 18:
        raise IdNumberError("length")
    if not _SHAPE.match(number):
        raise IdNumberError("characters")
    if int(number[:2]) not in PROVINCE_CODES:
        raise IdNumberError("area")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError("birth_date") from None
    if birth.year < 1900 or birth > dt.date.today():
        raise IdNumberError("birth_date")
    if check_char(number[:17]) != number[17]:
        raise IdNumberError("checksum")
    sex = "M" if int(number[16]) % 2 else "F"
    return IdNumberInfo(number=number, birth_date=birth, sex=sex, area_code=number[:6])


def decode(number: str) -> IdNumberInfo:
    """The birth date and sex of a number already known to be valid (no checks: fast)."""
    birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return IdNumberInfo(number=number, birth_date=birth, sex="M" if int(number[16]) % 2 else "F", area_code=number[:6])


def make(area_code: str, birth_date: dt.date, sequence: int, sex: str) -> str:
    """Build a valid number (for demo data and tests): sequence 0-999, odd last digit for men."""
    seq = sequence % 1000
    if (seq % 2 == 1) != (sex == "M"):
        seq = seq + 1 if seq < 999 else seq - 1
    first17 = f"{area_code}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)
