"""Inspections (督查) and their follow-ups."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import User
from gongjiang.accounts.permissions import require
from gongjiang.core.errors import DomainError
from gongjiang.platform.enums import (
    InspectionState,
)
from gongjiang.platform.models import (
    FollowUp,
    Inspection,
    Unit,
)
from gongjiang.platform.permissions import require_keep
from gongjiang.platform.services.common import clean_text

Perm = permissions.Perm


@transaction.atomic
def add_inspection(
    *, actor: User, unit: Unit, inspected_on: dt.date, inspectors: str, findings: str, deadline: dt.date | None
) -> Inspection:
    """督查: the federation's visit; with a deadline, it stays open until the findings are put right."""
    require(actor, Perm.MANAGE_PLATFORM)
    if deadline and deadline < inspected_on:
        raise ValidationError({"deadline": [_("The deadline is before the inspection.")]})
    inspection = Inspection.objects.create(
        unit=unit,
        inspected_on=inspected_on,
        inspectors=clean_text(inspectors)[:200],
        findings=findings.strip(),
        deadline=deadline,
        state=InspectionState.OPEN if deadline else InspectionState.CLOSED,
        closed_on=None if deadline else inspected_on,
        created_by=actor,
    )
    record(actor=actor, action=AuditAction.CREATE, obj=inspection, object_repr=f"{unit} · {inspected_on}")
    return inspection


@transaction.atomic
def follow_up(*, actor: User, inspection: Inspection, on: dt.date, note: str, close: bool = False) -> FollowUp:
    """The unit (or the federation) says what was done; the federation closes the inspection."""
    require_keep(actor, inspection.unit)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.state == InspectionState.CLOSED:
        raise DomainError(_("This inspection is closed."), code="conflict")
    if not (note or "").strip():
        raise ValidationError({"note": [_("Say what was done.")]})
    item = FollowUp.objects.create(inspection=inspection, on=on, note=note.strip(), by=actor)
    if close:
        require(actor, Perm.MANAGE_PLATFORM)
        inspection.state, inspection.closed_on = InspectionState.CLOSED, on
        inspection.save(update_fields=["state", "closed_on"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=inspection,
        object_repr=f"{inspection.unit} · {inspection.inspected_on}",
        changes={"state": [InspectionState.OPEN, inspection.state]} if close else {},
        detail={"follow_up": item.pk},
    )
    return item
