"""What the preview shows of a stored row, the same on the page and in the API: the name as
written, the ID number masked whatever the cell holds, and the changes with the ID number and
phone masked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongjiang.core import idcard
from gongjiang.core.masking import mask_id_number, mask_phone
from gongjiang.rosters.models import ImportRow, RosterImport


def mask_id_cell(value: Any) -> str:
    """An ID-number cell masked, even when it is not a valid number (17 characters, spaces…)."""
    if value is None:
        return ""
    text = idcard.normalize(str(value))
    if len(text) <= 4:
        return "*" * len(text)  # too short to keep any of it and still hide something
    return mask_id_number(text)


def mask_phone_value(value: Any) -> str | None:
    return None if value is None else mask_phone(str(value))


MASKS = {"id_number": lambda v: None if v is None else mask_id_cell(v), "phone": mask_phone_value}


@dataclass(frozen=True)
class RowPreview:
    name: str
    id_number: str  # masked
    changes: dict  # field → [before, after], sensitive ones masked; "honours" → the titles added


class Previewer:
    """Reads the cells of an import's rows by field (the import's column mapping)."""

    def __init__(self, ri: RosterImport):
        self.index = {key: i for i, key in enumerate(ri.mapping or []) if key}

    def cell(self, row: ImportRow, key: str) -> Any:
        i = self.index.get(key)
        if i is None or i >= len(row.cells) or row.cells[i] is None:
            return ""
        return row.cells[i]

    def describe(self, row: ImportRow) -> RowPreview:
        changes = {}
        for key, value in (row.changes or {}).items():
            if key in MASKS and isinstance(value, list):
                value = [MASKS[key](v) for v in value]
            changes[key] = value
        return RowPreview(
            name=str(self.cell(row, "name")),
            id_number=mask_id_cell(self.cell(row, "id_number")),
            changes=changes,
        )
