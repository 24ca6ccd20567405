"""The platform's targets over the years."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import diff, record, snapshot
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor, require
from gongjiang.platform.models import (
    Target,
)

Perm = permissions.Perm


TARGET_FIELDS = ["name", "first_year", "last_year", "studios", "star_posts", "standard_bearers"]


@transaction.atomic
def save_target(*, actor: Actor, data: dict[str, Any], target: Target | None = None) -> Target:
    require(actor, Perm.MANAGE_PLATFORM)
    creating = target is None
    target = target or Target()
    before = {} if creating else snapshot(target, TARGET_FIELDS)
    for key in TARGET_FIELDS:
        if key in data:
            setattr(target, key, data[key])
    if target.last_year < target.first_year:
        raise ValidationError({"last_year": [_("The end is before the start.")]})
    target.save()
    changes = diff(before, snapshot(target, TARGET_FIELDS))
    if changes:
        record(actor=actor, action=AuditAction.CREATE if creating else AuditAction.UPDATE, obj=target, changes=changes)
    return target
