"""Candidates for promotion or removal, and the decision on each."""

from __future__ import annotations

from typing import Literal

from django.shortcuts import get_object_or_404

from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import ERRORS, WRITE_ERRORS, Page, page, require
from gongjiang.api.platform.common import require_reader, router
from gongjiang.api.platform.running_schemas import CaseOut, DecisionIn
from gongjiang.platform import evaluation
from gongjiang.platform.models import Case

CASES = Case.objects.select_related("unit__leader", "unit__union", "unit__employer", "decided_by")

CasePage = Page[CaseOut]


@router.get("/platform/cases", response={200: CasePage, **ERRORS}, summary="晋级与摘牌候选（新的在前）")
def cases(
    request,
    state: Literal["", "pending", "accepted", "declined"] = "",
    kind: Literal["", "promote", "remove"] = "",
    cursor: str = "",
    limit: int = 50,
):
    require_reader(request)
    qs = CASES.all()
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return page(qs, ["-id"], cursor=cursor, limit=limit)


@router.get("/platform/cases/{int:case_id}", response={200: CaseOut, **ERRORS}, summary="一个候选")
def case(request, case_id: int):
    require_reader(request)
    return get_object_or_404(CASES, pk=case_id)


@router.post(
    "/platform/cases/{int:case_id}/decide",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="决定候选：同意（晋级换牌，或摘牌）或不同意，均须说明理由",
)
def decide_case(request, case_id: int, payload: DecisionIn):
    require(request, Perm.MANAGE_PLATFORM)
    found = get_object_or_404(Case, pk=case_id)
    evaluation.decide_case(actor=request.user, case=found, accept=payload.decision == "accept", reason=payload.reason)
    return CASES.get(pk=case_id)
