"""Reading the rosters staff already have: .xlsx, .xls (WPS and old Excel), .ods and .csv.

The file is checked before it is parsed: a size limit, and for the zip-based formats the
uncompressed size, the compression ratio (zip bombs) and any DTD in the XML (entity
expansion attacks) — each refused quickly with a clear message. Macros are never run: only
cell values are read (python-calamine). Merged cells are filled in from their top-left cell,
so a name merged down over a person's honour rows reads on every row.

A workbook is read sheet by sheet and row by row: every sheet is listed with its state
(hidden sheets and chart sheets are not read), and the rows of a sheet come one at a time,
so a large roster never sits in memory as Python objects all at once. calamine still holds
the cells of the sheet being read (its own compact form); one sheet at a time.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

MAX_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED = 400 * 1024 * 1024
MAX_RATIO = 100
MAX_ROWS = 1_100_000
ZIP_FORMATS = {"xlsx", "xlsm", "ods"}
FORMATS = {"xlsx", "xlsm", "xls", "ods", "csv"}

# The state of a sheet as the workbook gives it; only "visible" worksheets are read.
VISIBLE, HIDDEN, VERY_HIDDEN, NOT_CELLS = "visible", "hidden", "very_hidden", "not_cells"


class RosterFileError(Exception):
    """The file cannot be read; the message says why, in Chinese."""


@dataclass
class Grid:
    """One sheet as rows of cell values (str, float, int, bool, date, datetime or None)."""

    rows: list[list]
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    encoding: str = ""


@dataclass(frozen=True)
class SheetInfo:
    name: str
    state: str  # VISIBLE, HIDDEN, VERY_HIDDEN or NOT_CELLS (a chart or macro sheet)

    @property
    def readable(self) -> bool:
        return self.state == VISIBLE


@dataclass
class Sheet:
    """One sheet being read: its rows from the sheet's row 1, merged cells filled, blanks None."""

    name: str
    height: int  # rows, counted from row 1 of the sheet
    rows: Iterator[list]


def detect_format(name: str, head: bytes) -> str:
    ext = Path(name).suffix.lower().lstrip(".")
    if head.startswith(b"PK\x03\x04"):
        return ext if ext in ZIP_FORMATS else "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if ext in FORMATS:
        return ext
    return "csv"


def check_container(data: bytes, fmt: str) -> None:
    if len(data) > MAX_BYTES:
        raise RosterFileError(_("The file is larger than %(n)d MB.") % {"n": MAX_BYTES // (1024 * 1024)})
    if not data:
        raise RosterFileError(_("The file is empty."))
    if fmt not in ZIP_FORMATS:
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile:
        raise RosterFileError(_("The file is damaged: it is not a valid Excel or WPS workbook.")) from None
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if total > MAX_UNZIPPED or total / packed > MAX_RATIO:
        raise RosterFileError(
            _("The file unpacks to %(mb)d MB (%(ratio)d times its size): it looks like a zip bomb and was refused.")
            % {"mb": total // (1024 * 1024), "ratio": total // packed}
        )
    for member in members:
        if not member.filename.endswith(".xml"):
            continue
        with archive.open(member) as fh:
            head = fh.read(4096)
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise RosterFileError(
                _("The file contains XML entity declarations, which workbooks never need; it was refused for safety.")
            )


def _too_many_rows() -> RosterFileError:
    return RosterFileError(_("The sheet has more than %(n)s rows.") % {"n": f"{MAX_ROWS:,}"})


class Book:
    """A workbook (or a CSV file, one sheet named "CSV") opened for reading."""

    format: str = ""
    encoding: str = ""
    sheets: list[SheetInfo]

    def open_sheet(self, name: str) -> Sheet:
        raise NotImplementedError

    def close(self) -> None:
        """Let go of what reading holds."""


class _Workbook(Book):
    def __init__(self, data: bytes, fmt: str):

        self.format = fmt
        try:
            self._book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            metadata = self._book.sheets_metadata
        except Exception as e:  # the library raises its own error types for every kind of damage
            raise RosterFileError(_("The workbook cannot be read: %(e)s") % {"e": e}) from None
        self.sheets = [SheetInfo(m.name, _state(m)) for m in metadata]
        if not self.sheets:
            raise RosterFileError(_("The workbook has no sheets."))

    def open_sheet(self, name: str) -> Sheet:
        try:
            ws = self._book.get_sheet_by_name(name)
        except Exception as e:
            raise RosterFileError(_("The workbook cannot be read: %(e)s") % {"e": e}) from None
        if ws.start is None:  # nothing on the sheet
            return Sheet(name=name, height=0, rows=iter(()))
        (top, left), (bottom, right) = ws.start, ws.end
        if bottom + 1 > MAX_ROWS:
            raise _too_many_rows()
        try:
            merged = ws.merged_cell_ranges
        except Exception:  # formats without merge information
            merged = None
        return Sheet(name=name, height=bottom + 1, rows=_sheet_rows(ws, top, left, right + 1, merged or []))

    def close(self) -> None:
        self._book.close()


def _state(meta) -> str:
    kind = getattr(meta.typ, "name", str(meta.typ))
    if not kind.endswith("WorkSheet"):
        return NOT_CELLS
    visible = getattr(meta.visible, "name", str(meta.visible))
    if visible.endswith("VeryHidden"):
        return VERY_HIDDEN
    return HIDDEN if visible.endswith("Hidden") else VISIBLE


def _sheet_rows(ws, top: int, left: int, width: int, merged: list) -> Iterator[list]:
    """The sheet's rows as the user sees them, from row 1 and column A, one at a time.

    calamine's row iterator gives the rows above the used range as empty rows but the columns
    from the first used one; both are made true to the sheet (the first row of the used range
    always holds a value, which tells which way this version counts).
    """
    starting: dict[int, list] = {}
    for (r0, c0), (r1, c1) in merged:
        starting.setdefault(r0, []).append((r0, c0, r1, c1))
    active: list[tuple] = []  # (last row, first column, last column, value) of merges being filled
    rows = ws.iter_rows()
    first = next(rows, None)
    if first is None:
        return
    r = 0
    if top and any(v != "" for v in first):  # this version starts at the used range: add the rows above
        for _i in range(top):
            yield [None] * width
        r = top
    for raw in itertools.chain([first], rows):
        row = [None if v == "" else v for v in raw]
        if left and len(row) < width:
            row = [None] * left + row
        if len(row) < width:
            row.extend([None] * (width - len(row)))
        for _r0, c0, r1, c1 in starting.pop(r, ()):
            active.append((r1, c0, c1, row[c0] if c0 < len(row) else None))
        if active:
            for _r1, c0, c1, value in active:
                for c in range(c0, min(c1 + 1, len(row))):
                    row[c] = value
            active = [a for a in active if a[0] > r]
        yield row
        r += 1


class _Csv(Book):
    ENCODINGS = ("utf-8-sig", "gb18030")

    def __init__(self, data: bytes):
        if len(data) > MAX_BYTES:
            raise RosterFileError(_("The file is larger than %(n)d MB.") % {"n": MAX_BYTES // (1024 * 1024)})
        self.format = "csv"
        self._data = data
        self._codec = next((c for c in self.ENCODINGS if _decodes(data, c)), None)
        if self._codec is None:  # not text at all (gb18030 takes almost any bytes, but not all)
            raise RosterFileError(_("The CSV file is in an unknown encoding; save it as UTF-8 or GBK."))
        self.encoding = "GBK" if self._codec == "gb18030" else "UTF-8"
        self.sheets = [SheetInfo("CSV", VISIBLE)]

    def open_sheet(self, name: str) -> Sheet:
        text = io.TextIOWrapper(io.BytesIO(self._data), encoding=self._codec, newline="")
        sample = text.read(8192)
        text.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
        except csv.Error:
            dialect = csv.excel
        return Sheet(name=name, height=0, rows=_csv_rows(csv.reader(text, dialect)))


def _decodes(data: bytes, codec: str) -> bool:
    """Whether the whole file is in ``codec``, checked a piece at a time (no second copy of it)."""
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(data)
    try:
        for i in range(0, len(data), 1 << 20):
            decoder.decode(view[i : i + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_rows(rows) -> Iterator[list]:
    for n, row in enumerate(rows, start=1):
        if n > MAX_ROWS:
            raise RosterFileError(_("The file has more than %(n)s rows.") % {"n": f"{MAX_ROWS:,}"})
        yield [cell if cell != "" else None for cell in row]


def open_book(data: bytes, name: str) -> Book:
    """The file checked and opened; its sheets are read with ``Book.open_sheet``."""
    fmt = detect_format(name, data[:8])
    check_container(data, fmt)
    return _Csv(data) if fmt == "csv" else _Workbook(data, fmt)


def read(data: bytes, name: str, sheet: str | None = None) -> tuple[Grid, str]:
    """One sheet whole (the first visible one, or ``sheet``): for small files such as a bank's return file."""
    book = open_book(data, name)
    names = [s.name for s in book.sheets if s.readable] or [s.name for s in book.sheets]
    chosen = sheet if sheet in names else names[0]
    rows = list(book.open_sheet(chosen).rows)
    book.close()
    width = max((len(r) for r in rows), default=0)
    for row in rows:
        row.extend([None] * (width - len(row)))
    return Grid(rows=rows, sheet=chosen, sheets=names, encoding=book.encoding), book.format
