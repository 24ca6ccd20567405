"""A person's honours: added, corrected, revoked, voided — never deleted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts.audit import diff, record, snapshot
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor
from gongjiang.archive import validation
from gongjiang.archive.enums import Level
from gongjiang.archive.models import Honour, ModelWorker
from gongjiang.archive.permissions import require_edit
from gongjiang.archive.services.levels import refresh_highest_level
from gongjiang.core.errors import DomainError
from gongjiang.core.validation import check_fields

HONOUR_FIELDS = ["title", "kind", "level", "awarding_body", "year", "document_number", "remarks"]


def _validate_honour(worker: ModelWorker, data: dict[str, Any]) -> None:
    errors: dict[str, list] = {}
    if not (data.get("title") or "").strip():
        errors["title"] = [_("Enter the title of the honour.")]
    try:
        validation.check_honour_year(data.get("year"), worker.birth_date)
    except ValidationError as e:
        errors.update(e.message_dict)
    if data.get("level") in (None, "", Level.NONE):
        errors["level"] = [_("Choose the level.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_honour(*, actor: Actor, worker: ModelWorker, data: dict[str, Any]) -> Honour:
    worker = ModelWorker.objects.select_for_update().get(pk=worker.pk)
    require_edit(actor, worker)
    _validate_honour(worker, data)
    honour = Honour(model_worker=worker)
    for field in HONOUR_FIELDS:
        if field in data:
            setattr(honour, field, data[field] if data[field] is not None else "")
    honour.title = honour.title.strip()
    check_fields(honour)
    honour.save()
    refresh_highest_level(worker)
    record(actor=actor, action=AuditAction.CREATE, obj=honour, changes=diff({}, snapshot(honour, HONOUR_FIELDS)))
    return honour


@transaction.atomic
def update_honour(*, actor: Actor, honour: Honour, data: dict[str, Any]) -> Honour:
    worker = ModelWorker.objects.select_for_update().get(pk=honour.model_worker_id)
    require_edit(actor, worker)
    honour = Honour.objects.get(pk=honour.pk)
    if honour.voided_at:
        raise DomainError(_("A voided honour cannot be changed."), code="conflict")
    merged = {**{f: getattr(honour, f) for f in HONOUR_FIELDS}, **data}
    _validate_honour(worker, merged)
    before = snapshot(honour, HONOUR_FIELDS)
    for field in HONOUR_FIELDS:
        if field in data:
            setattr(honour, field, data[field] if data[field] is not None else "")
    changes = diff(before, snapshot(honour, HONOUR_FIELDS))
    if changes:
        honour.save()
        refresh_highest_level(worker)
        record(actor=actor, action=AuditAction.UPDATE, obj=honour, changes=changes)
    return honour


@transaction.atomic
def revoke_honour(*, actor: Actor, honour: Honour, revoked_on: dt.date, reason: str) -> Honour:
    """撤销称号: the honour stays on the record, marked revoked; it no longer counts."""
    worker = ModelWorker.objects.select_for_update().get(pk=honour.model_worker_id)
    require_edit(actor, worker)
    honour = Honour.objects.get(pk=honour.pk)
    errors = {}
    if honour.revoked_on or honour.voided_at:
        raise DomainError(_("This honour is already revoked or voided."), code="conflict")
    if not revoked_on:
        errors["revoked_on"] = [_("Enter the date of revocation.")]
    elif revoked_on > timezone.localdate():
        errors["revoked_on"] = [_("This date is in the future.")]
    elif revoked_on.year < honour.year:
        errors["revoked_on"] = [_("The honour cannot be revoked before the year it was awarded.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for the revocation.")]
    if errors:
        raise ValidationError(errors)
    honour.revoked_on = revoked_on
    honour.revocation_reason = reason.strip()[:200]
    honour.save(update_fields=["revoked_on", "revocation_reason", "updated_at"])
    refresh_highest_level(worker)
    record(
        actor=actor,
        action=AuditAction.REVOKE,
        obj=honour,
        changes={
            "revoked_on": [None, revoked_on.isoformat()],
            "revocation_reason": ["", honour.revocation_reason],
        },
    )
    return honour


@transaction.atomic
def void_honour(*, actor: Actor, honour: Honour, reason: str) -> Honour:
    """An honour entered by mistake: kept and shown struck through, ignored everywhere else."""
    worker = ModelWorker.objects.select_for_update().get(pk=honour.model_worker_id)
    require_edit(actor, worker)
    honour = Honour.objects.get(pk=honour.pk)
    if honour.voided_at:
        raise DomainError(_("This honour is already voided."), code="conflict")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for voiding this honour.")]})
    honour.voided_at = timezone.now()
    honour.void_reason = reason.strip()[:200]
    honour.save(update_fields=["voided_at", "void_reason", "updated_at"])
    refresh_highest_level(worker)
    record(actor=actor, action=AuditAction.VOID, obj=honour, detail={"reason": honour.void_reason})
    return honour
