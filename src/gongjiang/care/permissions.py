"""The care app's capabilities and who holds them (granted into ``accounts.permissions``).

The federation runs campaigns and their batches and sets the rules; a grassroots union invites
its own people and records their answers and attendance; the auditor reads. A studio leader and
a model worker have no care pages (a person's own portal comes later).
"""

from __future__ import annotations

from enum import StrEnum

from gongjiang.accounts import permissions
from gongjiang.accounts.enums import Role


class CarePerm(StrEnum):
    # Reading campaigns, batches and invitations (scoped to the user's people).
    VIEW_CARE = "view_care"
    # Inviting people and recording their answers and attendance (scoped).
    RECORD_CARE = "record_care"
    # Campaigns, batches and the eligibility and priority rules (the federation).
    MANAGE_CARE = "manage_care"


ROLE_CARE_PERMS = {
    Role.FEDERATION_ADMIN: list(CarePerm),
    Role.FEDERATION_STAFF: list(CarePerm),
    Role.UNION_STAFF: [CarePerm.VIEW_CARE, CarePerm.RECORD_CARE],
    Role.AUDITOR: [CarePerm.VIEW_CARE],
}


def grant_roles() -> None:
    permissions.grant(ROLE_CARE_PERMS)


def may_record_for(user, worker) -> bool:
    """Invite a person, record their answer or attendance: the capability and the person in scope."""
    return permissions.has_perm(user, CarePerm.RECORD_CARE) and permissions.may_see_private(user, worker)
