"""One person's treatment: what they are due and were paid, their accounts and holds."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Status

from gongjiang.accounts.audit import record_read
from gongjiang.api.benefits.common import router
from gongjiang.api.benefits.schemas import (
    AccountIn,
    AccountOut,
    AccountRevealOut,
    EndHoldIn,
    HoldIn,
    HoldOut,
    TreatmentOut,
)
from gongjiang.api.common import ERRORS, WRITE_ERRORS
from gongjiang.benefits import services
from gongjiang.benefits.access import access_treatment
from gongjiang.benefits.models import PaymentAccount, TreatmentHold


def _account(request, pk: int) -> PaymentAccount:
    """An account of a person whose treatment the user may see."""
    account = get_object_or_404(PaymentAccount.objects.select_related("model_worker"), pk=pk)
    access_treatment(request.user, account.model_worker_id)
    return account


def _hold(request, pk: int) -> TreatmentHold:
    """A hold on a person whose treatment the user may see."""
    hold = get_object_or_404(TreatmentHold.objects.select_related("model_worker"), pk=pk)
    access_treatment(request.user, hold.model_worker_id)
    return hold


@router.get(
    "/model-workers/{int:worker_id}/treatment",
    response={200: TreatmentOut, **ERRORS},
    summary="一个人的待遇：现在每期应发多少、累计应发已发欠发、最近的支付、账户与暂停",
)
def treatment(request, worker_id: int):
    worker = access_treatment(request.user, worker_id)
    record_read(
        actor=request.user,
        object_type="benefits.treatment",
        rows=1,
        query=request.GET,
        obj=worker,
    )
    return worker


@router.post(
    "/model-workers/{int:worker_id}/accounts",
    response={201: AccountOut, **WRITE_ERRORS},
    summary="登记新的代发账户（原账户在前一天结束）",
)
def add_account(request, worker_id: int, payload: AccountIn):
    account = services.set_account(
        actor=request.user, worker=access_treatment(request.user, worker_id), **payload.dict()
    )
    return Status(201, account)


@router.post(
    "/accounts/{int:account_id}/reveal",
    response={200: AccountRevealOut, **ERRORS},
    summary="查看完整账号（记入审计日志）",
)
def reveal_account(request, account_id: int):
    account = _account(request, account_id)
    return {"account_number": services.reveal_account(actor=request.user, account=account)}


@router.post(
    "/model-workers/{int:worker_id}/holds",
    response={201: HoldOut, **WRITE_ERRORS},
    summary="暂停待遇（处分、调查、出国定居、失去联系……）",
)
def add_hold(request, worker_id: int, payload: HoldIn):
    hold = services.add_hold(actor=request.user, worker=access_treatment(request.user, worker_id), **payload.dict())
    return Status(201, hold)


@router.post("/holds/{int:hold_id}/end", response={200: HoldOut, **WRITE_ERRORS}, summary="结束暂停")
def end_hold(request, hold_id: int, payload: EndHoldIn):
    hold = _hold(request, hold_id)
    return services.end_hold(actor=request.user, hold=hold, ends_on=payload.ends_on)
