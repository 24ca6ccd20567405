"""A unit: its application, what it is (edited), its review, and the lines of its history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import diff, record, snapshot
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor, require, user_of
from gongjiang.archive.enums import Level
from gongjiang.archive.models import ModelWorker
from gongjiang.core.errors import DomainError
from gongjiang.platform import selectors
from gongjiang.platform.enums import (
    EventKind,
    Have,
    MemberRole,
    Tier,
    UnitStatus,
)
from gongjiang.platform.models import (
    PlatformPolicy,
    Unit,
    UnitEvent,
    UnitHave,
    UnitMember,
)
from gongjiang.platform.permissions import may_edit_unit
from gongjiang.platform.services.common import check_in_scope, check_person, clean_text

Perm = permissions.Perm


UNIT_FIELDS = [
    "name",
    "tier",
    "leader",
    "leader_name",
    "employer",
    "union",
    "field",
    "venue",
    "founded_on",
    "description",
]


def record_event(
    unit: Unit,
    kind: str,
    *,
    actor: Actor,
    on: dt.date | None = None,
    before: str | Promise = "",
    after: str | Promise = "",
    reason: str = "",
) -> UnitEvent:
    return UnitEvent.objects.create(
        unit=unit,
        kind=kind,
        on=on or timezone.localdate(),
        before=str(before)[:60],
        after=str(after)[:60],
        reason=reason,
        actor=user_of(actor),
    )


def check_leader(tier: str, leader: ModelWorker | None, leader_name: str, policy: PlatformPolicy) -> None:
    """A unit needs a leader; a studio's leader must be a model worker of the policy's level or
    higher (municipal by default)."""
    if leader is None and not clean_text(leader_name):
        raise ValidationError({"leader": [_("Choose the leader from the archive, or give their name.")]})
    if tier == Tier.STUDIO:
        level = leader.highest_level if leader is not None else Level.NONE
        if leader is None or level > policy.studio_leader_level:
            lowest = Level(policy.studio_leader_level).label
            raise ValidationError(
                {
                    "leader": [
                        _("A studio's leader must be a model worker of %(level)s level or higher.") % {"level": lowest}
                    ]
                }
            )


def _clean_unit(
    actor: Actor, data: dict[str, Any], policy: PlatformPolicy, *, handed=("leader", "employer")
) -> dict[str, Any]:
    """The values of a unit, checked; the people and employer in ``handed`` (those the caller
    sets, not those the unit already had) must be within the actor's reach."""
    clean = dict(data)
    errors: dict[str, list] = {}
    try:
        if "leader" in handed:
            check_person(actor, "leader", data.get("leader"))
        if "employer" in handed:
            check_in_scope("employer", data.get("employer"), selectors.visible_employers(actor))
    except ValidationError as e:
        errors.update(e.message_dict)
    clean["name"] = clean_text(data.get("name"))
    if not clean["name"]:
        errors["name"] = [_("Enter the name of the unit.")]
    if data.get("tier") not in Tier.values:
        errors["tier"] = [_("Choose the tier.")]
    union = data.get("union")
    if union is None:
        errors["union"] = [_("Choose the union.")]
    elif not permissions.may_use_union(actor, union):
        errors["union"] = [_("You may not apply for another union.")]
    clean["leader_name"] = clean_text(data.get("leader_name")) if data.get("leader") is None else ""
    if not errors:
        try:
            check_leader(clean["tier"], data.get("leader"), clean["leader_name"], policy)
        except ValidationError as e:
            errors.update(e.message_dict)
    founded = data.get("founded_on")
    if founded and founded > timezone.localdate():
        errors["founded_on"] = [_("The date is in the future.")]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def apply_unit(*, actor: Actor, data: dict[str, Any], on: dt.date | None = None) -> Unit:
    """An application for a unit (by the federation, or a union for its own people). ``on``
    back-dates it, for history entered from the paper files."""
    require(actor, Perm.APPLY_UNITS)
    policy = PlatformPolicy.current()
    clean = _clean_unit(actor, data, policy)
    on = on or timezone.localdate()
    unit = Unit(status=UnitStatus.APPLYING, status_since=on, created_by=user_of(actor))
    for key in UNIT_FIELDS:
        if key in clean:
            setattr(unit, key, clean[key])
    unit.save()
    UnitHave.objects.bulk_create([UnitHave(unit=unit, have=h) for h in Have.values])
    leader = clean.get("leader")
    UnitMember.objects.create(
        unit=unit,
        model_worker=leader,
        name=leader.name if leader else clean["leader_name"],
        role=MemberRole.LEADER,
        joined_on=unit.founded_on,
    )
    record_event(unit, EventKind.APPLIED, actor=actor, on=on, after=unit.get_tier_display())
    record(actor=actor, action=AuditAction.CREATE, obj=unit, changes=diff({}, snapshot(unit, UNIT_FIELDS)))
    return unit


@transaction.atomic
def update_unit(*, actor: Actor, unit: Unit, data: dict[str, Any], version: int | None = None) -> Unit:
    """Edit what a unit is (not its standing: tier, stars and status move by the rules)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not may_edit_unit(actor, unit):
        raise PermissionDenied(_("You may not change this unit."))
    if version is not None and version != unit.version:
        raise DomainError(
            _("Someone else changed this unit meanwhile. Reload the page and make your changes again."), code="conflict"
        )
    policy = PlatformPolicy.current()
    fields = [f for f in UNIT_FIELDS if f != "tier"]
    merged = {key: data.get(key, getattr(unit, key)) for key in fields}
    merged["tier"] = unit.tier
    handed = [key for key in ("leader", "employer") if merged[key] != getattr(unit, key)]
    clean = _clean_unit(actor, merged, policy, handed=handed)
    before = snapshot(unit, fields)
    for key in fields:
        setattr(unit, key, clean[key])
    changes = diff(before, snapshot(unit, fields))
    if changes:
        unit.version += 1
        unit.save()
        if "leader" in changes or "leader_name" in changes:
            _change_leader(unit, clean.get("leader"), clean["leader_name"])
        record(actor=actor, action=AuditAction.UPDATE, obj=unit, changes=changes)
    return unit


def _change_leader(unit: Unit, leader: ModelWorker | None, leader_name: str) -> None:
    today = timezone.localdate()
    UnitMember.objects.filter(unit=unit, role=MemberRole.LEADER, left_on__isnull=True).update(left_on=today)
    UnitMember.objects.create(
        unit=unit,
        model_worker=leader,
        name=leader.name if leader else leader_name,
        role=MemberRole.LEADER,
        joined_on=today,
    )


def lock_unit(unit: Unit) -> Unit:
    return Unit.objects.select_for_update().get(pk=unit.pk)


@transaction.atomic
def review_unit(*, actor: Actor, unit: Unit, approve: bool, reason: str, on: dt.date | None = None) -> Unit:
    """The federation's review of an application: approved (awaiting the plaque) or not."""
    require(actor, Perm.MANAGE_PLATFORM)
    unit = lock_unit(unit)
    if unit.status != UnitStatus.APPLYING:
        raise DomainError(_("Only an application can be reviewed."), code="conflict")
    if not approve and not clean_text(reason):
        raise ValidationError({"reason": [_("Say why the application is not approved.")]})
    before = unit.status
    on = on or timezone.localdate()
    unit.status = UnitStatus.APPROVED if approve else UnitStatus.REJECTED
    unit.status_since = on
    unit.save(update_fields=["status", "status_since", "updated_at"])
    record_event(
        unit, EventKind.APPROVED if approve else EventKind.REJECTED, actor=actor, on=on, reason=clean_text(reason)
    )
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=unit,
        changes={"status": [before, unit.status]},
        detail={"reason": clean_text(reason)},
    )
    return unit
