"""Writing workbooks staff open in Excel and WPS.

Every text value is written as a string cell, never a formula, whatever it starts with
(``=``, ``+``, ``-``, ``@``, tab, carriage return): a roster cannot smuggle a formula onto a
colleague's screen. Dates are real dates; numbers stay numbers; ID numbers, being text, stay
text with all 18 digits.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import xlsxwriter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class RosterWriter:
    def __init__(self, path, *, sheet: str, title: str = ""):
        self.path = path
        self.sheet_name = sheet[:31]
        self.title = title
        self.row_index = 0

    def __enter__(self) -> RosterWriter:
        # constant_memory streams rows to disk: a 100,000-row export stays small in memory.
        self.book = xlsxwriter.Workbook(
            self.path,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "default_date_format": "yyyy-mm-dd",
            },
        )
        self.book.set_properties({"title": self.title, "comments": "Gongjiang"})
        self.ws = self.book.add_worksheet(self.sheet_name)
        self.f_head = self.book.add_format(
            {"bold": True, "bg_color": "#EEF0F3", "border": 1, "text_wrap": True, "valign": "vcenter"}
        )
        self.f_date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.f_text = self.book.add_format({"num_format": "@"})
        self.f_money = self.book.add_format({"num_format": "#,##0.00"})
        return self

    def sheet(self, name: str) -> None:
        """Start another worksheet; rows go to it from now on (constant_memory writes in order)."""
        self.ws = self.book.add_worksheet(name[:31])
        self.row_index = 0

    def header(self, names: list[str], widths: list[int] | None = None) -> None:
        for i, name in enumerate(names):
            self.ws.write_string(0, i, name, self.f_head)
            self.ws.set_column(i, i, (widths or [12] * len(names))[i])
        self.ws.freeze_panes(1, 0)
        self.ws.autofilter(0, 0, 0, max(len(names) - 1, 0))
        self.row_index = 1

    def row(self, values: list) -> None:
        r = self.row_index
        for c, value in enumerate(values):
            self.cell(r, c, value)
        self.row_index += 1

    def cell(self, r: int, c: int, value) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            self.ws.write_boolean(r, c, value)
        elif isinstance(value, dt.datetime):
            self.ws.write_datetime(r, c, value.replace(tzinfo=None), self.f_date)
        elif isinstance(value, dt.date):
            self.ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), self.f_date)
        elif isinstance(value, Decimal):
            self.ws.write_number(r, c, float(value), self.f_money)
        elif isinstance(value, int | float):
            self.ws.write_number(r, c, value)
        else:
            self.ws.write_string(r, c, str(value), self.f_text)

    def __exit__(self, *exc) -> None:
        self.book.close()
