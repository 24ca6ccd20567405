"""Roster import (花名册导入): upload, the preview, confirm, progress, undo."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Status
from ninja.files import UploadedFile

from gongjiang.api.common import ERRORS, WRITE_ERRORS, Page, logged_read, page
from gongjiang.api.rosters.common import get_import, require_importer, router
from gongjiang.api.rosters.schemas import ConfirmIn, ImportOut, RowOut
from gongjiang.archive.forms import unions_for
from gongjiang.core import jobs
from gongjiang.core.downloads import file_download
from gongjiang.core.models import JobStatus
from gongjiang.rosters import services, tasks
from gongjiang.rosters.exports import errors_download
from gongjiang.rosters.models import ImportRow, RosterImport, RowAction
from gongjiang.rosters.preview import Previewer
from gongjiang.rosters.template import write_template


@router.post(
    "/rosters",
    response={201: ImportOut, **WRITE_ERRORS, 413: dict},
    summary="上传花名册（.xlsx/.xls/.ods/.csv）；后台读取，进度见 job",
)
def upload(request, file: File[UploadedFile] = None, default_union: Form[int] = None):  # no null in a form
    require_importer(request)
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
    return Status(201, ri)


@router.get("/rosters/template", response={200: None, **ERRORS}, summary="空白导入模板（含下拉选项）")
def template(request):

    require_importer(request)
    return file_download(lambda path: write_template(path, user=request.user), "劳模花名册导入模板.xlsx")


ImportPage = Page[ImportOut]


@router.get("/rosters", response={200: ImportPage, **ERRORS}, summary="导入记录")
def imports(request, cursor: str = "", limit: int = 50):
    require_importer(request)
    return page(services.visible_imports(request.user).select_related("job"), ["-id"], cursor=cursor, limit=limit)


@router.get("/rosters/{int:import_id}", response={200: ImportOut, **ERRORS}, summary="一次导入：状态、进度与各类行数")
def roster_import(request, import_id: int):
    ri = get_import(request, import_id)
    if ri.job_id and jobs.check(ri.job).status == JobStatus.INTERRUPTED:
        ri = get_import(request, import_id)  # its worker is gone: interrupted, can be retried
    return ri


RowPage = Page[RowOut]


def _shown(ri: RosterImport):
    """Each row with ``shown``, the preview's description of it (``RowOut``)."""
    previewer = Previewer(ri)

    def describe(row: ImportRow) -> ImportRow:
        row.shown = previewer.describe(row)  # the preview never shows a value in clear
        return row

    return describe


@router.get(
    "/rosters/{int:import_id}/rows",
    response={200: RowPage, **ERRORS},
    summary="预览：每一行将做什么（新建、更新、不变、待确认、拒绝及原因）",
)
def rows(request, import_id: int, action: str = "", cursor: str = "", limit: int = 50):
    ri = get_import(request, import_id)
    qs = ImportRow.objects.filter(roster_import=ri)
    if action:
        if action not in RowAction.values:
            raise Http404
        qs = qs.filter(action=action)
    result = page(qs, ["id"], cursor=cursor, limit=limit, serialize=_shown(ri))
    return logged_read(request, "rosters.importrow", result, roster_import=ri.pk)


@router.post(
    "/rosters/{int:import_id}/confirm",
    response={200: ImportOut, **WRITE_ERRORS},
    summary="确认导入（在后台一次性执行；进度见 job）",
)
def confirm(request, import_id: int, payload: ConfirmIn):
    ri = get_import(request, import_id)
    decisions = {int(k): v for k, v in payload.decisions.items()}
    ri = services.confirm(actor=request.user, ri=ri, decisions=decisions)
    tasks.start_apply(actor=request.user, ri=ri)
    return get_import(request, import_id)


@router.post(
    "/rosters/{int:import_id}/retry",
    response={200: ImportOut, **WRITE_ERRORS},
    summary="重试已中断的导入（执行它的任务进程停止时未做任何修改；重试只执行一次）",
)
def retry(request, import_id: int):
    tasks.retry(actor=request.user, ri=get_import(request, import_id))
    return get_import(request, import_id)


@router.post(
    "/rosters/{int:import_id}/cancel", response={200: ImportOut, **WRITE_ERRORS}, summary="取消导入（不做任何修改）"
)
def cancel(request, import_id: int):
    services.cancel(actor=request.user, ri=get_import(request, import_id))
    return get_import(request, import_id)


@router.post(
    "/rosters/{int:import_id}/undo",
    response={200: ImportOut, **WRITE_ERRORS},
    summary="撤销导入（此后记录未被他人修改时）",
)
def undo(request, import_id: int):
    services.undo(actor=request.user, ri=get_import(request, import_id))
    return get_import(request, import_id)


@router.get(
    "/rosters/{int:import_id}/errors",
    response={200: None, **ERRORS},
    summary="下载被拒绝的行（原样，加“原因”列），改正后可再次导入",
)
def errors(request, import_id: int):

    return errors_download(request.user, get_import(request, import_id))
