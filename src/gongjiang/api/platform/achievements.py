"""A unit's achievements: list, add, void."""

from __future__ import annotations

from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Status

from gongjiang.api.common import ERRORS, WRITE_ERRORS, page
from gongjiang.api.platform.common import get_unit, person, router
from gongjiang.api.platform.schemas import AchievementIn, AchievementOut, AchievementPage, VoidIn
from gongjiang.platform import selectors, services
from gongjiang.platform.models import Achievement


def _achievement(request, pk: int) -> Achievement:
    """An achievement of a unit the user may keep."""
    item = get_object_or_404(Achievement.objects.select_related("person"), pk=pk, unit__isnull=False)
    get_unit(request, item.unit_id, keep=True)
    return item


@router.get(
    "/platform/units/{int:unit_id}/achievements",
    response={200: AchievementPage, **ERRORS},
    summary="载体的成果（课题、新产品新技术、科技奖项、荣誉、专利、论文）",
)
def achievements(
    request,
    unit_id: int,
    kind: Literal["", "project", "product", "award", "honour", "patent", "paper"] = "",
    cursor: str = "",
    limit: int = 50,
):
    found = get_unit(request, unit_id)
    qs = found.achievements.select_related("person")
    if kind:
        qs = qs.filter(kind=kind)
    return {
        **page(qs, ["-year", "-id"], cursor=cursor, limit=limit),
        "counts": selectors.achievement_counts(found.achievements.all()),
    }


@router.post(
    "/platform/units/{int:unit_id}/achievements",
    response={201: AchievementOut, **WRITE_ERRORS},
    summary="登记成果",
)
def add_achievement(request, unit_id: int, payload: AchievementIn):
    found = get_unit(request, unit_id, keep=True)
    data = payload.dict()
    data["person"] = person(request, payload.person, "person")
    return Status(201, services.add_achievement(actor=request.user, data={**data, "unit": found}))


@router.post(
    "/platform/achievements/{int:achievement_id}/void",
    response={200: AchievementOut, **WRITE_ERRORS},
    summary="作废误登的成果（记录保留，不再计数）",
)
def void_achievement(request, achievement_id: int, payload: VoidIn):
    item = _achievement(request, achievement_id)
    return services.void_achievement(actor=request.user, achievement=item, reason=payload.reason)
