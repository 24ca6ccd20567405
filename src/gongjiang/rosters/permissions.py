"""Who may import rosters, and open an import. The role table is ``accounts.permissions``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.rosters.models import RosterImport


def require_import(actor) -> None:
    """Importing changes records (the ``import_roster`` command acts as ``SYSTEM``)."""
    permissions.require(actor, permissions.Perm.EDIT_RECORDS, _("You may not import rosters."))


def require_own(actor, ri: RosterImport) -> None:
    """An import is worked on by whoever uploaded it, or by the federation."""
    require_import(actor)
    if ri.created_by_id != actor.pk and not permissions.has_perm(actor, permissions.Perm.VIEW_ALL_RECORDS):
        raise PermissionDenied(_("This import belongs to someone else."))
