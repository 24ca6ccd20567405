"""The eligibility and priority rules: configuration with effective dates, edited by the federation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.care.enums import CampaignKind, Criterion
from gongjiang.care.models import CareRule
from gongjiang.care.permissions import CarePerm


def rule_in_effect(kind: str, on: dt.date) -> CareRule | None:
    return (
        CareRule.objects.filter(kind=kind, effective_from__lte=on)
        .exclude(effective_until__lt=on)
        .order_by("-effective_from", "-id")
        .first()
    )


@transaction.atomic
def add_rule(
    *,
    actor,
    kind: str,
    effective_from: dt.date,
    working_every: int | None,
    retired_every: int | None,
    priority: list[str],
    note: str = "",
) -> CareRule:
    """A new rule from a date on; the rule in effect before it ends the day before (history kept).
    A rule must invite someone and order by known criteria, each once."""
    permissions.require(actor, CarePerm.MANAGE_CARE)
    errors: dict[str, list[Any]] = {}
    if kind not in CampaignKind.values:
        errors["kind"] = [_("Choose the kind.")]
    if not working_every and not retired_every:
        errors["working_every"] = [_("A rule must make someone due: give at least one interval.")]
    for value, field in ((working_every, "working_every"), (retired_every, "retired_every")):
        if value is not None and not 1 <= value <= 10:
            errors[field] = [_("Give a number of years from 1 to 10.")]
    if not priority or len(set(priority)) != len(priority) or set(priority) - set(Criterion.values):
        errors["priority"] = [_("Choose the criteria in order, each once.")]
    if errors:
        raise ValidationError(errors)
    later = CareRule.objects.select_for_update().filter(kind=kind, effective_from__gte=effective_from)
    if later.exists():
        raise ValidationError(
            {"effective_from": [_("A rule already starts on or after this date; start the new one later.")]}
        )
    current = CareRule.objects.select_for_update().filter(kind=kind, effective_until__isnull=True).first()
    if current is not None:
        current.effective_until = effective_from - dt.timedelta(days=1)
        current.save(update_fields=["effective_until"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=current,
            changes={"effective_until": [None, current.effective_until]},
        )
    rule = CareRule.objects.create(
        kind=kind,
        effective_from=effective_from,
        working_every=working_every,
        retired_every=retired_every,
        priority=list(priority),
        note=(note or "").strip()[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=rule,
        changes={
            "effective_from": [None, effective_from],
            "working_every": [None, working_every],
            "retired_every": [None, retired_every],
            "priority": [None, rule.priority_labels()],
        },
    )
    return rule
