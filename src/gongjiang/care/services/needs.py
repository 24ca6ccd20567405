"""Needs (办实事): raised, held by one member of staff with a deadline, each step recorded, resolved
with the person's satisfaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.care.enums import NeedSource, NeedState, Satisfaction
from gongjiang.care.models import Need, NeedStep, Visit
from gongjiang.care.permissions import CarePerm
from gongjiang.care.services.common import require_record_for


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _log(actor, need: Need, action, changes: dict, obj=None) -> None:
    record(
        actor=actor,
        action=action,
        obj=obj or need,
        model_worker_id=need.model_worker_id,
        organisation_id=need.model_worker.union_id,
        changes=changes,
    )


def may_hold(user, worker) -> bool:
    """A need is held by federation staff, or by staff of the person's union."""
    return permissions.has_perm(user, CarePerm.RECORD_CARE) and permissions.may_see_private(user, worker)


@transaction.atomic
def raise_need(
    *,
    actor,
    model_worker,
    source: str,
    description: str,
    holder,
    deadline: dt.date,
    visit: Visit | None = None,
) -> Need:
    require_record_for(actor, model_worker)
    errors: dict[str, list] = {}
    description = (description or "").strip()
    today = timezone.localdate()
    if source not in NeedSource.values:
        errors["source"] = [_("Say how the need was raised.")]
    if not description:
        errors["description"] = [_("Describe the need.")]
    if not isinstance(deadline, dt.date):
        errors["deadline"] = [_("Give a deadline.")]
    elif deadline < today:
        errors["deadline"] = [_("The deadline is in the past.")]
    if holder is None or not may_hold(holder, model_worker):
        errors["holder"] = [_("Choose federation staff, or staff of the person's union.")]
    if visit is not None and visit.model_worker_id != model_worker.pk:
        errors["visit"] = [_("The visit is of another person.")]
    if errors:
        raise ValidationError(errors)
    need = Need.objects.create(
        model_worker=model_worker,
        source=NeedSource.VISIT if visit is not None else source,
        visit=visit,
        description=description,
        holder=holder,
        deadline=deadline,
        raised_on=today,
        created_by=_user(actor),
    )
    _log(
        actor,
        need,
        AuditAction.CREATE,
        {"source": [None, need.source], "holder": [None, str(holder)], "deadline": [None, deadline]},
    )
    return need


def _locked_open(need: Need) -> Need:
    need = Need.objects.select_for_update().select_related("model_worker").get(pk=need.pk)
    if need.state != NeedState.OPEN:
        raise ValidationError(_("The need has been resolved already."))
    return need


@transaction.atomic
def add_step(*, actor, need: Need, on: dt.date, note: str) -> NeedStep:
    require_record_for(actor, need.model_worker)
    need = _locked_open(need)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say what was done.")]})
    if not isinstance(on, dt.date) or on > timezone.localdate():
        raise ValidationError({"on": [_("Give a date not in the future.")]})
    step = NeedStep.objects.create(need=need, on=on, note=note, by=_user(actor))
    _log(actor, need, AuditAction.CREATE, {"on": [None, on], "note": [None, note]}, obj=step)
    return step


@transaction.atomic
def reassign(*, actor, need: Need, holder, deadline: dt.date) -> Need:
    require_record_for(actor, need.model_worker)
    need = _locked_open(need)
    if holder is None or not may_hold(holder, need.model_worker):
        raise ValidationError({"holder": [_("Choose federation staff, or staff of the person's union.")]})
    changes: dict[str, Any] = {}
    if holder.pk != need.holder_id:
        changes["holder"] = [str(need.holder), str(holder)]
    if deadline != need.deadline:
        changes["deadline"] = [need.deadline, deadline]
    need.holder, need.deadline = holder, deadline
    need.save(update_fields=["holder", "deadline"])
    if changes:
        _log(actor, need, AuditAction.UPDATE, changes)
    return need


@transaction.atomic
def resolve(*, actor, need: Need, resolution: str, satisfaction: str, on: dt.date | None = None) -> Need:
    """Resolved: what was done in the end, and how satisfied the person is (asked at the end)."""
    require_record_for(actor, need.model_worker)
    need = _locked_open(need)
    errors: dict[str, list] = {}
    resolution = (resolution or "").strip()
    on = on or timezone.localdate()
    if not resolution:
        errors["resolution"] = [_("Say how the need was resolved.")]
    if satisfaction not in Satisfaction.values:
        errors["satisfaction"] = [_("Record the person's satisfaction.")]
    if on > timezone.localdate() or on < need.raised_on:
        errors["on"] = [_("Give a date between the day it was raised and today.")]
    if errors:
        raise ValidationError(errors)
    need.state, need.resolution, need.satisfaction, need.resolved_on = NeedState.RESOLVED, resolution, satisfaction, on
    need.save(update_fields=["state", "resolution", "satisfaction", "resolved_on"])
    _log(
        actor,
        need,
        AuditAction.UPDATE,
        {
            "state": [NeedState.OPEN, NeedState.RESOLVED],
            "resolution": [None, resolution],
            "satisfaction": [None, satisfaction],
        },
    )
    return need
