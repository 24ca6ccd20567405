"""A unit's team."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor
from gongjiang.archive.models import ModelWorker
from gongjiang.core.errors import DomainError
from gongjiang.platform.enums import (
    MemberRole,
)
from gongjiang.platform.models import (
    Unit,
    UnitMember,
)
from gongjiang.platform.permissions import require_keep
from gongjiang.platform.services.common import check_person, clean_text

Perm = permissions.Perm


@transaction.atomic
def add_member(
    *,
    actor: Actor,
    unit: Unit,
    model_worker: ModelWorker | None,
    name: str,
    position: str = "",
    joined_on: dt.date | None = None,
    note: str = "",
) -> UnitMember:
    require_keep(actor, unit)
    check_person(actor, "model_worker", model_worker)
    name = model_worker.name if model_worker is not None else clean_text(name)
    if not name:
        raise ValidationError({"name": [_("Choose a model worker or enter the member's name.")]})
    if (
        model_worker is not None
        and UnitMember.objects.filter(unit=unit, model_worker=model_worker, left_on__isnull=True).exists()
    ):
        raise ValidationError({"model_worker": [_("%(name)s is already on the team.") % {"name": name}]})
    member = UnitMember.objects.create(
        unit=unit,
        model_worker=model_worker,
        name=name[:50],
        position=clean_text(position)[:60],
        joined_on=joined_on,
        note=clean_text(note)[:200],
    )
    record(actor=actor, action=AuditAction.CREATE, obj=member, object_repr=f"{unit} · {name}")
    return member


@transaction.atomic
def end_member(*, actor: Actor, member: UnitMember, left_on: dt.date) -> UnitMember:
    require_keep(actor, member.unit)
    if member.role == MemberRole.LEADER:
        raise DomainError(_("The leader changes by editing the unit."))
    if member.joined_on and left_on < member.joined_on:
        raise ValidationError({"left_on": [_("The date is before the member joined.")]})
    if member.left_on is None:
        member.left_on = left_on
        member.save(update_fields=["left_on"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=member,
            changes={"left_on": [None, left_on.isoformat()]},
            object_repr=f"{member.unit} · {member.name}",
        )
    return member
