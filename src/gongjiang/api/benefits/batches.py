"""Batches: generate, the lines and who was left out, submit, approve, results, the bank file."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Status
from ninja.files import UploadedFile

from gongjiang.api.benefits.common import BATCHES, batch_detail, get_batch, get_scheme, require_benefits, router
from gongjiang.api.benefits.schemas import (
    BatchOut,
    BenefitReasonIn,
    GenerateIn,
    LeftOutOut,
    LineOut,
    PayAllIn,
    RemoveLineIn,
    ResultsIn,
    ResultsOut,
)
from gongjiang.api.common import ERRORS, WRITE_ERRORS, Page, logged_read, page
from gongjiang.benefits import bankfile, services
from gongjiang.benefits.models import BatchLine, LeftOut


def _line(batch, pk: int) -> BatchLine:
    """A line of a batch already fetched for the user."""
    return get_object_or_404(BatchLine, pk=pk, batch=batch)


BatchPage = Page[BatchOut]


@router.get("/batches", response={200: BatchPage, **ERRORS}, summary="发放批次（新的在前）")
def batches(
    request,
    scheme: int | None = None,
    state: Literal["", "draft", "submitted", "approved", "paid", "partly_failed", "closed"] = "",
    cursor: str = "",
    limit: int = 50,
):
    require_benefits(request)
    qs = BATCHES.all()
    if scheme is not None:
        qs = qs.filter(scheme_id=scheme)
    if state:
        qs = qs.filter(state=state)
    return page(qs, ["-id"], cursor=cursor, limit=limit)


@router.post(
    "/schemes/{int:scheme_id}/batches",
    response={201: BatchOut, **WRITE_ERRORS},
    summary="生成某期的发放批次（可重复执行：只补上缺少的人）",
)
def generate(request, scheme_id: int, payload: GenerateIn):
    batch = services.generate_batch(actor=request.user, scheme=get_scheme(request, scheme_id), period=payload.period)
    return Status(201, batch_detail(batch.pk))


@router.get("/batches/{int:batch_id}", response={200: BatchOut, **ERRORS}, summary="一个发放批次")
def batch(request, batch_id: int):
    return batch_detail(get_batch(request, batch_id).pk)


LinePage = Page[LineOut]


@router.get(
    "/batches/{int:batch_id}/lines",
    response={200: LinePage, **ERRORS},
    summary="批次明细（账号脱敏；完整账号只在银行代发文件中，记入审计日志）",
)
def lines(
    request,
    batch_id: int,
    state: Literal["", "pending", "paid", "failed", "carried", "removed"] = "",
    cursor: str = "",
    limit: int = 50,
):
    batch = get_batch(request, batch_id)
    qs = batch.lines.select_related("model_worker__union")
    if state:
        qs = qs.filter(state=state)
    return logged_read(request, "benefits.batchline", page(qs, ["id"], cursor=cursor, limit=limit), batch=batch.pk)


LeftOutPage = Page[LeftOutOut]


@router.get(
    "/batches/{int:batch_id}/left-out",
    response={200: LeftOutPage, **ERRORS},
    summary="未列入批次的人及原因（暂停、去世、不符合条件……）",
)
def left_out(request, batch_id: int, cursor: str = "", limit: int = 50):
    batch = get_batch(request, batch_id)
    qs = LeftOut.objects.filter(batch=batch).select_related("model_worker__union")
    return logged_read(request, "benefits.leftout", page(qs, ["id"], cursor=cursor, limit=limit), batch=batch.pk)


@router.post("/batches/{int:batch_id}/submit", response={200: BatchOut, **WRITE_ERRORS}, summary="提交审批（制作人）")
def submit(request, batch_id: int):
    services.submit_batch(actor=request.user, batch=get_batch(request, batch_id))
    return batch_detail(batch_id)


@router.post(
    "/batches/{int:batch_id}/approve",
    response={200: BatchOut, **WRITE_ERRORS},
    summary="审批（须由制作人以外的人；本人审批返回 403）",
)
def approve(request, batch_id: int):
    services.approve_batch(actor=request.user, batch=get_batch(request, batch_id))
    return batch_detail(batch_id)


@router.post(
    "/batches/{int:batch_id}/return", response={200: BatchOut, **WRITE_ERRORS}, summary="退回制作人修改（须说明原因）"
)
def return_(request, batch_id: int, payload: BenefitReasonIn):
    services.return_batch(actor=request.user, batch=get_batch(request, batch_id), reason=payload.reason)
    return batch_detail(batch_id)


@router.post(
    "/batches/{int:batch_id}/regenerate", response={200: BatchOut, **WRITE_ERRORS}, summary="补入新近符合条件的人"
)
def regenerate(request, batch_id: int):
    services.regenerate_batch(actor=request.user, batch=get_batch(request, batch_id))
    return batch_detail(batch_id)


@router.post(
    "/batches/{int:batch_id}/lines/{int:line_id}/remove",
    response={200: BatchOut, **WRITE_ERRORS},
    summary="从草稿批次中去掉一行（保留记录并注明原因）",
)
def remove_line(request, batch_id: int, line_id: int, payload: RemoveLineIn):
    line = _line(get_batch(request, batch_id), line_id)
    services.remove_line(actor=request.user, line=line, reason=payload.reason)
    return batch_detail(batch_id)


@router.post(
    "/batches/{int:batch_id}/results",
    response={200: ResultsOut, **WRITE_ERRORS},
    summary="登记银行回单结果：每行成功（记入台账）或失败（须说明原因，转入以后的批次）",
)
def results(request, batch_id: int, payload: ResultsIn):
    outcome = services.record_results(
        actor=request.user, batch=get_batch(request, batch_id), results=[r.dict() for r in payload.results]
    )
    return {**outcome, "batch": batch_detail(batch_id)}


@router.post(
    "/batches/{int:batch_id}/results-file",
    response={200: ResultsOut, **WRITE_ERRORS},
    summary="上传银行回单文件（.xlsx/.xls/.csv，含“结果”列与“行号”或“账号”列）",
)
def results_file(request, batch_id: int, file: File[UploadedFile] = None):
    batch = get_batch(request, batch_id)
    if not file:  # absent, or empty (a multipart client may send an empty part)
        raise ValidationError({"file": [_("Choose the return file.")]})
    outcome = services.record_return_file(actor=request.user, batch=batch, data=file.read(), name=file.name)
    return {**outcome, "batch": batch_detail(batch_id)}


@router.post(
    "/batches/{int:batch_id}/pay-all",
    response={200: ResultsOut, **WRITE_ERRORS},
    summary="银行确认整批已付：所有待付行记为同一天支付",
)
def pay_all(request, batch_id: int, payload: PayAllIn):
    outcome = services.pay_all(
        actor=request.user, batch=get_batch(request, batch_id), paid_on=payload.paid_on, reference=payload.reference
    )
    return {**outcome, "batch": batch_detail(batch_id)}


@router.post("/batches/{int:batch_id}/close", response={200: BatchOut, **WRITE_ERRORS}, summary="结束批次")
def close(request, batch_id: int):
    services.close_batch(actor=request.user, batch=get_batch(request, batch_id))
    return batch_detail(batch_id)


@router.get(
    "/batches/{int:batch_id}/bank-file",
    response={200: None, **WRITE_ERRORS},
    summary="银行代发文件（审批后可下载；记入审计日志）",
)
def bank_file(request, batch_id: int, format: Literal["xlsx", "csv"] = "xlsx"):
    return bankfile.download(actor=request.user, batch=get_batch(request, batch_id), fmt=format)
