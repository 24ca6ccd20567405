"""Treatment: schemes, batches (generate, submit, approve, results), the ledger, the 按时足额
report, and one person's treatment — through the same services as the pages, so separation of
duties, masking of account numbers and the audit trail hold here too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from gongjiang.accounts.audit import record_read
from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import ERRORS, WRITE_ERRORS, Page, choice, logged_read, page, require
from gongjiang.benefits import bankfile, entitlement, reports, services
from gongjiang.benefits.access import access_treatment as treatment_person
from gongjiang.benefits.enums import BatchState, HoldReason, LineState, SchemeKind, SchemePeriod
from gongjiang.benefits.models import (
    Batch,
    BatchLine,
    LedgerEntry,
    LeftOut,
    PaymentAccount,
    Scheme,
    TreatmentHold,
)
from gongjiang.core.masking import mask_account

router = Router(tags=["待遇发放"])


def _require(request, perm: Perm = Perm.VIEW_BATCHES) -> None:
    require(request, perm)


# --- Schemes ----------------------------------------------------------------------------------


class RuleOut(Schema):
    id: int
    label: str
    effective_from: dt.date
    effective_to: dt.date | None
    statuses: list[str]
    levels: list[int]
    amounts: dict[str, Decimal]
    requires_hardship: bool


class SchemeOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    period: str
    period_label: str
    one_off_date: dt.date | None
    is_active: bool
    description: str
    rules: list[RuleOut]


def scheme_out(s: Scheme) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "kind": s.kind,
        "kind_label": choice(s.kind, SchemeKind),
        "period": s.period,
        "period_label": choice(s.period, SchemePeriod),
        "one_off_date": s.one_off_date,
        "is_active": s.is_active,
        "description": s.description,
        "rules": [
            {
                "id": r.pk,
                "label": r.label,
                "effective_from": r.effective_from,
                "effective_to": r.effective_to,
                "statuses": list(r.statuses or []),
                "levels": [int(v) for v in r.levels or []],
                "amounts": {str(k): Decimal(str(v)) for k, v in (r.amounts or {}).items()},
                "requires_hardship": r.requires_hardship,
            }
            for r in sorted(s.rules.all(), key=lambda r: r.effective_from)
        ],
    }


@router.get("/schemes", response={200: list[SchemeOut], **ERRORS}, summary="待遇项目（含各期标准）")
def schemes(request):
    _require(request)
    return [scheme_out(s) for s in Scheme.objects.prefetch_related("rules").order_by("-is_active", "kind", "name")]


def _scheme(request, pk: int) -> Scheme:
    _require(request)
    return get_object_or_404(Scheme.objects.prefetch_related("rules"), pk=pk)


@router.get("/schemes/{int:scheme_id}", response={200: SchemeOut, **ERRORS}, summary="一个待遇项目")
def scheme(request, scheme_id: int):
    return scheme_out(_scheme(request, scheme_id))


# --- Batches ----------------------------------------------------------------------------------


class UserRef(Schema):
    id: int
    name: str


class BatchOut(Schema):
    id: int
    scheme_id: int
    scheme: str
    kind: str
    period: dt.date | None
    title: str
    state: str
    state_label: str
    line_count: int
    total: Decimal
    left_out_count: int
    prepared_by: UserRef
    submitted_by: UserRef | None
    approved_by: UserRef | None
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    paid_at: dt.datetime | None
    closed_at: dt.datetime | None
    lines_by_state: dict[str, int]


def _user(u) -> dict | None:
    return None if u is None else {"id": u.pk, "name": str(u)}


def batch_out(b: Batch, counts: dict[str, int] | None = None) -> dict:
    return {
        "id": b.pk,
        "scheme_id": b.scheme_id,
        "scheme": b.scheme.name,
        "kind": b.kind,
        "period": b.period,
        "title": b.title,
        "state": b.state,
        "state_label": choice(b.state, BatchState),
        "line_count": b.line_count,
        "total": b.total,
        "left_out_count": b.left_out_count,
        "prepared_by": _user(b.prepared_by),
        "submitted_by": _user(b.submitted_by),
        "approved_by": _user(b.approved_by),
        "created_at": b.created_at,
        "submitted_at": b.submitted_at,
        "approved_at": b.approved_at,
        "paid_at": b.paid_at,
        "closed_at": b.closed_at,
        "lines_by_state": counts or {},
    }


BATCHES = Batch.objects.select_related("scheme", "prepared_by", "submitted_by", "approved_by")


def _batch(request, pk: int) -> Batch:
    _require(request)
    return get_object_or_404(BATCHES, pk=pk)


def _batch_detail(pk: int) -> dict:
    batch = BATCHES.get(pk=pk)
    counts = dict(batch.lines.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return batch_out(batch, counts)


BatchPage = Page[BatchOut]


@router.get("/batches", response={200: BatchPage, **ERRORS}, summary="发放批次（新的在前）")
def batches(
    request,
    scheme: int | None = None,
    state: Literal["", "draft", "submitted", "approved", "paid", "partly_failed", "closed"] = "",
    cursor: str = "",
    limit: int = 50,
):
    _require(request)
    qs = BATCHES.all()
    if scheme is not None:
        qs = qs.filter(scheme_id=scheme)
    if state:
        qs = qs.filter(state=state)
    return page(qs, ["-id"], cursor=cursor, limit=limit, serialize=batch_out)


class GenerateIn(Schema):
    period: dt.date


@router.post(
    "/schemes/{int:scheme_id}/batches",
    response={201: BatchOut, **WRITE_ERRORS},
    summary="生成某期的发放批次（可重复执行：只补上缺少的人）",
)
def generate(request, scheme_id: int, payload: GenerateIn):
    batch = services.generate_batch(actor=request.user, scheme=_scheme(request, scheme_id), period=payload.period)
    return Status(201, _batch_detail(batch.pk))


@router.get("/batches/{int:batch_id}", response={200: BatchOut, **ERRORS}, summary="一个发放批次")
def batch(request, batch_id: int):
    return _batch_detail(_batch(request, batch_id).pk)


class LineOut(Schema):
    id: int
    model_worker_id: int
    name: str
    union: str
    period: dt.date
    kind: str
    amount: Decimal
    level: int | None
    words: str
    bank: str
    account_number: str  # masked: the full numbers are in the bank file (audited)
    holder: str
    state: str
    state_label: str
    paid_on: dt.date | None
    reference: str
    failure_reason: str
    items: dict[str, str]
    signed_by: str


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
    batch = _batch(request, batch_id)
    qs = batch.lines.select_related("model_worker__union")
    if state:
        qs = qs.filter(state=state)

    def out(line: BatchLine) -> dict:
        return {
            "id": line.pk,
            "model_worker_id": line.model_worker_id,
            "name": line.model_worker.name,
            "union": line.model_worker.union.name,
            "period": line.period,
            "kind": line.kind,
            "amount": line.amount,
            "level": line.level,
            "words": line.words,
            "bank": line.bank,
            # Masked for every role, as on the page: a list is not the place for full numbers.
            "account_number": mask_account(line.account_number),
            "holder": line.holder,
            "state": line.state,
            "state_label": choice(line.state, LineState),
            "paid_on": line.paid_on,
            "reference": line.reference,
            "failure_reason": line.failure_reason,
            "items": {str(k): str(v) for k, v in (line.items or {}).items()},
            "signed_by": line.signed_by,
        }

    return logged_read(
        request, "benefits.batchline", page(qs, ["id"], cursor=cursor, limit=limit, serialize=out), batch=batch.pk
    )


class LeftOutOut(Schema):
    model_worker_id: int
    name: str
    union: str
    reason: str
    words: str


LeftOutPage = Page[LeftOutOut]


@router.get(
    "/batches/{int:batch_id}/left-out",
    response={200: LeftOutPage, **ERRORS},
    summary="未列入批次的人及原因（暂停、去世、不符合条件……）",
)
def left_out(request, batch_id: int, cursor: str = "", limit: int = 50):
    batch = _batch(request, batch_id)
    qs = LeftOut.objects.filter(batch=batch).select_related("model_worker__union")
    result = page(
        qs,
        ["id"],
        cursor=cursor,
        limit=limit,
        serialize=lambda lo: {
            "model_worker_id": lo.model_worker_id,
            "name": lo.model_worker.name,
            "union": lo.model_worker.union.name,
            "reason": lo.reason,
            "words": lo.words,
        },
    )
    return logged_read(request, "benefits.leftout", result, batch=batch.pk)


@router.post("/batches/{int:batch_id}/submit", response={200: BatchOut, **WRITE_ERRORS}, summary="提交审批（制作人）")
def submit(request, batch_id: int):
    services.submit_batch(actor=request.user, batch=_batch(request, batch_id))
    return _batch_detail(batch_id)


@router.post(
    "/batches/{int:batch_id}/approve",
    response={200: BatchOut, **WRITE_ERRORS},
    summary="审批（须由制作人以外的人；本人审批返回 403）",
)
def approve(request, batch_id: int):
    services.approve_batch(actor=request.user, batch=_batch(request, batch_id))
    return _batch_detail(batch_id)


class BenefitReasonIn(Schema):
    reason: str


@router.post(
    "/batches/{int:batch_id}/return", response={200: BatchOut, **WRITE_ERRORS}, summary="退回制作人修改（须说明原因）"
)
def return_(request, batch_id: int, payload: BenefitReasonIn):
    services.return_batch(actor=request.user, batch=_batch(request, batch_id), reason=payload.reason)
    return _batch_detail(batch_id)


@router.post(
    "/batches/{int:batch_id}/regenerate", response={200: BatchOut, **WRITE_ERRORS}, summary="补入新近符合条件的人"
)
def regenerate(request, batch_id: int):
    services.regenerate_batch(actor=request.user, batch=_batch(request, batch_id))
    return _batch_detail(batch_id)


class RemoveLineIn(Schema):
    reason: str


@router.post(
    "/batches/{int:batch_id}/lines/{int:line_id}/remove",
    response={200: BatchOut, **WRITE_ERRORS},
    summary="从草稿批次中去掉一行（保留记录并注明原因）",
)
def remove_line(request, batch_id: int, line_id: int, payload: RemoveLineIn):
    batch = _batch(request, batch_id)
    line = get_object_or_404(BatchLine, pk=line_id, batch=batch)
    services.remove_line(actor=request.user, line=line, reason=payload.reason)
    return _batch_detail(batch_id)


class ResultIn(Schema):
    line: int
    paid: bool
    paid_on: dt.date | None = None
    reference: str = ""
    reason: str = ""
    signed_by: str = ""


class ResultsIn(Schema):
    results: list[ResultIn]


class ResultsOut(Schema):
    paid: int
    failed: int
    batch: BatchOut


@router.post(
    "/batches/{int:batch_id}/results",
    response={200: ResultsOut, **WRITE_ERRORS},
    summary="登记银行回单结果：每行成功（记入台账）或失败（须说明原因，转入以后的批次）",
)
def results(request, batch_id: int, payload: ResultsIn):
    outcome = services.record_results(
        actor=request.user, batch=_batch(request, batch_id), results=[r.dict() for r in payload.results]
    )
    return {**outcome, "batch": _batch_detail(batch_id)}


@router.post(
    "/batches/{int:batch_id}/results-file",
    response={200: ResultsOut, **WRITE_ERRORS},
    summary="上传银行回单文件（.xlsx/.xls/.csv，含“结果”列与“行号”或“账号”列）",
)
def results_file(request, batch_id: int, file: File[UploadedFile] = None):
    batch = _batch(request, batch_id)
    if not file:  # absent, or empty (a multipart client may send an empty part)
        raise ValidationError({"file": [_("Choose the return file.")]})
    outcome = services.record_return_file(actor=request.user, batch=batch, data=file.read(), name=file.name)
    return {**outcome, "batch": _batch_detail(batch_id)}


class PayAllIn(Schema):
    paid_on: dt.date
    reference: str = ""


@router.post(
    "/batches/{int:batch_id}/pay-all",
    response={200: ResultsOut, **WRITE_ERRORS},
    summary="银行确认整批已付：所有待付行记为同一天支付",
)
def pay_all(request, batch_id: int, payload: PayAllIn):
    outcome = services.pay_all(
        actor=request.user, batch=_batch(request, batch_id), paid_on=payload.paid_on, reference=payload.reference
    )
    return {**outcome, "batch": _batch_detail(batch_id)}


@router.post("/batches/{int:batch_id}/close", response={200: BatchOut, **WRITE_ERRORS}, summary="结束批次")
def close(request, batch_id: int):
    services.close_batch(actor=request.user, batch=_batch(request, batch_id))
    return _batch_detail(batch_id)


@router.get(
    "/batches/{int:batch_id}/bank-file",
    response={200: None, **WRITE_ERRORS},
    summary="银行代发文件（审批后可下载；记入审计日志）",
)
def bank_file(request, batch_id: int, format: Literal["xlsx", "csv"] = "xlsx"):
    return bankfile.download(actor=request.user, batch=_batch(request, batch_id), fmt=format)


# --- The ledger -------------------------------------------------------------------------------


class LedgerOut(Schema):
    id: int
    model_worker_id: int
    name: str
    scheme_id: int
    scheme: str
    period: dt.date
    kind: str
    amount: Decimal
    level: int | None
    paid_on: dt.date
    batch_line_id: int | None
    reverses_id: int | None
    reference: str
    reason: str
    created_at: dt.datetime


def ledger_out(e: LedgerEntry) -> dict:
    return {
        "id": e.pk,
        "model_worker_id": e.model_worker_id,
        "name": e.model_worker.name,
        "scheme_id": e.scheme_id,
        "scheme": e.scheme.name,
        "period": e.period,
        "kind": e.kind,
        "amount": e.amount,
        "level": e.level,
        "paid_on": e.paid_on,
        "batch_line_id": e.line_id,
        "reverses_id": e.reverses_id,
        "reference": e.reference,
        "reason": e.reason,
        "created_at": e.created_at,
    }


LedgerPage = Page[LedgerOut]


@router.get("/ledger", response={200: LedgerPage, **ERRORS}, summary="发放台账（只增不改；更正为冲销记录）")
def ledger(request, scheme: int | None = None, worker: int | None = None, cursor: str = "", limit: int = 50):
    _require(request)
    qs = LedgerEntry.objects.select_related("model_worker", "scheme")
    if scheme is not None:
        qs = qs.filter(scheme_id=scheme)
    if worker is not None:
        qs = qs.filter(model_worker_id=worker)
    return logged_read(
        request, "benefits.ledgerentry", page(qs, ["-id"], cursor=cursor, limit=limit, serialize=ledger_out)
    )


@router.post(
    "/ledger/{int:entry_id}/reverse",
    response={201: LedgerOut, **WRITE_ERRORS},
    summary="冲销一笔支付（写入一条负数记录；该期重新计为应发）",
)
def reverse(request, entry_id: int, payload: BenefitReasonIn):
    _require(request, Perm.APPROVE_BATCHES)
    entry = get_object_or_404(LedgerEntry, pk=entry_id)
    reversal = services.reverse_entry(actor=request.user, entry=entry, reason=payload.reason)
    return Status(201, ledger_out(LedgerEntry.objects.select_related("model_worker", "scheme").get(pk=reversal.pk)))


# --- The 按时足额 report and arrears ---------------------------------------------------------


class ReportTotals(Schema):
    n: int
    due: Decimal
    paid: Decimal
    owed: Decimal
    over: Decimal


class ReportRow(Schema):
    model_worker_id: int
    name: str
    period: dt.date
    status: str
    due: Decimal
    paid: Decimal
    pending: Decimal
    owed: Decimal
    over: Decimal
    first_paid: dt.date | None
    last_paid: dt.date | None
    level: int | None
    words: str


class ReportOut(Schema):
    scheme_id: int
    first: dt.date
    last: dt.date
    person_periods: int
    problems: int  # missing, short, late or overpaid
    being_paid: int  # the rest is in a batch not yet paid: not a problem
    owed: Decimal
    totals: dict[str, ReportTotals]
    rows: list[ReportRow]
    next_offset: int | None


ReportStatus = Literal["missing", "short", "overpaid", "late", "in_progress", "ok"]


class ReportQuery(Schema):
    first: dt.date
    last: dt.date
    status: list[ReportStatus] = []
    offset: int = 0
    limit: int = 100


@router.get(
    "/schemes/{int:scheme_id}/report",
    response={200: ReportOut, **ERRORS},
    summary="按时足额核查：应发、已发、欠发、多发（按人·期）",
)
def report(request, scheme_id: int, q: Query[ReportQuery]):
    if q.last < q.first:
        raise HttpError(422, _("The end is before the start."))
    args = reports.report_span(_scheme(request, scheme_id), q.first, q.last)
    limit = max(1, min(q.limit, 1000))
    offset = max(0, q.offset)
    statuses = list(q.status) or ["missing", "short", "overpaid", "late", "in_progress"]
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
        "totals": {k: {**v, "n": int(v["n"])} for k, v in result.totals.items()},
        "rows": [
            {
                "model_worker_id": r.worker_id,
                "name": r.name,
                "period": r.period,
                "status": r.status,
                "due": r.due,
                "paid": r.paid,
                "pending": r.pending,
                "owed": r.owed,
                "over": r.over,
                "first_paid": r.first_paid,
                "last_paid": r.last_paid,
                "level": r.level,
                "words": r.words,
            }
            for r in result.rows
        ],
        "next_offset": offset + limit if len(result.rows) == limit else None,
    }


class ArrearsIn(Schema):
    first: dt.date
    last: dt.date


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
    scheme, first, last = reports.report_span(_scheme(request, scheme_id), payload.first, payload.last)
    batch = services.generate_arrears(actor=request.user, scheme=scheme, first=first, last=last)
    if batch is None:
        return Status(204, None)
    return Status(201, _batch_detail(batch.pk))


# --- One person's treatment -------------------------------------------------------------------


class TreatmentSchemeOut(Schema):
    scheme_id: int
    scheme: str
    due_now: Decimal | None
    basis_now: str
    due: Decimal
    paid: Decimal
    pending: Decimal
    owed: Decimal


class AccountOut(Schema):
    id: int
    bank: str
    account_number: str  # masked; POST …/accounts/{id}/reveal for the full number (audited)
    holder: str
    valid_from: dt.date
    ended_on: dt.date | None


class HoldOut(Schema):
    id: int
    reason: str
    reason_label: str
    starts_on: dt.date
    ends_on: dt.date | None
    note: str


class TreatmentOut(Schema):
    model_worker_id: int
    schemes: list[TreatmentSchemeOut]
    payments: list[LedgerOut]
    accounts: list[AccountOut]
    holds: list[HoldOut]


def _account_out(a: PaymentAccount) -> dict:
    return {
        "id": a.pk,
        "bank": a.bank,
        "account_number": mask_account(a.account_number),
        "holder": a.holder,
        "valid_from": a.valid_from,
        "ended_on": a.ended_on,
    }


def _hold_out(h: TreatmentHold) -> dict:
    return {
        "id": h.pk,
        "reason": h.reason,
        "reason_label": choice(h.reason, HoldReason),
        "starts_on": h.starts_on,
        "ends_on": h.ends_on,
        "note": h.note,
    }


def _treatment(worker) -> dict:
    schemes = []
    for t in services.person_treatment(worker):
        now = t["now"]
        due_now = isinstance(now, entitlement.Due)
        schemes.append(
            {
                "scheme_id": t["scheme"].pk,
                "scheme": t["scheme"].name,
                "due_now": now.amount if due_now else None,
                "basis_now": now.words,
                "due": t["due"],
                "paid": t["paid"],
                "pending": t["pending"],
                "owed": t["owed"],
            }
        )
    payments = LedgerEntry.objects.filter(model_worker=worker).select_related("model_worker", "scheme")
    return {
        "model_worker_id": worker.pk,
        "schemes": schemes,
        "payments": [ledger_out(e) for e in payments.order_by("-period", "-id")[:36]],
        "accounts": [_account_out(a) for a in PaymentAccount.objects.filter(model_worker=worker)],
        "holds": [_hold_out(h) for h in TreatmentHold.objects.filter(model_worker=worker)],
    }


@router.get(
    "/model-workers/{int:worker_id}/treatment",
    response={200: TreatmentOut, **ERRORS},
    summary="一个人的待遇：现在每期应发多少、累计应发已发欠发、最近的支付、账户与暂停",
)
def treatment(request, worker_id: int):
    worker = treatment_person(request.user, worker_id)
    out = _treatment(worker)
    record_read(
        actor=request.user,
        object_type="benefits.treatment",
        rows=1,
        query=request.GET,
        obj=worker,
    )
    return out


class AccountIn(Schema):
    bank: str
    account_number: str
    holder: str
    valid_from: dt.date


@router.post(
    "/model-workers/{int:worker_id}/accounts",
    response={201: AccountOut, **WRITE_ERRORS},
    summary="登记新的代发账户（原账户在前一天结束）",
)
def add_account(request, worker_id: int, payload: AccountIn):
    account = services.set_account(
        actor=request.user, worker=treatment_person(request.user, worker_id), **payload.dict()
    )
    return Status(201, _account_out(account))


class AccountRevealOut(Schema):
    account_number: str


@router.post(
    "/accounts/{int:account_id}/reveal",
    response={200: AccountRevealOut, **ERRORS},
    summary="查看完整账号（记入审计日志）",
)
def reveal_account(request, account_id: int):
    account = get_object_or_404(PaymentAccount.objects.select_related("model_worker"), pk=account_id)
    treatment_person(request.user, account.model_worker_id)
    return {"account_number": services.reveal_account(actor=request.user, account=account)}


class HoldIn(Schema):
    reason: Literal["sanction", "investigation", "emigrated", "unreachable", "other"]
    starts_on: dt.date
    ends_on: dt.date | None = None
    note: str = ""


@router.post(
    "/model-workers/{int:worker_id}/holds",
    response={201: HoldOut, **WRITE_ERRORS},
    summary="暂停待遇（处分、调查、出国定居、失去联系……）",
)
def add_hold(request, worker_id: int, payload: HoldIn):
    hold = services.add_hold(actor=request.user, worker=treatment_person(request.user, worker_id), **payload.dict())
    return Status(201, _hold_out(hold))


class EndHoldIn(Schema):
    ends_on: dt.date


@router.post("/holds/{int:hold_id}/end", response={200: HoldOut, **WRITE_ERRORS}, summary="结束暂停")
def end_hold(request, hold_id: int, payload: EndHoldIn):
    hold = get_object_or_404(TreatmentHold.objects.select_related("model_worker"), pk=hold_id)
    treatment_person(request.user, hold.model_worker_id)
    return _hold_out(services.end_hold(actor=request.user, hold=hold, ends_on=payload.ends_on))
