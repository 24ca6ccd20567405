"""A person's hardship file (困难档案)."""

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
from gongjiang.archive.models import HardshipFile, ModelWorker
from gongjiang.archive.permissions import require_edit
from gongjiang.core.errors import DomainError
from gongjiang.core.validation import check_fields

HARDSHIP_FIELDS = [
    "is_active",
    "category",
    "established_on",
    "health",
    "serious_illness",
    "monthly_income",
    "family_monthly_income",
    "family_size",
    "housing",
    "housing_area",
    "housing_note",
    "needs_and_wishes",
    "remarks",
]


def _validate_hardship(data: dict[str, Any]) -> None:
    errors: dict[str, list] = {}
    if data.get("is_active", True) and not data.get("category"):
        errors["category"] = [_("Choose the hardship category.")]
    if not data.get("established_on"):
        errors["established_on"] = [_("Enter the date the file was opened.")]
    elif data["established_on"] > timezone.localdate():
        errors["established_on"] = [_("This date is in the future.")]
    own, family = data.get("monthly_income"), data.get("family_monthly_income")
    for name, value in (("monthly_income", own), ("family_monthly_income", family)):
        if value is not None and value < 0:
            errors[name] = [_("An income cannot be negative.")]
    if own is not None and family is not None and family < own and not errors:
        errors["family_monthly_income"] = [_("The household income cannot be less than the person's own income.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_hardship_file(*, actor: Actor, worker: ModelWorker, data: dict[str, Any]) -> HardshipFile:
    """Open or update the hardship file; the record's hardship flag follows ``is_active``."""
    worker = ModelWorker.objects.select_for_update().get(pk=worker.pk)
    require_edit(actor, worker)
    found = HardshipFile.objects.filter(model_worker=worker).first()
    creating = found is None
    file = HardshipFile(model_worker=worker) if found is None else found
    merged = {**{f: getattr(file, f) for f in HARDSHIP_FIELDS}, **data}
    _validate_hardship(merged)
    before = {} if creating else snapshot(file, HARDSHIP_FIELDS)
    for field in HARDSHIP_FIELDS:
        if field in data:
            value = data[field]
            if value is None and field not in (
                "monthly_income",
                "family_monthly_income",
                "family_size",
                "housing_area",
                "established_on",
            ):
                value = ""
            setattr(file, field, value)
    if file.is_active:
        file.ended_on, file.end_reason = None, ""
    elif file.ended_on is None:
        file.ended_on = timezone.localdate()
    changes = diff(before, snapshot(file, HARDSHIP_FIELDS))
    if not changes and not creating:
        return file
    check_fields(file)
    file.save()
    if worker.in_hardship != file.is_active:
        ModelWorker.objects.filter(pk=worker.pk).update(in_hardship=file.is_active)
        worker.in_hardship = file.is_active
    record(actor=actor, action=AuditAction.CREATE if creating else AuditAction.UPDATE, obj=file, changes=changes)
    return file


@transaction.atomic
def close_hardship_file(*, actor: Actor, file: HardshipFile, ended_on: dt.date, reason: str) -> HardshipFile:
    worker = ModelWorker.objects.select_for_update().get(pk=file.model_worker_id)
    require_edit(actor, worker)
    file = HardshipFile.objects.get(pk=file.pk)
    if not file.is_active:
        raise DomainError(_("This hardship file is already closed."), code="conflict")
    errors = {}
    if not ended_on:
        errors["ended_on"] = [_("Enter the date.")]
    elif ended_on < file.established_on or ended_on > timezone.localdate():
        errors["ended_on"] = [_("The date must lie between the opening of the file and today.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason.")]
    if errors:
        raise ValidationError(errors)
    file.is_active = False
    file.ended_on = ended_on
    file.end_reason = reason.strip()[:200]
    check_fields(file)
    file.save()
    ModelWorker.objects.filter(pk=worker.pk).update(in_hardship=False)
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=file,
        changes={"is_active": [True, False], "ended_on": [None, ended_on.isoformat()]},
        detail={"reason": file.end_reason},
    )
    return file
