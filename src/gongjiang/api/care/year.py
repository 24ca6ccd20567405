"""The care year: the figures of the care year page (``care.yearly``), with its sentences."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.api.care.common import require, router
from gongjiang.api.care.schemas import CareYearOut
from gongjiang.api.common import ERRORS
from gongjiang.care import yearly
from gongjiang.care.enums import Occasion
from gongjiang.care.permissions import CarePerm


@router.get(
    "/care/year",
    response={200: CareYearOut, **ERRORS},
    summary="一年的关爱服务：体检、疗休养、走访（按类别）、实事，及按记录生成的年度表述（基层工会只计本会人员）",
)
def care_year(request, year: int | None = None):
    require(request, CarePerm.VIEW_CARE)
    today = timezone.localdate()
    year = today.year if year is None else year
    if not 1979 <= year <= today.year + 1:
        raise ValidationError({"year": [_("Give a year from 1979 on.")]})
    data = yearly.care_year(year, unions=permissions.union_scope(request.user))
    return {
        "year": data.year,
        "checkups": data.checkups,
        "stays": data.stays,
        "visits": data.visits,
        "visits_focus": data.visits_focus,
        "people_visited": data.people_visited,
        "by_occasion": [
            {"occasion": value, "label": str(label), "visits": data.visits_by_occasion.get(value, 0)}
            for value, label in Occasion.choices
        ],
        "needs_opened": data.needs_opened,
        "needs_resolved": data.needs_resolved,
        "needs_overdue": data.needs_overdue,
        "sentences": yearly.sentences(data),
    }
