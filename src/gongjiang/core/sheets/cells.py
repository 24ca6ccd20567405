"""A cell's value as a spreadsheet gives it: plain text, a header's bare name, a date as precise
as it is written (1965.03, 1965年3月, 1965-3-1, 19650301 or an Excel date number) — or a reason
why not (``Problem``, a message for the user)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _


class Problem(ValueError):
    """A cell that cannot be taken; ``message`` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def text(value) -> str:
    """Trimmed text with full-width characters and odd spaces made plain."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    out = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", " ", out).strip()


# --- Dates -----------------------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})\s*年?$"),
]


@dataclass(frozen=True, slots=True)  # slots: one per cell of a roster of 100,000 rows
class Date:
    """A date as precise as the roster gives it (year, month or day)."""

    value: dt.date
    precision: str  # "day", "month" or "year"


def parse_date(value) -> Date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return Date(value.date(), "day")
    if isinstance(value, dt.date):
        return Date(value, "day")
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if 1900 <= number <= 2100 and number.is_integer():
            return Date(dt.date(int(number), 1, 1), "year")
        if 19000101 <= number <= 21001231 and number.is_integer():
            return parse_date(str(int(number)))
        if 1 <= number < 80000:  # an Excel date serial stored as a plain number
            return Date(EXCEL_EPOCH + dt.timedelta(days=int(number)), "day")
        raise Problem(_("“%(v)s” is not a date.") % {"v": text(value)})
    s = text(value).replace("．", ".")
    s = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2})?$", "", s)  # a date written with a time of day
    for pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        parts = [int(p) for p in m.groups()]
        year, month, day = [*parts, 1, 1][:3]
        precision = ("year", "month", "day")[len(parts) - 1]
        try:
            return Date(dt.date(year, month, day), precision)
        except ValueError:
            break
    raise Problem(_("“%(v)s” is not a date; write it like 1965-03-01, 1965.03 or 1965年3月.") % {"v": s})


# --- Headers ---------------------------------------------------------------------------------


def normalise_header(text) -> str:
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = re.sub(r"[\s*＊:：]", "", text)
    text = re.sub(r"[(（\[【][^)）\]】]*[)）\]】]", "", text)  # (必填), (YYYY-MM-DD) ...
    return text.strip()
