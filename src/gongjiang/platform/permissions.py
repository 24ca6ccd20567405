"""The platform's own capability checks: who may see, keep and edit a unit. The role table is
``accounts.permissions``; this module asks it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.enums import Role
from gongjiang.platform.enums import UnitStatus
from gongjiang.platform.models import Unit

Perm = permissions.Perm


def may_see_unit(user, unit: Unit) -> bool:
    """The federation and the auditor see every unit; a union its own units; a leader the
    units they lead."""
    if not permissions.has_perm(user, Perm.VIEW_PLATFORM):
        return False
    if permissions.has_perm(user, Perm.VIEW_ALL_RECORDS):
        return True
    if user.role == Role.STUDIO_LEADER:
        return user.model_worker_id is not None and unit.leader_id == user.model_worker_id
    scope = permissions.union_scope(user)
    return scope is not None and unit.union_id in scope


def may_keep_unit(user, unit: Unit) -> bool:
    """Members, meetings, achievements, mentoring, expenses and evidence of a unit."""
    if permissions.has_perm(user, Perm.MANAGE_PLATFORM):
        return True
    return permissions.has_perm(user, Perm.KEEP_UNITS) and may_see_unit(user, unit)


def may_edit_unit(user, unit: Unit) -> bool:
    """What a unit is: the federation edits it; a union only its own application still under review."""
    return permissions.has_perm(user, Perm.MANAGE_PLATFORM) or (
        unit.status == UnitStatus.APPLYING
        and permissions.has_perm(user, Perm.APPLY_UNITS)
        and may_keep_unit(user, unit)
    )


def require_keep(actor, unit: Unit) -> None:
    """Keeping a unit's records (members, meetings, evidence, expenses…): refused to ``None``."""
    if not may_keep_unit(actor, unit):
        raise PermissionDenied(_("You may not change this unit."))
