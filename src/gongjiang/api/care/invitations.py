"""Invitations: invite to a place or to the waiting list, the person's answer, attendance.

The same service as the page's buttons: a full batch refuses one more place with the Chinese
message (and the capacity is never exceeded, by two callers at once either); a decline gives
the place to the first on the waiting list."""

from __future__ import annotations

from ninja import Status

from gongjiang.api.care.common import person, require, router
from gongjiang.api.care.schemas import (
    CareAnswerIn,
    CareAnswerOut,
    CareAttendanceIn,
    CareInvitationOut,
    CareInviteIn,
    CareInviteOut,
)
from gongjiang.api.common import WRITE_ERRORS
from gongjiang.care import selectors
from gongjiang.care.access import access_batch, access_invitation
from gongjiang.care.models import Batch, Invitation
from gongjiang.care.permissions import CarePerm
from gongjiang.care.services import invitations as services


def _fresh(request, invitation: Invitation) -> Invitation:
    return selectors.invitations(request.user).get(pk=invitation.pk)


@router.post(
    "/care/batches/{int:batch_id}/invitations",
    response={201: CareInviteOut, **WRITE_ERRORS},
    summary="邀请一人参加批次（占一个名额），或列入候补名单；名额已满时拒绝",
)
def invite(request, batch_id: int, payload: CareInviteIn):
    require(request, CarePerm.RECORD_CARE)
    found = access_batch(request.user, batch_id)
    made = services.invite(
        actor=request.user,
        batch=found,
        model_worker=person(request, payload.person),
        reason=payload.reason,
        waiting=payload.waiting,
    )
    return Status(201, {"invitation": _fresh(request, made), "batch": Batch.objects.get(pk=found.pk)})


@router.post(
    "/care/invitations/{int:invitation_id}/answer",
    response={200: CareAnswerOut, **WRITE_ERRORS},
    summary="记录本人的答复：接受或谢绝（谢绝空出的名额依次给候补名单上的人）",
)
def answer_invitation(request, invitation_id: int, payload: CareAnswerIn):
    require(request, CarePerm.RECORD_CARE)
    found = access_invitation(request.user, invitation_id)
    promoted = services.answer(actor=request.user, invitation=found, accepted=payload.answer == "accept")
    return {
        "invitation": _fresh(request, found),
        # Of those moved up, the people the caller may see (another union's stay unnamed).
        "promoted": list(selectors.invitations(request.user).filter(pk__in=[p.pk for p in promoted]).order_by("id")),
        "batch": Batch.objects.get(pk=found.batch_id),
    }


@router.post(
    "/care/invitations/{int:invitation_id}/attendance",
    response={200: CareInvitationOut, **WRITE_ERRORS},
    summary="记录是否参加（批次开始后）；体检只记是否需要跟进与简短说明，不存体检报告",
)
def record_attendance(request, invitation_id: int, payload: CareAttendanceIn):
    require(request, CarePerm.RECORD_CARE)
    found = access_invitation(request.user, invitation_id)
    services.record_attendance(
        actor=request.user,
        invitation=found,
        attended=payload.attended,
        follow_up=payload.follow_up,
        note=payload.note,
    )
    return _fresh(request, found)
