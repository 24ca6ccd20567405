"""Units: list, apply, edit, review, plaque; the six haves and the team."""

from __future__ import annotations

from django.http import Http404
from ninja import Query, Status

from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import ERRORS, WRITE_ERRORS, Page, page, require
from gongjiang.api.platform.common import UNIONS, UNIT_RELATED, get_unit, person, pick, router
from gongjiang.api.platform.schemas import (
    AwardIn,
    EndMemberIn,
    HaveIn,
    MemberIn,
    MemberOut,
    ReReviewIn,
    ReviewIn,
    UnitDetail,
    UnitFilters,
    UnitIn,
    UnitPatch,
    UnitSummary,
)
from gongjiang.platform import access, evaluation, plaques, selectors, services
from gongjiang.platform.enums import Have
from gongjiang.platform.models import UnitMember


def _member(request, pk: int) -> UnitMember:
    """A team member of a unit the user may keep."""
    require(request, Perm.VIEW_PLATFORM)
    return access.access_member(request.user, pk, keep=True)


def _detail(request, pk: int) -> selectors.UnitOverview:
    """What the unit's page shows, for anyone who may see the unit (``UnitDetail``)."""
    return selectors.unit_overview(get_unit(request, pk))


UnitPage = Page[UnitSummary]


@router.get(
    "/platform/units",
    response={200: UnitPage, **ERRORS},
    summary="载体列表（工作室、星级示范岗、标兵；默认只列已建立的；游标分页）",
)
def units(request, f: Query[UnitFilters], cursor: str = "", limit: int = 50):
    require(request, Perm.VIEW_PLATFORM)
    qs = selectors.visible_units(request.user).select_related(*UNIT_RELATED)
    qs = selectors.filter_units(qs, status=f.status, tier=f.tier, q=f.q, stars=f.stars, union=f.union)
    return page(qs, ["-id"], cursor=cursor, limit=limit)


@router.get(
    "/platform/units/{int:unit_id}",
    response={200: UnitDetail, **ERRORS},
    summary="载体详情（六有、团队、考评、经费、历程）",
)
def unit(request, unit_id: int):
    return _detail(request, unit_id)


@router.post(
    "/platform/units",
    response={201: UnitDetail, **WRITE_ERRORS},
    summary="申报创建载体（区总工会，或基层工会为本会申报）",
)
def apply_unit(request, payload: UnitIn):
    require(request, Perm.APPLY_UNITS)
    data = payload.dict()
    data["leader"] = person(request, payload.leader, "leader")
    data["union"] = pick(UNIONS, payload.union, "union")
    data["employer"] = pick(selectors.visible_employers(request.user), payload.employer, "employer")
    created = services.apply_unit(actor=request.user, data=data)
    return Status(201, _detail(request, created.pk))


@router.patch(
    "/platform/units/{int:unit_id}",
    response={200: UnitDetail, **WRITE_ERRORS},
    summary="修改载体信息（区总工会；基层工会仅限审核中的本会申报；只改给出的字段）",
)
def update_unit(request, unit_id: int, payload: UnitPatch):
    found = get_unit(request, unit_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    if "leader" in data:
        data["leader"] = person(request, data["leader"], "leader")
    if "union" in data:
        data["union"] = pick(UNIONS, data["union"], "union")
    if "employer" in data:
        data["employer"] = pick(selectors.visible_employers(request.user), data["employer"], "employer")
    for key in ("name", "leader_name", "field", "venue", "description"):
        if key in data and data[key] is None:
            data[key] = ""
    services.update_unit(actor=request.user, unit=found, data=data, version=version)
    return _detail(request, unit_id)


@router.post(
    "/platform/units/{int:unit_id}/review",
    response={200: UnitDetail, **WRITE_ERRORS},
    summary="审核申报（通过待授牌，或不通过并说明理由）",
)
def review_unit(request, unit_id: int, payload: ReviewIn):
    require(request, Perm.MANAGE_PLATFORM)
    services.review_unit(
        actor=request.user,
        unit=get_unit(request, unit_id),
        approve=payload.decision == "approve",
        reason=payload.reason,
    )
    return _detail(request, unit_id)


@router.post(
    "/platform/units/{int:unit_id}/award",
    response={200: UnitDetail, **WRITE_ERRORS},
    summary="授牌（统一编号，自授牌日起已建立）",
)
def award_plaque(request, unit_id: int, payload: AwardIn):
    require(request, Perm.MANAGE_PLATFORM)
    services.award_plaque(
        actor=request.user,
        unit=get_unit(request, unit_id),
        on=payload.on,
        stars=payload.stars,
        override_reason=payload.override_reason,
    )
    return _detail(request, unit_id)


@router.post(
    "/platform/units/{int:unit_id}/re-review",
    response={200: UnitDetail, **WRITE_ERRORS},
    summary="复审被警示的载体（通过即整改完成；不通过成为摘牌候选）",
)
def re_review(request, unit_id: int, payload: ReReviewIn):
    require(request, Perm.MANAGE_PLATFORM)
    evaluation.re_review(actor=request.user, unit=get_unit(request, unit_id), passed=payload.passed, note=payload.note)
    return _detail(request, unit_id)


@router.get(
    "/platform/units/{int:unit_id}/plaque.pdf",
    response={200: None, **ERRORS},
    summary="荣誉证书与牌匾（PDF，统一样式）",
)
def unit_plaque(request, unit_id: int):
    return plaques.pdf_response(get_unit(request, unit_id))


# --- The six haves and the team ----------------------------------------------------------------------


@router.put(
    "/platform/units/{int:unit_id}/haves/{have}",
    response={200: UnitDetail, **WRITE_ERRORS},
    summary="六有之一：是否达到、如何达到（team/venue/funds/management/sign/results）",
)
def set_have(request, unit_id: int, have: str, payload: HaveIn):
    found = get_unit(request, unit_id, keep=True)
    if have not in Have.values:
        raise Http404
    services.set_have(actor=request.user, unit=found, have=have, met=payload.met, note=payload.note)
    return _detail(request, unit_id)


@router.post("/platform/units/{int:unit_id}/members", response={201: MemberOut, **WRITE_ERRORS}, summary="添加团队成员")
def add_member(request, unit_id: int, payload: MemberIn):
    found = get_unit(request, unit_id, keep=True)
    member = services.add_member(
        actor=request.user,
        unit=found,
        model_worker=person(request, payload.model_worker, "model_worker"),
        name=payload.name,
        position=payload.position,
        joined_on=payload.joined_on,
        note=payload.note,
    )
    return Status(201, member)


@router.post(
    "/platform/members/{int:member_id}/end",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="成员离开团队（记录保留；领头人随载体信息修改而更换）",
)
def end_member(request, member_id: int, payload: EndMemberIn):
    member = _member(request, member_id)
    return services.end_member(actor=request.user, member=member, left_on=payload.left_on)
