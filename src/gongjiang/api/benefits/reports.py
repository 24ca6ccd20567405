"""The 按时足额 report (due, paid, owed, overpaid by person and period) and arrears batches."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.errors import HttpError

from gongjiang.accounts.audit import record_read
from gongjiang.api.benefits.common import batch_detail, get_scheme, router
from gongjiang.api.benefits.schemas import REPORT_STATUS_ORDER, ArrearsIn, BatchOut, ReportOut, ReportQuery
from gongjiang.api.common import ERRORS, WRITE_ERRORS
from gongjiang.benefits import reports, services
from gongjiang.benefits.enums import ReportStatus


@router.get(
    "/schemes/{int:scheme_id}/report",
    response={200: ReportOut, **ERRORS},
    summary="按时足额核查：应发、已发、欠发、多发（按人·期）",
)
def report(request, scheme_id: int, q: Query[ReportQuery]):
    if q.last < q.first:
        raise HttpError(422, _("The end is before the start."))
    args = reports.report_span(get_scheme(request, scheme_id), q.first, q.last)
    limit = max(1, min(q.limit, 1000))
    offset = max(0, q.offset)
    statuses = list(q.status) or [s.value for s in REPORT_STATUS_ORDER if s != ReportStatus.OK]
    result = reports.on_time_report(*args, rows=True, statuses=statuses, limit=limit, offset=offset)
    record_read(actor=request.user, object_type="benefits.report", rows=len(result.rows), query=request.GET)
    return {
        "scheme_id": scheme_id,
        "first": result.first,
        "last": result.last,
        "person_periods": result.person_periods,
        "problems": result.problems,
        "being_paid": result.being_paid,
        "owed": result.owed,
        "totals": result.totals,
        "rows": result.rows,
        "next_offset": offset + limit if len(result.rows) == limit else None,
    }


@router.post(
    "/schemes/{int:scheme_id}/arrears",
    response={201: BatchOut, 204: None, **WRITE_ERRORS},
    summary="为欠发的人·期生成补发批次（没有欠发时返回 204；应补发的人都没有银行账户时返回 409 并列出姓名）",
    description="补发只针对已结束的期间，或常规批次已发放的期间：进行中的当期由常规批次发放，不列入补发。"
    "同一人·期的常规、补发和结转明细合计从不超过应发金额，重复提交不会重复发放。",
)
def arrears(request, scheme_id: int, payload: ArrearsIn):
    if payload.last < payload.first:
        raise HttpError(422, _("The end is before the start."))
    scheme, first, last = reports.report_span(get_scheme(request, scheme_id), payload.first, payload.last)
    batch = services.generate_arrears(actor=request.user, scheme=scheme, first=first, last=last)
    if batch is None:
        return Status(204, None)
    return Status(201, batch_detail(batch.pk))
