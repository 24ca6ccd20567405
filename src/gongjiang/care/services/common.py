"""What the care services share: the permission check with the person's scope."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.care.permissions import CarePerm, may_record_for


def require_record_for(actor, worker) -> None:
    permissions.require(actor, CarePerm.RECORD_CARE)
    if not permissions.is_system(actor) and not may_record_for(actor, worker):
        raise PermissionDenied(_("This person is not one of your union's."))
