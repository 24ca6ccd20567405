"""The ledger (发放台账): append-only, a correction is a reversing entry."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Status

from gongjiang.accounts.permissions import Perm
from gongjiang.api.benefits.common import require_benefits, router
from gongjiang.api.benefits.schemas import BenefitReasonIn, LedgerOut
from gongjiang.api.common import ERRORS, WRITE_ERRORS, Page, logged_read, page
from gongjiang.benefits import services
from gongjiang.benefits.models import LedgerEntry

ENTRIES = LedgerEntry.objects.select_related("model_worker", "scheme")


def _entry(request, pk: int) -> LedgerEntry:
    return get_object_or_404(LedgerEntry, pk=pk)


LedgerPage = Page[LedgerOut]


@router.get("/ledger", response={200: LedgerPage, **ERRORS}, summary="发放台账（只增不改；更正为冲销记录）")
def ledger(request, scheme: int | None = None, worker: int | None = None, cursor: str = "", limit: int = 50):
    require_benefits(request)
    qs = ENTRIES.all()
    if scheme is not None:
        qs = qs.filter(scheme_id=scheme)
    if worker is not None:
        qs = qs.filter(model_worker_id=worker)
    return logged_read(request, "benefits.ledgerentry", page(qs, ["-id"], cursor=cursor, limit=limit))


@router.post(
    "/ledger/{int:entry_id}/reverse",
    response={201: LedgerOut, **WRITE_ERRORS},
    summary="冲销一笔支付（写入一条负数记录；该期重新计为应发）",
)
def reverse(request, entry_id: int, payload: BenefitReasonIn):
    require_benefits(request, Perm.APPROVE_BATCHES)
    reversal = services.reverse_entry(actor=request.user, entry=_entry(request, entry_id), reason=payload.reason)
    return Status(201, ENTRIES.get(pk=reversal.pk))
