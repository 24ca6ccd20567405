"""What an import tells its user: the error workbook, the sheets read, the candidates."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gongjiang.rosters.models import (
    Decision,
    ImportRow,
    RosterImport,
    RowAction,
)


def write_errors(ri: RosterImport, path: str) -> int:
    """The rejected rows as they were, with a reason column, ready to fix and import again."""
    from gongjiang.core.xlsx import RosterWriter

    rows = ImportRow.objects.filter(roster_import=ri, action=RowAction.REJECT).order_by("id")
    # From a workbook of several sheets, each row says which sheet it is on.
    several = len(sheets_read(ri)) > 1
    where = [str(_("Sheet"))] if several else []
    n = 0
    with RosterWriter(path, sheet=str(_("Rows to fix"))) as out:
        out.header(
            [*where, str(_("Row")), *[h or "" for h in ri.headers], str(_("Reason"))],
            [*[14] * len(where), 6, *[14] * len(ri.headers), 60],
        )
        for row in rows.iterator(chunk_size=2000):
            reason = "；".join(f"{p['column']}：{p['message']}" for p in row.problems)
            out.row([*([row.sheet] if several else []), row.row_number, *row.cells, reason])
            n += 1
    return n


def sheets_read(ri: RosterImport) -> list[dict]:
    """The sheets whose rows the import read (an import made before sheets were listed: its one sheet)."""
    sheets = [s for s in ri.sheets or [] if isinstance(s, dict)]
    if not sheets:
        return [{"name": ri.sheet, "state": "read"}] if ri.sheet else []
    return [s for s in sheets if s.get("state") == "read"]


def candidates(ri: RosterImport) -> list[dict[str, Any]]:
    """The people the user must confirm: the file's rows beside the record they might be."""
    out: dict[int, dict[str, Any]] = {}
    for row in ImportRow.objects.filter(roster_import=ri, action=RowAction.CANDIDATE).select_related(
        "candidate__employer", "candidate__union"
    ):
        entry = out.setdefault(
            row.person,
            {
                "person": row.person,
                "rows": [],
                "candidate": row.candidate,
                "decision": row.decision or Decision.UNDECIDED,
            },
        )
        entry["rows"].append(row)
    return list(out.values())
