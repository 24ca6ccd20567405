"""Needs (办实事): raised at a visit, by phone or by the person, held by one member of staff with
a deadline, each step recorded, resolved with the person's satisfaction."""

from __future__ import annotations

from typing import Literal

from django.utils import timezone
from ninja import Status

from gongjiang.accounts.audit import record_read
from gongjiang.api.care.common import pick, require, router
from gongjiang.api.care.schemas import (
    CareNeedDetail,
    CareNeedIn,
    CareNeedSummary,
    CareResolveIn,
    CareStepIn,
    CareStepOut,
)
from gongjiang.api.common import ERRORS, WRITE_ERRORS, Page, page
from gongjiang.care import visit_selectors as selectors
from gongjiang.care.access import access_need, access_person, access_visit, need_holders
from gongjiang.care.enums import NeedState
from gongjiang.care.models import Need
from gongjiang.care.permissions import CarePerm
from gongjiang.care.services import needs as services

NeedPage = Page[CareNeedSummary]


def _detail(request, pk: int) -> Need:
    need = access_need(request.user, pk)
    need.steps_list = list(need.steps.select_related("by"))
    return need


@router.get(
    "/care/needs",
    response={200: NeedPage, **ERRORS},
    summary="实事（mine 我经办的未办结、overdue 已逾期、open 未办结、resolved 已办结、all 全部；期限早的在前）",
)
def needs(
    request,
    show: Literal["mine", "overdue", "open", "resolved", "all"] = "open",
    cursor: str = "",
    limit: int = 50,
):
    require(request, CarePerm.VIEW_CARE)
    qs = selectors.needs(request.user)
    if show == "mine":
        qs = qs.filter(holder_id=request.user.pk, state=NeedState.OPEN)
    elif show == "overdue":
        qs = qs.filter(state=NeedState.OPEN, deadline__lt=timezone.localdate())
    elif show in ("open", "resolved"):
        qs = qs.filter(state=show)
    result = page(qs, ["deadline", "id"], cursor=cursor, limit=limit)
    if result["items"]:
        record_read(actor=request.user, object_type="care.need", rows=len(result["items"]), query=request.GET)
    return result


@router.post(
    "/care/people/{int:worker_id}/needs",
    response={201: CareNeedDetail, **WRITE_ERRORS},
    summary="记录一件实事（经办人：区总工会人员或本人所在工会的人员；默认本人经办）",
)
def create_need(request, worker_id: int, payload: CareNeedIn):
    require(request, CarePerm.RECORD_CARE)
    worker = access_person(request.user, worker_id)
    holder = request.user if payload.holder is None else pick(need_holders(worker), payload.holder, "holder")
    visit = access_visit(request.user, payload.visit) if payload.visit is not None else None
    made = services.raise_need(
        actor=request.user,
        model_worker=worker,
        source=payload.source,
        description=payload.description,
        holder=holder,
        deadline=payload.deadline,
        visit=visit,
    )
    return Status(201, _detail(request, made.pk))


@router.get("/care/needs/{int:need_id}", response={200: CareNeedDetail, **ERRORS}, summary="一件实事与每一步办理")
def need(request, need_id: int):
    found = _detail(request, need_id)
    record_read(actor=request.user, object_type="care.need", rows=1, obj=found)
    return found


@router.post(
    "/care/needs/{int:need_id}/steps",
    response={201: CareStepOut, **WRITE_ERRORS},
    summary="记录办理的一步（日期、做了什么）",
)
def add_need_step(request, need_id: int, payload: CareStepIn):
    require(request, CarePerm.RECORD_CARE)
    found = access_need(request.user, need_id)
    return Status(201, services.add_step(actor=request.user, need=found, on=payload.on, note=payload.note))


@router.post(
    "/care/needs/{int:need_id}/resolve",
    response={200: CareNeedDetail, **WRITE_ERRORS},
    summary="办结：如何解决，本人是否满意",
)
def resolve_need(request, need_id: int, payload: CareResolveIn):
    require(request, CarePerm.RECORD_CARE)
    found = access_need(request.user, need_id)
    services.resolve(
        actor=request.user, need=found, resolution=payload.resolution, satisfaction=payload.satisfaction, on=payload.on
    )
    return _detail(request, need_id)
