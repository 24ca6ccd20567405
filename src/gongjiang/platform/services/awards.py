"""Plaques (授牌): the numbering, and the award that establishes a unit."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor, require
from gongjiang.core.errors import DomainError
from gongjiang.platform.enums import (
    TIER_CODE,
    EventKind,
    Have,
    Tier,
    UnitStatus,
)
from gongjiang.platform.models import (
    PlatformPolicy,
    TierSpan,
    Unit,
)
from gongjiang.platform.services.common import clean_text
from gongjiang.platform.services.haves import haves_missing
from gongjiang.platform.services.units import lock_unit, record_event

Perm = permissions.Perm


def next_plaque_number(tier: str, year: int, policy: PlatformPolicy) -> str:
    """The unified format PREFIX-CODE-YEAR-NNN (e.g. LX-GZS-2016-001), numbered per tier and year;
    numbers of earlier plaques (kept in the history) are never reused."""
    stem = f"{policy.plaque_prefix}-{TIER_CODE[Tier(tier)]}-{year}-"
    used: list[str | None] = list(
        TierSpan.objects.filter(plaque_number__startswith=stem).values_list("plaque_number", flat=True)
    )
    used += list(Unit.objects.filter(plaque_number__startswith=stem).values_list("plaque_number", flat=True))
    last = max((int(n.rsplit("-", 1)[1]) for n in used if n and n.rsplit("-", 1)[1].isdigit()), default=0)
    return f"{stem}{last + 1:03d}"


def new_plaque(unit: Unit, tier: str, on: dt.date) -> str:
    # One plaque at a time: the policy row is the lock that keeps numbers unique and in order.
    policy = PlatformPolicy.objects.select_for_update().get(pk=PlatformPolicy.current().pk)
    number = next_plaque_number(tier, on.year, policy)
    TierSpan.objects.filter(unit=unit, ends_on__isnull=True).update(ends_on=on)
    TierSpan.objects.create(unit=unit, tier=tier, plaque_number=number, starts_on=on)
    return number


@transaction.atomic
def award_plaque(*, actor: Actor, unit: Unit, on: dt.date, stars: int | None = None, override_reason: str = "") -> Unit:
    """授牌: the approved unit gets its plaque number and is established from this day.

    A plaque certifies the six haves: it is awarded once all six are met, or — an exception
    the federation makes — with the reason for it, which goes into the unit's history."""
    require(actor, Perm.MANAGE_PLATFORM)
    unit = lock_unit(unit)
    if unit.status != UnitStatus.APPROVED:
        raise DomainError(_("A plaque is awarded once the application is approved."), code="conflict")
    if on > timezone.localdate():
        raise ValidationError({"on": [_("The date is in the future.")]})
    missing = "、".join(str(Have(h).label) for h in haves_missing(unit))
    override_reason = clean_text(override_reason)
    if missing and not override_reason:
        raise DomainError(
            _(
                "The six haves are not all met (not yet: %(m)s). A plaque is awarded once they are; "
                "to award it all the same, give the reason for the exception."
            )
            % {"m": missing},
            code="conflict",
        )
    exception = (
        _("Awarded although the six haves are not all met (not yet: %(m)s): %(r)s")
        % {"m": missing, "r": override_reason}
        if missing
        else ""
    )
    policy = PlatformPolicy.current()
    if unit.tier == Tier.STAR_POST:
        stars = stars or 1
        if not 1 <= stars <= policy.max_stars:
            raise ValidationError({"stars": [_("A star post has 1 to %(n)s stars.") % {"n": policy.max_stars}]})
        unit.stars = stars
    unit.plaque_number = new_plaque(unit, unit.tier, on)
    unit.awarded_on = on
    unit.status = UnitStatus.ACTIVE
    unit.status_since = on
    unit.save()
    record_event(unit, EventKind.AWARDED, actor=actor, on=on, after=unit.plaque_number, reason=exception)
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=unit,
        changes={"status": [UnitStatus.APPROVED, UnitStatus.ACTIVE], "plaque_number": [None, unit.plaque_number]},
        detail={"reason": exception} if exception else None,
    )
    return unit
