"""Check-up and stay campaigns, their batches (capacity, taken, free), the invitations of a batch
and the suggestions of whom to invite."""

from __future__ import annotations

from typing import Literal

from ninja import Status

from gongjiang.accounts.audit import record_read
from gongjiang.api.care.common import require, router
from gongjiang.api.care.schemas import (
    CareBatchDetail,
    CareBatchIn,
    CareCampaignDetail,
    CareCampaignIn,
    CareCampaignOut,
    CareInvitationOut,
    CareSuggestionsOut,
)
from gongjiang.api.common import ERRORS, WRITE_ERRORS, Page, page
from gongjiang.care import selectors
from gongjiang.care.access import access_batch, access_campaign
from gongjiang.care.enums import InvitationState
from gongjiang.care.models import Batch, Campaign
from gongjiang.care.permissions import CarePerm
from gongjiang.care.services import campaigns as services

CampaignPage = Page[CareCampaignOut]
InvitationPage = Page[CareInvitationOut]
StateName = Literal["", "invited", "accepted", "declined", "waiting", "attended", "absent"]


def _campaign_detail(campaign: Campaign) -> Campaign:
    campaign.batches_list = list(selectors.batches_of(campaign))
    campaign.counts = selectors.state_counts(campaign=campaign)
    return campaign


def _batch_detail(request, batch: Batch, *, log: bool = True) -> Batch:
    """The batch, its figures and its waiting list in order (the people scoped, the read on record)."""
    batch.counts = selectors.state_counts(batch=batch)
    batch.waiting = list(
        selectors.invitations(request.user, batch=batch)
        .filter(state=InvitationState.WAITING)
        .order_by("waiting_since", "id")
    )
    if log and batch.waiting:
        record_read(
            actor=request.user, object_type="care.invitation", rows=len(batch.waiting), query=request.GET, obj=batch
        )
    return batch


@router.get(
    "/care/campaigns",
    response={200: CampaignPage, **ERRORS},
    summary="体检与疗休养活动（每类每年一个；新的在前）",
)
def campaigns(
    request, kind: Literal["", "checkup", "stay"] = "", year: int | None = None, cursor: str = "", limit: int = 50
):
    require(request, CarePerm.VIEW_CARE)
    qs = selectors.campaigns(kind) if kind else Campaign.objects.all()
    if year is not None:
        qs = qs.filter(year=year)
    return page(qs, ["-year", "-id"], cursor=cursor, limit=limit)


@router.post(
    "/care/campaigns", response={201: CareCampaignDetail, **WRITE_ERRORS}, summary="新建体检或疗休养活动（区总工会）"
)
def create_campaign(request, payload: CareCampaignIn):
    require(request, CarePerm.MANAGE_CARE)
    campaign = services.create_campaign(actor=request.user, **payload.dict())
    return Status(201, _campaign_detail(campaign))


@router.get(
    "/care/campaigns/{int:campaign_id}",
    response={200: CareCampaignDetail, **ERRORS},
    summary="一个活动：各批次的名额、已占、空余，与各状态的人数",
)
def campaign(request, campaign_id: int):
    return _campaign_detail(access_campaign(request.user, campaign_id))


@router.post(
    "/care/campaigns/{int:campaign_id}/batches",
    response={201: CareBatchDetail, **WRITE_ERRORS},
    summary="为活动添加批次（日期、体检机构或目的地、名额；疗休养另有人均费用与日程）",
)
def create_batch(request, campaign_id: int, payload: CareBatchIn):
    require(request, CarePerm.MANAGE_CARE)
    found = access_campaign(request.user, campaign_id)
    batch = services.add_batch(actor=request.user, campaign=found, data=payload.dict())
    return Status(201, _batch_detail(request, access_batch(request.user, batch.pk), log=False))


@router.get(
    "/care/batches/{int:batch_id}",
    response={200: CareBatchDetail, **ERRORS},
    summary="一个批次：名额、已占、空余，各状态人数与候补名单（按先后）",
)
def batch(request, batch_id: int):
    return _batch_detail(request, access_batch(request.user, batch_id))


@router.get(
    "/care/batches/{int:batch_id}/invitations",
    response={200: InvitationPage, **ERRORS},
    summary="批次的邀请（本会人员；状态、邀请理由、是否需要跟进；不含候补，除非按状态筛选）",
)
def batch_invitations(request, batch_id: int, state: StateName = "", cursor: str = "", limit: int = 50):
    found = access_batch(request.user, batch_id)
    qs = selectors.invitations(request.user, batch=found)
    qs = qs.filter(state=state) if state else qs.exclude(state=InvitationState.WAITING)
    result = page(qs, ["-created_at", "-id"], cursor=cursor, limit=limit)
    if result["items"]:
        record_read(
            actor=request.user, object_type="care.invitation", rows=len(result["items"]), query=request.GET, obj=found
        )
    return result


@router.get(
    "/care/batches/{int:batch_id}/suggestions",
    response={200: CareSuggestionsOut, **ERRORS},
    summary="建议邀请的人（按生效规则的优先顺序，附理由）",
)
def batch_suggestions(request, batch_id: int):
    require(request, CarePerm.RECORD_CARE)
    found = access_batch(request.user, batch_id)
    rule, suggested = selectors.suggestions(request.user, found.campaign)
    if suggested:
        record_read(
            actor=request.user,
            object_type="care.invitation",
            rows=len(suggested),
            query=request.GET,
            obj=found.campaign,
        )
    return {"rule": rule, "items": suggested}
