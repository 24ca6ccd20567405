"""Visit plans (per occasion and year), the people suggested for them and put on them, and the
visits made, with what was learnt under the article's headings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Status

from gongjiang.accounts.audit import record_read
from gongjiang.api.care.common import person, require, router
from gongjiang.api.care.schemas import (
    CareEntryOut,
    CarePlanAddIn,
    CarePlanIn,
    CarePlanOut,
    CarePlanSuggestionsOut,
    CareVisitIn,
    CareVisitOut,
)
from gongjiang.api.common import ERRORS, WRITE_ERRORS, Page, page
from gongjiang.care import visit_selectors as selectors
from gongjiang.care.access import access_entry, access_person, access_plan, access_visit
from gongjiang.care.models import Visit, VisitPlan
from gongjiang.care.permissions import CarePerm
from gongjiang.care.services import visits as services

PlanPage = Page[CarePlanOut]
EntryPage = Page[CareEntryOut]


def _plan(pk: int) -> VisitPlan:
    return selectors.plans().get(pk=pk)


def _visit(request, visit: Visit) -> Visit:
    visit.needs_list = list(visit.needs.select_related("model_worker__union", "holder").order_by("id"))
    return visit


@router.get("/care/plans", response={200: PlanPage, **ERRORS}, summary="走访计划（每个节日或必访每年一个；新的在前）")
def plans(request, year: int | None = None, cursor: str = "", limit: int = 50):
    require(request, CarePerm.VIEW_CARE)
    qs = selectors.plans()
    if year is not None:
        qs = qs.filter(year=year)
    return page(qs, ["-year", "-id"], cursor=cursor, limit=limit)


@router.post("/care/plans", response={201: CarePlanOut, **WRITE_ERRORS}, summary="新建走访计划（区总工会）")
def create_plan(request, payload: CarePlanIn):
    require(request, CarePerm.MANAGE_CARE)
    created = services.create_plan(actor=request.user, **payload.dict())
    return Status(201, _plan(created.pk))


@router.get("/care/plans/{int:plan_id}", response={200: CarePlanOut, **ERRORS}, summary="一个走访计划（人数、已走访）")
def plan(request, plan_id: int):
    return _plan(access_plan(request.user, plan_id).pk)


@router.get(
    "/care/plans/{int:plan_id}/entries",
    response={200: EntryPage, **ERRORS},
    summary="计划中的人（本会人员；理由、由谁走访、是否已走访）",
)
def plan_entries(request, plan_id: int, cursor: str = "", limit: int = 50):
    found = access_plan(request.user, plan_id)
    result = page(selectors.plan_entries(request.user, found), ["-created_at", "-id"], cursor=cursor, limit=limit)
    if result["items"]:
        record_read(
            actor=request.user, object_type="care.planentry", rows=len(result["items"]), query=request.GET, obj=found
        )
    return result


@router.get(
    "/care/plans/{int:plan_id}/suggestions",
    response={200: CarePlanSuggestionsOut, **ERRORS},
    summary="建议走访的人（困难、重病、体检需跟进、高龄、久未走访；附理由）",
)
def plan_suggestions(request, plan_id: int):
    require(request, CarePerm.RECORD_CARE)
    found = access_plan(request.user, plan_id)
    rule, suggested = selectors.plan_suggestions(request.user, found)
    if suggested:
        record_read(actor=request.user, object_type="care.planentry", rows=len(suggested), query=request.GET, obj=found)
    return {"rule": rule, "items": suggested}


@router.post(
    "/care/plans/{int:plan_id}/entries",
    response={201: list[CareEntryOut], **WRITE_ERRORS},
    summary="把人列入计划（由本人所在工会走访，或由区总工会走访）；全部成功或全部不变",
)
def add_to_plan(request, plan_id: int, payload: CarePlanAddIn):
    require(request, CarePerm.RECORD_CARE)
    found = access_plan(request.user, plan_id)
    with transaction.atomic():
        made = [
            services.add_to_plan(
                actor=request.user,
                plan=found,
                model_worker=person(request, item.person, f"people.{i}.person"),
                reason=item.reason,
                by_federation=payload.by_federation,
            )
            for i, item in enumerate(payload.people)
        ]
    return Status(
        201, list(selectors.plan_entries(request.user, found).filter(pk__in=[e.pk for e in made]).order_by("id"))
    )


@router.post(
    "/care/people/{int:worker_id}/visits",
    response={201: CareVisitOut, **WRITE_ERRORS},
    summary="记录一次走访（谁去、何时、方式，以及身体、家庭、收入、思想动态和心声、生活、住房、津贴落实）",
)
def create_visit(request, worker_id: int, payload: CareVisitIn):
    require(request, CarePerm.RECORD_CARE)
    worker = access_person(request.user, worker_id)
    data = payload.dict()
    entry_id = data.pop("entry")
    entry = access_entry(request.user, entry_id) if entry_id is not None else None
    if entry is not None and entry.model_worker_id != worker.pk:
        raise ValidationError({"entry": [_("The planned visit is of another person.")]})
    made = services.record_visit(actor=request.user, model_worker=worker, data=data, entry=entry)
    return Status(201, _visit(request, access_visit(request.user, made.pk)))


@router.get(
    "/care/visits/{int:visit_id}",
    response={200: CareVisitOut, **ERRORS},
    summary="一次走访的记录与由此提出的实事",
)
def visit(request, visit_id: int):
    found = access_visit(request.user, visit_id)
    record_read(actor=request.user, object_type="care.visit", rows=1, obj=found)
    return _visit(request, found)
