"""Reading the rosters staff already have: .xlsx, .xls (WPS and old Excel), .ods and .csv.

The file is checked before it is parsed: a size limit, and for the zip-based formats the
uncompressed size, the compression ratio (zip bombs) and any DTD in the XML (entity
expansion attacks) — each refused quickly with a clear message. Macros are never run: only
cell values are read (python-calamine). Merged cells are filled in from their top-left cell,
so a name merged down over a person's honour rows reads on every row.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

MAX_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED = 400 * 1024 * 1024
MAX_RATIO = 100
MAX_ROWS = 1_100_000
ZIP_FORMATS = {"xlsx", "xlsm", "ods"}
FORMATS = {"xlsx", "xlsm", "xls", "ods", "csv"}


class RosterFileError(Exception):
    """The file cannot be read; the message says why, in Chinese."""


@dataclass
class Grid:
    """One sheet as rows of cell values (str, float, int, bool, date, datetime or None)."""

    rows: list[list]
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    encoding: str = ""


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


def _fill_merged(rows: list[list], merged) -> None:
    for (r0, c0), (r1, c1) in merged or []:
        if r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else None
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, c1 + 1):
                if c < len(row) and (r, c) != (r0, c0):
                    row[c] = value


def read_workbook(data: bytes, fmt: str, sheet: str | None = None) -> Grid:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as e:  # the library raises its own error types for every kind of damage
        raise RosterFileError(_("The workbook cannot be read: %(e)s") % {"e": e}) from None
    names = [m.name for m in book.sheets_metadata if str(m.visible).endswith("Visible")] or book.sheet_names
    if not names:
        raise RosterFileError(_("The workbook has no sheets."))
    chosen = sheet if sheet in book.sheet_names else names[0]
    ws = book.get_sheet_by_name(chosen)
    if ws.total_height > MAX_ROWS:
        raise RosterFileError(_("The sheet has more than %(n)s rows.") % {"n": f"{MAX_ROWS:,}"})
    rows = [[None if v == "" else v for v in row] for row in ws.to_python(skip_empty_area=False)]
    # calamine counts from the sheet's first used cell; keep row numbers true to the sheet.
    top, left = ws.start or (0, 0)
    if top or left:
        rows = [[None] * (len(rows[0]) if rows else 0) for _ in range(top)] + rows
        rows = [[None] * left + row for row in rows]
    try:
        merged = ws.merged_cell_ranges
    except Exception:  # formats without merge information
        merged = None
    _fill_merged(rows, merged)
    return Grid(rows=rows, sheet=chosen, sheets=list(names))


ENCODINGS = ("utf-8-sig", "gb18030")


def read_csv(data: bytes) -> Grid:
    if len(data) > MAX_BYTES:
        raise RosterFileError(_("The file is larger than %(n)d MB.") % {"n": MAX_BYTES // (1024 * 1024)})
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes any byte sequence, so this is unreachable in practice
        raise RosterFileError(_("The CSV file is in an unknown encoding; save it as UTF-8 or GBK."))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    rows = [[cell if cell != "" else None for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    if len(rows) > MAX_ROWS:
        raise RosterFileError(_("The file has more than %(n)s rows.") % {"n": f"{MAX_ROWS:,}"})
    return Grid(rows=rows, sheet="CSV", sheets=["CSV"], encoding="GBK" if encoding == "gb18030" else "UTF-8")


def read(data: bytes, name: str, sheet: str | None = None) -> tuple[Grid, str]:
    fmt = detect_format(name, data[:8])
    check_container(data, fmt)
    grid = read_csv(data) if fmt == "csv" else read_workbook(data, fmt, sheet)
    width = max((len(r) for r in grid.rows), default=0)
    for row in grid.rows:
        row.extend([None] * (width - len(row)))
    return grid, fmt
