"""Funding: the yearly plans, their allocations and the disbursements."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404
from ninja import Status

from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import ERRORS, WRITE_ERRORS, require
from gongjiang.api.platform.common import require_reader, router
from gongjiang.api.platform.running_schemas import DisburseIn, DisbursementOut, PlanDetail, PlanIn, PlanOut
from gongjiang.platform import access, funding
from gongjiang.platform.models import Allocation, Disbursement, FundingPlan

PLANS = FundingPlan.objects.select_related("created_by", "approved_by").annotate(n=Count("allocations"))


def _plan(request, pk: int) -> FundingPlan:
    """A funding plan (the platform's managers and readers see every one)."""
    return access.access_plan(request.user, pk)


def _allocation(request, pk: int) -> Allocation:
    return get_object_or_404(Allocation.objects.select_related("plan", "unit"), pk=pk)


def plan_detail(pk: int) -> FundingPlan:
    """The plan counted, with its allocations largest first and what each was paid (``PlanDetail``)."""
    plan = PLANS.get(pk=pk)
    plan.allocation_list = list(
        plan.allocations.select_related("unit")
        .annotate(paid=Sum("disbursements__amount"))
        .order_by("-amount", "unit_id")
    )
    return plan


def _plan_data(payload: PlanIn) -> dict:
    data = payload.dict(exclude_none=True)
    for key in ("tier_weights", "grade_weights"):
        if key in data:
            data[key] = {k: str(v) for k, v in data[key].items()}
    return data


@router.get("/platform/funding-plans", response={200: list[PlanOut], **ERRORS}, summary="年度经费方案（新的在前）")
def plans(request):
    require_reader(request)
    return list(PLANS.order_by("-year"))


@router.get(
    "/platform/funding-plans/{int:plan_id}",
    response={200: PlanDetail, **ERRORS},
    summary="一个经费方案：各载体的份额、依据与已拨付金额",
)
def plan(request, plan_id: int):
    require_reader(request)
    return plan_detail(_plan(request, plan_id).pk)


@router.post(
    "/platform/funding-plans",
    response={201: PlanDetail, **WRITE_ERRORS},
    summary="编制年度经费方案（先定额补助，余额按层级×等次权重分配，整元，合计等于预算）",
)
def create_plan(request, payload: PlanIn):
    require(request, Perm.MANAGE_PLATFORM)
    created = funding.save_plan(actor=request.user, data=_plan_data(payload))
    return Status(201, plan_detail(created.pk))


@router.put(
    "/platform/funding-plans/{int:plan_id}",
    response={200: PlanDetail, **WRITE_ERRORS},
    summary="修改草稿方案并重新计算（已批准的方案不再改变）",
)
def update_plan(request, plan_id: int, payload: PlanIn):
    require(request, Perm.MANAGE_PLATFORM)
    found = _plan(request, plan_id)
    funding.save_plan(actor=request.user, data=_plan_data(payload), plan=found)
    return plan_detail(plan_id)


@router.post(
    "/platform/funding-plans/{int:plan_id}/approve",
    response={200: PlanDetail, **WRITE_ERRORS},
    summary="批准经费方案（此后可登记拨付）",
)
def approve_plan(request, plan_id: int):
    require(request, Perm.MANAGE_PLATFORM)
    funding.approve_plan(actor=request.user, plan=_plan(request, plan_id))
    return plan_detail(plan_id)


@router.post(
    "/platform/allocations/{int:allocation_id}/disburse",
    response={201: DisbursementOut, **WRITE_ERRORS},
    summary="登记拨付（方案批准后；全部或部分，不超过份额）",
)
def disburse(request, allocation_id: int, payload: DisburseIn):
    require(request, Perm.MANAGE_PLATFORM)
    allocation = _allocation(request, allocation_id)
    item: Disbursement = funding.disburse(
        actor=request.user,
        allocation=allocation,
        paid_on=payload.paid_on,
        reference=payload.reference,
        amount=payload.amount,
    )
    item.unit = allocation.unit  # the unit already read: no query for it
    return Status(201, item)
