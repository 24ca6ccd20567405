"""The six haves (六有) of a unit, met or not."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import diff, record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor, user_of
from gongjiang.platform.enums import (
    Have,
)
from gongjiang.platform.models import (
    Unit,
    UnitHave,
)
from gongjiang.platform.permissions import require_keep

Perm = permissions.Perm


def haves_missing(unit: Unit) -> list[str]:
    """The six haves the unit has not met yet (their keys, in the order of the six)."""
    met = set(unit.haves.filter(met=True).values_list("have", flat=True))
    return [h for h in Have.values if h not in met]


@transaction.atomic
def set_have(*, actor: Actor, unit: Unit, have: str, met: bool, note: str) -> UnitHave:
    require_keep(actor, unit)
    if have not in Have.values:
        raise ValidationError(_("Unknown item."))
    item, _created = UnitHave.objects.select_for_update().get_or_create(unit=unit, have=have)
    before = {"met": item.met, "note": item.note}
    item.met, item.note, item.updated_by = bool(met), (note or "").strip(), user_of(actor)
    item.save()
    changes = diff(before, {"met": item.met, "note": item.note})
    if changes:
        record(actor=actor, action=AuditAction.UPDATE, obj=unit, changes={f"{have}.{k}": v for k, v in changes.items()})
    return item
