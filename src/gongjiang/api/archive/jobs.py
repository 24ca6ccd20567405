"""The export of a list of model workers, and background jobs: progress, retry, the file."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Status as Reply
from ninja.errors import HttpError

from gongjiang.accounts import permissions
from gongjiang.accounts.permissions import Perm
from gongjiang.api.archive.common import get_job, router
from gongjiang.api.archive.schemas import ExportIn, JobOut
from gongjiang.api.common import ERRORS, WRITE_ERRORS
from gongjiang.archive import exports
from gongjiang.archive.tasks import export_list
from gongjiang.core import jobs
from gongjiang.core.models import Job


@router.post(
    "/model-workers/export",
    response={200: None, 202: JobOut, **ERRORS},
    summary=("导出当前筛选的花名册（.xlsx；默认脱敏；较大的导出在后台进行，返回 202 和任务）"),
)
def export_model_workers(request, payload: ExportIn):
    """Small lists come back at once as .xlsx; larger ones start a job (GET /jobs/{id})."""

    if not permissions.has_perm(request.user, Perm.EXPORT):
        raise PermissionDenied(_("You may not export lists."))
    if payload.unmasked and not permissions.has_perm(request.user, Perm.EXPORT_UNMASKED):
        raise PermissionDenied(_("You may not export unmasked personal data."))
    result = export_list(
        actor=request.user,
        filters=payload.filters(),
        description=str(_("API export")),
        unmasked=payload.unmasked,
        columns=[c for c in payload.columns if c in exports.COLUMN_KEYS] or None,
        ip=request.META.get("REMOTE_ADDR"),
    )
    return Reply(202, result) if isinstance(result, Job) else result


@router.get(
    "/jobs/{uuid:job_id}",
    response={200: JobOut, **ERRORS},
    summary="后台任务的进度与结果",
    description="status：queued 等待、running 进行中、done 完成、failed 失败、"
    "interrupted 已中断（执行它的任务进程已停止，本次运行的结果未保存），可重试。",
    tags=["后台任务"],
)
def job(request, job_id: str):

    return jobs.check(get_job(request, str(job_id)))


@router.post(
    "/jobs/{uuid:job_id}/retry",
    response={200: JobOut, **WRITE_ERRORS},
    summary="重试已中断的任务（返回新的任务；重复提交返回同一个新任务）",
    tags=["后台任务"],
)
def job_retry(request, job_id: str):

    return jobs.retry(actor=request.user, job=get_job(request, str(job_id)))


@router.get(
    "/jobs/{uuid:job_id}/file", response={200: None, **ERRORS}, summary="下载后台任务生成的文件", tags=["后台任务"]
)
def job_file(request, job_id: str):
    found = get_job(request, job_id)
    if not found.result_file:
        raise HttpError(404, _("Not found, or not yours to see."))
    return FileResponse(found.result_file.open("rb"), as_attachment=True, filename=found.result_name or "download")
