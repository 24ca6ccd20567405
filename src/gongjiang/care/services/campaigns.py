"""Campaigns (one kind, one year) and their batches: the federation plans them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.care.enums import CampaignKind
from gongjiang.care.models import Batch, Campaign
from gongjiang.care.permissions import CarePerm
from gongjiang.care.services.invitations import fill_from_waiting

# A stay is "about a week" (rules.md): a batch longer than this is a typing mistake.
LONGEST_STAY_DAYS = 14


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def create_campaign(*, actor, kind: str, year: int, title: str = "", note: str = "") -> Campaign:
    """One campaign per kind and year (the database holds it to that)."""
    permissions.require(actor, CarePerm.MANAGE_CARE)
    if kind not in CampaignKind.values:
        raise ValidationError({"kind": [_("Choose the kind.")]})
    if not 1979 <= year <= 2100:
        raise ValidationError({"year": [_("Give a year from 1979 on.")]})
    title = (title or "").strip()[:100] or _("%(year)s %(kind)s") % {"year": year, "kind": CampaignKind(kind).label}
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                kind=kind, year=year, title=title, note=(note or "").strip(), created_by=_user(actor)
            )
    except IntegrityError:
        raise ValidationError(
            {
                "year": [
                    _("There is already a %(kind)s campaign for %(year)s.")
                    % {"kind": CampaignKind(kind).label, "year": year}
                ]
            }
        ) from None
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=campaign,
        changes={"kind": [None, kind], "year": [None, year], "title": [None, title]},
    )
    return campaign


def _clean_batch(campaign: Campaign, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list] = {}
    clean = {
        "name": (data.get("name") or "").strip()[:100],
        "starts_on": data.get("starts_on"),
        "ends_on": data.get("ends_on") or data.get("starts_on"),
        "place": (data.get("place") or "").strip()[:200],
        "capacity": data.get("capacity"),
        "cost_per_person": data.get("cost_per_person"),
        "programme": (data.get("programme") or "").strip(),
    }
    if not clean["name"]:
        errors["name"] = [_("Name the batch (e.g. the first batch).")]
    if not clean["place"]:
        errors["place"] = [_("Give the institution or the destination.")]
    starts, ends = clean["starts_on"], clean["ends_on"]
    if not isinstance(starts, dt.date):
        errors["starts_on"] = [_("Give the first day.")]
    elif starts.year != campaign.year:
        errors["starts_on"] = [_("The batch starts in another year than its campaign.")]
    elif isinstance(ends, dt.date) and ends < starts:
        errors["ends_on"] = [_("The last day is before the first.")]
    elif campaign.kind == CampaignKind.STAY and isinstance(ends, dt.date) and (ends - starts).days >= LONGEST_STAY_DAYS:
        errors["ends_on"] = [_("A stay lasts about a week; check the last day.")]
    if not isinstance(clean["capacity"], int) or clean["capacity"] < 1:
        errors["capacity"] = [_("Give the number of places (at least one).")]
    cost = clean["cost_per_person"]
    if cost is not None and (not isinstance(cost, Decimal) or cost < 0):
        errors["cost_per_person"] = [_("Give the cost in yuan, or leave it empty.")]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def add_batch(*, actor, campaign: Campaign, data: dict[str, Any]) -> Batch:
    permissions.require(actor, CarePerm.MANAGE_CARE)
    clean = _clean_batch(campaign, data)
    batch = Batch.objects.create(campaign=campaign, created_by=_user(actor), **clean)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=batch,
        changes={k: [None, v] for k, v in clean.items() if v not in (None, "")},
    )
    return batch


@transaction.atomic
def change_batch(*, actor, batch: Batch, data: dict[str, Any]) -> Batch:
    """Dates, place, programme and capacity; the capacity never below the places taken."""
    permissions.require(actor, CarePerm.MANAGE_CARE)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    clean = _clean_batch(batch.campaign, data)
    if clean["capacity"] < batch.taken:
        raise ValidationError(
            {"capacity": [_("%(n)s places are taken already; the capacity cannot be lower.") % {"n": batch.taken}]}
        )
    changes = {k: [getattr(batch, k), v] for k, v in clean.items() if getattr(batch, k) != v}
    for key, value in clean.items():
        setattr(batch, key, value)
    batch.save()
    if changes:
        record(actor=actor, action=AuditAction.UPDATE, obj=batch, changes=changes)
    if "capacity" in changes:  # more places: the waiting list moves up
        fill_from_waiting(actor, batch)
    return batch
