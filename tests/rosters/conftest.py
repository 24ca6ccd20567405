import datetime as dt
import io

import openpyxl
import pytest

from gongjiang.core import idcard
from gongjiang.rosters import services
from gongjiang.rosters.models import ImportRow, ImportStatus, RowAction


def xlsx(rows: list[list], merges: tuple[str, ...] = (), number_formats: dict | None = None) -> bytes:
    """A real workbook, built the way staff build them."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    for row in rows:
        sheet.append(row)
    for merged in merges:
        sheet.merge_cells(merged)
    for ref, fmt in (number_formats or {}).items():
        sheet[ref].number_format = fmt
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def workbook(sheets: dict[str, dict]) -> bytes:
    """A real workbook of several sheets: ``{name: {"rows": [...], "merges": (...), "state": "hidden"}}``."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, spec in sheets.items():
        sheet = book.create_sheet(name)
        for row in spec.get("rows", []):
            sheet.append(row)
        for merged in spec.get("merges", ()):
            sheet.merge_cells(merged)
        sheet.sheet_state = spec.get("state", "visible")
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def idn(birth: tuple[int, int, int], sex: str = "M", seq: int = 1) -> str:
    return idcard.make("320213", dt.date(*birth), seq, sex)


class Importer:
    """Drives the import services as the web flow does, without the background worker."""

    def __init__(self, user, union=None):
        self.user = user
        self.union = union

    def preview(self, data: bytes, name: str = "花名册.xlsx", union="default"):
        ri = services.upload(
            actor=self.user, name=name, data=data, default_union=self.union if union == "default" else union
        )
        return services.parse(ri)

    def apply(self, ri, decisions: dict | None = None):
        ri = services.confirm(actor=self.user, ri=ri, decisions=decisions or {})
        services.apply(ri)
        ri.refresh_from_db()
        return ri

    def run(self, data: bytes, name: str = "花名册.xlsx", decisions: dict | None = None, union="default"):
        ri = self.preview(data, name, union)
        assert ri.status == ImportStatus.PARSED, ri.message
        return self.apply(ri, decisions)


def rows_of(ri, action: str | None = None):
    qs = ImportRow.objects.filter(roster_import=ri).order_by("row_number")
    if action:
        qs = qs.filter(action=action)
    return list(qs)


def problems(ri) -> list[tuple[int, str, str]]:
    return [(r.row_number, p["column"], p["message"]) for r in rows_of(ri, RowAction.REJECT) for p in r.problems]


@pytest.fixture
def importer(staff_user, union_a):
    return Importer(staff_user, union_a)
