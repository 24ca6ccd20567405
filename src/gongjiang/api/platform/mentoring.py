"""Mentoring (名师带徒): a unit's agreements and their outcomes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Status

from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import ERRORS, WRITE_ERRORS, Page, page, require
from gongjiang.api.platform.common import get_unit, person, router
from gongjiang.api.platform.schemas import MentorshipIn, MentorshipOut, OutcomeIn
from gongjiang.platform import access, services
from gongjiang.platform.models import Mentorship, Unit


def _mentorship(request, pk: int) -> tuple[Mentorship, Unit]:
    """A mentorship of a unit the user may see, and that unit."""
    require(request, Perm.VIEW_PLATFORM)
    item = access.access_mentorship(request.user, pk)
    return item, item.unit


MentorshipPage = Page[MentorshipOut]


@router.get(
    "/platform/units/{int:unit_id}/mentorships",
    response={200: MentorshipPage, **ERRORS},
    summary="载体的师带徒协议",
)
def mentorships(request, unit_id: int, cursor: str = "", limit: int = 50):
    found = get_unit(request, unit_id)
    return page(found.mentorships.all(), ["-agreed_on", "-id"], cursor=cursor, limit=limit)


@router.post(
    "/platform/units/{int:unit_id}/mentorships",
    response={201: MentorshipOut, **WRITE_ERRORS},
    summary="登记师带徒协议",
)
def add_mentorship(request, unit_id: int, payload: MentorshipIn):
    found = get_unit(request, unit_id, keep=True)
    item = services.add_mentorship(
        actor=request.user,
        unit=found,
        master=person(request, payload.master, "master"),
        master_name=payload.master_name,
        apprentice_name=payload.apprentice_name,
        agreed_on=payload.agreed_on,
        ends_on=payload.ends_on,
        goals=payload.goals,
    )
    return Status(201, item)


@router.get(
    "/platform/mentorships/{int:mentorship_id}", response={200: MentorshipOut, **ERRORS}, summary="一份师带徒协议"
)
def mentorship(request, mentorship_id: int):
    return _mentorship(request, mentorship_id)[0]


@router.post(
    "/platform/mentorships/{int:mentorship_id}/outcome",
    response={200: MentorshipOut, **WRITE_ERRORS},
    summary="师带徒的结果：期满完成或提前结束，竞赛名次、达到的等级、给师傅的奖励",
)
def mentorship_outcome(request, mentorship_id: int, payload: OutcomeIn):
    item, found = _mentorship(request, mentorship_id)
    if not services.may_keep_unit(request.user, found):
        raise PermissionDenied(_("You may not change this unit."))
    return services.record_mentorship_outcome(actor=request.user, mentorship=item, **payload.dict())
