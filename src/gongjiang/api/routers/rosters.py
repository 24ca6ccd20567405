"""Roster import (花名册导入) through the API: upload, the preview, confirm, progress, undo."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field, WithJsonSchema

from gongjiang.accounts import permissions
from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import ERRORS, WRITE_ERRORS, Page, logged_read, page
from gongjiang.api.routers.archive import JobOut, job_out
from gongjiang.archive.forms import unions_for
from gongjiang.core import jobs
from gongjiang.core.downloads import file_download
from gongjiang.core.models import JobStatus
from gongjiang.rosters import services, tasks
from gongjiang.rosters.models import ImportRow, RosterImport, RowAction, SheetState
from gongjiang.rosters.preview import Previewer

router = Router(tags=["花名册导入"])


class WorkbookSheetOut(Schema):
    name: str
    state: str  # read, hidden, very_hidden, not_cells (a chart), no_header, empty
    state_label: str
    header_row: int | None = None
    rows: int | None = None  # data rows read (notes not counted)
    notes: int | None = None  # notes under the table skipped (注：…, 合计…)
    union_id: int | None = None  # the union the sheet is named after, for its rows that name none


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


def import_out(ri: RosterImport) -> dict:
    return {
        "id": ri.pk,
        "file": ri.original_name,
        "size": ri.size,
        "status": ri.status,
        "status_label": str(ri.get_status_display()),
        "message": ri.message,
        "sheet": ri.sheet,
        "sheets": [sheet_out(s) for s in ri.sheets or [] if isinstance(s, dict)],
        "header_row": ri.header_row,
        "headers": [str(h) for h in ri.headers or []],
        "mapping": list(ri.mapping or []),
        "counts": {k: int(v) for k, v in (ri.counts or {}).items()},
        "default_union_id": ri.default_union_id,
        "created_by": ri.created_by.username if ri.created_by_id else None,
        "created_at": ri.created_at,
        "applied_at": ri.applied_at,
        "undone_at": ri.undone_at,
        "job": job_out(ri.job) if ri.job_id else None,
    }


def sheet_out(s: dict) -> dict:
    states = dict(SheetState.choices)
    return {
        "name": s["name"],
        "state": s["state"],
        "state_label": str(states.get(s["state"], s["state"])),
        "header_row": s.get("header_row"),
        "rows": s.get("rows"),
        "notes": s.get("notes"),
        "union_id": s.get("union"),
    }


def _require(request) -> None:
    if not permissions.has_perm(request.user, Perm.EDIT_RECORDS):
        raise PermissionDenied(_("You may not import rosters."))


def _import(request, pk: int) -> RosterImport:
    _require(request)
    return get_object_or_404(services.visible_imports(request.user).select_related("job"), pk=pk)


@router.post(
    "/rosters",
    response={201: ImportOut, **WRITE_ERRORS, 413: dict},
    summary="上传花名册（.xlsx/.xls/.ods/.csv）；后台读取，进度见 job",
)
def upload(request, file: File[UploadedFile] = None, default_union: Form[int] = None):  # no null in a form
    _require(request)
    if not file:  # absent, or empty (a multipart client may send an empty part)
        raise ValidationError({"file": [_("Choose the file.")]})
    union = None
    if default_union is not None:
        # As on the web form: an active grassroots union within the user's scope.
        union = unions_for(request.user).filter(pk=default_union).first()
        if union is None:
            raise Http404
    ri = services.upload(actor=request.user, name=file.name, data=file.read(), default_union=union, via="api")
    tasks.start_parse(actor=request.user, ri=ri)
    ri.refresh_from_db()
    return Status(201, import_out(ri))


@router.get("/rosters/template", response={200: None, **ERRORS}, summary="空白导入模板（含下拉选项）")
def template(request):
    from gongjiang.rosters.template import write_template

    _require(request)
    return file_download(lambda path: write_template(path, user=request.user), "劳模花名册导入模板.xlsx")


ImportPage = Page[ImportOut]


@router.get("/rosters", response={200: ImportPage, **ERRORS}, summary="导入记录")
def imports(request, cursor: str = "", limit: int = 50):
    _require(request)
    return page(
        services.visible_imports(request.user).select_related("job"),
        ["-id"],
        cursor=cursor,
        limit=limit,
        serialize=import_out,
    )


@router.get("/rosters/{int:import_id}", response={200: ImportOut, **ERRORS}, summary="一次导入：状态、进度与各类行数")
def roster_import(request, import_id: int):
    ri = _import(request, import_id)
    if ri.job_id and jobs.check(ri.job).status == JobStatus.INTERRUPTED:
        ri = _import(request, import_id)  # its worker is gone: interrupted, can be retried
    return import_out(ri)


class RowOut(Schema):
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


RowPage = Page[RowOut]


def _row_out(ri: RosterImport):
    previewer = Previewer(ri)

    def serialize(row: ImportRow) -> dict:
        shown = previewer.describe(row)  # the preview never shows a value in clear
        return {
            "sheet": row.sheet,
            "row_number": row.row_number,
            "person": row.person,
            "action": row.action,
            "name": shown.name,
            "id_number": shown.id_number,
            "problems": row.problems or [],
            "changes": shown.changes,
            "candidate_id": row.candidate_id,
            "decision": row.decision,
        }

    return serialize


@router.get(
    "/rosters/{int:import_id}/rows",
    response={200: RowPage, **ERRORS},
    summary="预览：每一行将做什么（新建、更新、不变、待确认、拒绝及原因）",
)
def rows(request, import_id: int, action: str = "", cursor: str = "", limit: int = 50):
    ri = _import(request, import_id)
    qs = ImportRow.objects.filter(roster_import=ri)
    if action:
        if action not in RowAction.values:
            raise Http404
        qs = qs.filter(action=action)
    result = page(qs, ["id"], cursor=cursor, limit=limit, serialize=_row_out(ri))
    return logged_read(request, "rosters.importrow", result, roster_import=ri.pk)


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


@router.post(
    "/rosters/{int:import_id}/confirm",
    response={200: ImportOut, **WRITE_ERRORS},
    summary="确认导入（在后台一次性执行；进度见 job）",
)
def confirm(request, import_id: int, payload: ConfirmIn):
    ri = _import(request, import_id)
    decisions = {int(k): v for k, v in payload.decisions.items()}
    ri = services.confirm(actor=request.user, ri=ri, decisions=decisions)
    tasks.start_apply(actor=request.user, ri=ri)
    return import_out(_import(request, import_id))


@router.post(
    "/rosters/{int:import_id}/retry",
    response={200: ImportOut, **WRITE_ERRORS},
    summary="重试已中断的导入（执行它的任务进程停止时未做任何修改；重试只执行一次）",
)
def retry(request, import_id: int):
    tasks.retry(actor=request.user, ri=_import(request, import_id))
    return import_out(_import(request, import_id))


@router.post(
    "/rosters/{int:import_id}/cancel", response={200: ImportOut, **WRITE_ERRORS}, summary="取消导入（不做任何修改）"
)
def cancel(request, import_id: int):
    services.cancel(actor=request.user, ri=_import(request, import_id))
    return import_out(_import(request, import_id))


@router.post(
    "/rosters/{int:import_id}/undo",
    response={200: ImportOut, **WRITE_ERRORS},
    summary="撤销导入（此后记录未被他人修改时）",
)
def undo(request, import_id: int):
    services.undo(actor=request.user, ri=_import(request, import_id))
    return import_out(_import(request, import_id))


@router.get(
    "/rosters/{int:import_id}/errors",
    response={200: None, **ERRORS},
    summary="下载被拒绝的行（原样，加“原因”列），改正后可再次导入",
)
def errors(request, import_id: int):
    from gongjiang.rosters.exports import errors_download

    return errors_download(request.user, _import(request, import_id))
