"""The roster imports' request and response shapes, each field declared once.

Responses are read from the model objects by django-ninja: a field of the same name is read as
it is, a ``resolve_<field>`` says how the others are made. What a response schema reads is said
in a comment: a class docstring would become its description in the OpenAPI document.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, WithJsonSchema

from gongjiang.api.archive.schemas import JobOut
from gongjiang.rosters.models import SheetState


class WorkbookSheetOut(Schema):
    # One sheet of the workbook as the import read it (a dict in ``RosterImport.sheets``).
    name: str
    state: str  # read, hidden, very_hidden, not_cells (a chart), no_header, empty
    state_label: str
    header_row: int | None = None
    rows: int | None = None  # data rows read (notes not counted)
    notes: int | None = None  # notes under the table skipped (注：…, 合计…)
    union_id: int | None = None  # the union the sheet is named after, for its rows that name none

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(dict(SheetState.choices).get(obj["state"], obj["state"]))

    @staticmethod
    def resolve_union_id(obj) -> int | None:
        return obj.get("union")


class ImportOut(Schema):
    id: int
    file: str
    size: int
    status: str
    status_label: str
    message: str
    sheet: str
    sheets: list[WorkbookSheetOut]
    header_row: int | None
    headers: list[str]
    mapping: list[str]
    counts: dict[str, int]
    default_union_id: int | None
    created_by: str | None
    created_at: dt.datetime
    applied_at: dt.datetime | None
    undone_at: dt.datetime | None
    job: JobOut | None

    @staticmethod
    def resolve_file(obj) -> str:
        return obj.original_name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_sheets(obj) -> list:
        return [s for s in obj.sheets or [] if isinstance(s, dict)]

    @staticmethod
    def resolve_headers(obj) -> list[str]:
        return [str(h) for h in obj.headers or []]

    @staticmethod
    def resolve_mapping(obj) -> list[str]:
        return list(obj.mapping or [])

    @staticmethod
    def resolve_counts(obj) -> dict[str, int]:
        return {k: int(v) for k, v in (obj.counts or {}).items()}

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return obj.created_by.username if obj.created_by_id else None

    @staticmethod
    def resolve_job(obj):
        return obj.job if obj.job_id else None


class RowOut(Schema):
    # An ``ImportRow`` with ``shown``: the preview's description of it, which never shows a
    # value in clear.
    sheet: str  # the sheet the row is on
    row_number: int
    person: int
    action: str
    name: str
    id_number: str  # masked
    problems: list[dict]
    changes: dict
    candidate_id: int | None
    decision: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.shown.name

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.shown.id_number

    @staticmethod
    def resolve_problems(obj) -> list[dict]:
        return obj.problems or []

    @staticmethod
    def resolve_changes(obj) -> dict:
        return obj.shown.changes


class ConfirmIn(Schema):
    # For each candidate (a row without an ID number that matches a record on name and birth
    # date), by its row number: "merge" to update that record, "new" for a new one, "skip" to leave the row out.
    decisions: Annotated[
        dict[Annotated[str, Field(pattern=r"^\d{1,9}$")], Literal["merge", "new", "skip"]],
        WithJsonSchema(
            {
                "type": "object",
                "patternProperties": {r"^\d{1,9}$": {"type": "string", "enum": ["merge", "new", "skip"]}},
                "additionalProperties": False,
                "examples": [{"12": "merge", "15": "new"}],
            }
        ),
    ] = {}
