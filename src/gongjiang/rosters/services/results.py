"""What an import tells its user: the sheets read, the candidates (the error workbook: rosters.exports)."""

from __future__ import annotations

from typing import Any

from gongjiang.rosters.models import (
    Decision,
    ImportRow,
    RosterImport,
    RowAction,
)


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
