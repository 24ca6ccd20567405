"""A unit's meetings."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import User
from gongjiang.platform.models import (
    Meeting,
    Unit,
)
from gongjiang.platform.permissions import require_keep

Perm = permissions.Perm


@transaction.atomic
def add_meeting(
    *, actor: User, unit: Unit, held_on: dt.date, attendees: str, minutes: str, decisions: str = ""
) -> Meeting:
    require_keep(actor, unit)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("The date is in the future.")]})
    meeting = Meeting.objects.create(
        unit=unit,
        held_on=held_on,
        attendees=attendees.strip(),
        minutes=minutes.strip(),
        decisions=(decisions or "").strip(),
        recorded_by=actor,
    )
    record(actor=actor, action=AuditAction.CREATE, obj=meeting, object_repr=f"{unit} · {held_on}")
    return meeting
