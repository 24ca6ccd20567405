"""The eligibility and priority rules of check-ups and stays, and the visit rules: configuration
with effective dates (a new rule ends the one before it the day before)."""

from __future__ import annotations

from typing import Literal

from ninja import Status

from gongjiang.api.care.common import require, router
from gongjiang.api.care.schemas import CareRuleIn, CareRuleOut, CareVisitRuleIn, CareVisitRuleOut
from gongjiang.api.common import ERRORS, WRITE_ERRORS, Page, page
from gongjiang.care import selectors
from gongjiang.care.models import CareRule, VisitRule
from gongjiang.care.permissions import CarePerm
from gongjiang.care.services import rules as services
from gongjiang.care.services import visits as visit_services

RulePage = Page[CareRuleOut]
VisitRulePage = Page[CareVisitRuleOut]


@router.get("/care/rules", response={200: RulePage, **ERRORS}, summary="体检与疗休养的条件与优先顺序（新的在前）")
def rules(request, kind: Literal["", "checkup", "stay"] = "", cursor: str = "", limit: int = 50):
    require(request, CarePerm.VIEW_CARE)
    qs = selectors.rules(kind) if kind else CareRule.objects.select_related("created_by")
    return page(qs, ["-effective_from", "-id"], cursor=cursor, limit=limit)


@router.post(
    "/care/rules",
    response={201: CareRuleOut, **WRITE_ERRORS},
    summary="新的条件与优先顺序，自某日起生效（此前的规则于前一日结束）",
)
def create_rule(request, payload: CareRuleIn):
    require(request, CarePerm.MANAGE_CARE)
    return Status(201, services.add_rule(actor=request.user, **payload.dict()))


@router.get("/care/visit-rules", response={200: VisitRulePage, **ERRORS}, summary="走访对象的条件（年龄、多久未走访）")
def visit_rules(request, cursor: str = "", limit: int = 50):
    require(request, CarePerm.VIEW_CARE)
    return page(VisitRule.objects.all(), ["-effective_from", "-id"], cursor=cursor, limit=limit)


@router.post(
    "/care/visit-rules",
    response={201: CareVisitRuleOut, **WRITE_ERRORS},
    summary="新的走访条件，自某日起生效",
)
def create_visit_rule(request, payload: CareVisitRuleIn):
    require(request, CarePerm.MANAGE_CARE)
    return Status(201, visit_services.add_visit_rule(actor=request.user, **payload.dict()))
