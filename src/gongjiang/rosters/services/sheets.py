"""Reading a workbook's sheets: where the header is, which union a sheet belongs to."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts.enums import OrganisationKind
from gongjiang.accounts.models import Organisation
from gongjiang.core.sheets import reader
from gongjiang.rosters import columns as C
from gongjiang.rosters import planner
from gongjiang.rosters.models import (
    ImportMapping,
    RosterImport,
)


def _json_cell(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    return value


class SheetsReader:
    """Reads the rows of every sheet into drafts, in one set of columns for the whole import."""

    def __init__(self, ri: RosterImport, progress):
        self.ri = ri
        self.progress = progress
        self.columns = C.Columns()
        self.mapping: list[str] = []
        self.source = ""  # where the mapping comes from: "user", "detected" or a saved mapping's name
        self.saved: ImportMapping | None = None
        self.sheet_fields: list[str | None] = []  # the detected field of each column of the sheet being placed
        self.old = (list(ri.headers or []), list(ri.mapping or []), ri.mapping_source)
        self.organisations = list(Organisation.objects.all())
        self.drafts: list[planner.RowDraft] = []
        # Rows repeat their employer, union, honour and level: one string each, not one per row.
        self.shared: dict[str, str] = {}

    def read(self, book: reader.Book):
        ri = self.ri
        readable = [s.name for s in book.sheets if s.readable]
        # The header row the preview shows (or the user chose) is that of one sheet.
        main = (ri.sheet if ri.sheet in readable else readable[0]) if ri.header_row and readable else None
        sheets, unions, first = [], {}, None
        for info in book.sheets:
            entry: dict[str, Any] = {"name": info.name[:100], "state": info.state}
            sheets.append(entry)
            if not info.readable:
                continue
            sheet = book.open_sheet(info.name)
            head = list(itertools.islice(sheet.rows, C.SCAN_ROWS + 1))
            header = self._header(head, chosen=ri.header_row if info.name == main else None)
            if header is None and not self.columns.names and first is None:
                first = (info.name, head)
                header = self._saved_header(head)  # an unrecognised first sheet with a saved mapping
            if header is None:
                entry["state"] = "no_header" if any(any(c is not None for c in r) for r in head) else "empty"
                continue
            if not self.columns.names:
                ri.sheet, ri.header_row, ri.header_rows = info.name[:100], header.row + 1, header.rows
            index = self._place(header)
            if not any(self.mapping):
                return _("None of the columns could be matched to a field.")
            union = union_for_sheet(info.name, self.organisations)
            if union is not None:
                unions[info.name[:100]] = union
            body = itertools.chain(head[header.row + 1 :], sheet.rows)
            expected = len(self.drafts) + max(sheet.height - header.row - 1, 0)
            rows, notes = self._rows(info.name[:100], header, index, body, expected)
            entry.update(
                state="read",
                header_row=header.row + 1,
                rows=rows,
                notes=notes,
                union=union.pk if union else None,
                union_name=union.name if union else "",
            )
        ri.sheets, ri.encoding = sheets, book.encoding
        if not self.columns.names:
            return self._unrecognised(first)
        width = len(self.columns.names)
        for draft in self.drafts:  # a later sheet may have added columns
            draft.cells.extend([None] * (width - len(draft.cells)))
        ri.headers, ri.mapping, ri.mapping_source = self.columns.names, self.mapping, self.source
        return self.drafts, unions

    def _header(self, head: list[list], chosen: int | None) -> C.Header | None:
        detected = C.find_header(head)
        if chosen:  # chosen by the user in the preview (kept when it is where the header was found)
            if detected is not None and detected.row == chosen - 1:
                return detected
            if chosen - 1 >= len(head):
                return None
            names = [C.normalise_header(c) for c in head[chosen - 1]]
            return C.Header(chosen - 1, 1, names, [C.field_for(n) for n in names])
        if detected is None and self.columns.names:  # another sheet of the same template
            return C.header_named(head, self.columns.names)
        return detected

    def _saved_header(self, head: list[list]) -> C.Header | None:
        first = _first_filled(head)
        if first is None:
            return None
        names = [C.normalise_header(c) for c in head[first]]
        if not ImportMapping.objects.filter(signature=C.signature(names)).exists():
            return None
        return C.Header(first, 1, names, [None] * len(names))  # a saved mapping knows these headers

    def _unrecognised(self, first) -> str:
        """No sheet has a header: offer the first filled row as one, so the user can name its columns."""
        ri = self.ri
        row = _first_filled(first[1]) if first else None
        if row is None:
            return _("The sheet is empty.")
        names = [C.normalise_header(c) for c in first[1][row]]
        ri.sheet, ri.header_row, ri.header_rows = first[0][:100], row + 1, 1
        ri.headers, ri.mapping = names, [""] * len(names)
        return _("The columns were not recognised: choose below which field each column holds.")

    def _place(self, header: C.Header) -> list[int]:
        """The sheet's columns among the import's; the mapping of the columns it adds."""
        old_headers, old_mapping, old_source = self.old
        if not self.source:  # the first sheet read decides where the mapping comes from
            if old_source == "user" and old_headers[: len(header.names)] == header.names:
                self.source = "user"
            else:
                self.saved = ImportMapping.objects.filter(signature=C.signature(header.names)).first()
                if self.saved:
                    self.source = self.saved.name
                    ImportMapping.objects.filter(pk=self.saved.pk).update(last_used_at=timezone.now())
                else:
                    self.source = "detected"
        index, added = self.columns.place(header.names)
        detected = {j: header.fields[i] for i, j in enumerate(index)}
        for j in added:
            name = self.columns.names[j]
            if self.source == "user":
                key = old_mapping[j] if j < len(old_mapping) and j < len(old_headers) and old_headers[j] == name else ""
            elif self.saved is not None:
                key = self.saved.columns.get(name, "")
            else:
                key = detected.get(j) or ""
                if key in self.mapping:  # two columns claiming one field: the first keeps it
                    key = ""
            self.mapping.append(key)
        return index

    def _rows(self, sheet: str, header: C.Header, index: list[int], body, expected: int) -> tuple[int, int]:
        """Each data row of a sheet read into a draft; returns how many rows and notes it had."""
        rows = notes = 0
        identity = index == list(range(len(index)))
        for offset, cells in enumerate(body):
            if C.is_note_row(cells):
                notes += 1
                continue
            if len(cells) > len(index):
                self.mapping.extend("" for _j in self.columns.widen(index, len(cells)))
                identity = index == list(range(len(index)))
            if identity and len(cells) == len(self.columns.names):
                placed = list(map(self._cell, cells))
            else:
                placed = [None] * len(self.columns.names)
                for i, value in enumerate(cells):
                    placed[index[i]] = self._cell(value)
            draft = planner.RowDraft(
                index=len(self.drafts), row_number=header.row + 2 + offset, cells=placed, sheet=sheet
            )
            planner.read_row(draft, self.mapping, self.columns.names)
            rows += not draft.empty
            self.drafts.append(draft)
            if self.progress and len(self.drafts) % 2000 == 0:
                # Reading is half the work, planning and storing the rest (of the sheets known so far).
                self.progress(len(self.drafts), 2 * max(expected, len(self.drafts)) + 1)
        return rows, notes

    SHARED = 50_000

    def _cell(self, value):
        value = _json_cell(value)
        if type(value) is str:
            if len(self.shared) < self.SHARED:
                return self.shared.setdefault(value, value)
            return self.shared.get(value, value)
        return value


def _first_filled(head: list[list]) -> int | None:
    return next((i for i, row in enumerate(head[: C.SCAN_ROWS]) if sum(c is not None for c in row) >= 2), None)


_SHEET_SUFFIX = re.compile(r"(劳模|先进|劳模先进)?(人员|人物)?(花名册|名册|名单|登记表|信息表|统计表|汇总表)$")


def union_for_sheet(name: str, organisations: list[Organisation]) -> Organisation | None:
    """The grassroots union a sheet is named after: its full name, short name or code ("教育工会"),
    or else the one union whose name ends with the sheet's ("卫生健康工会") or appears in it
    ("梁溪区教育工会名册"). None when no union, or more than one, fits. A closed union is
    returned too: the plan then says why its rows cannot go there."""
    key = C.normalise_header(name)
    if not key:
        return None
    # People are never put in the federation: a sheet named after it takes the upload's union.
    unions = [org for org in organisations if org.kind == OrganisationKind.GRASSROOTS]
    for org in unions:
        if key in (org.name, org.short_name, org.code):
            return org
    stem = _SHEET_SUFFIX.sub("", key)
    if len(stem) < 3:  # "工会", "名册": every union, or none
        return None
    found = {
        org
        for org in unions
        for n in (org.name, org.short_name)
        if n and (n.endswith(stem) or (len(n) >= 3 and n in stem))
    }
    return found.pop() if len(found) == 1 else None
