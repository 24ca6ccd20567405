"""What the roster endpoints share: the router, the permission check and the fetch."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router

from gongjiang.accounts import permissions
from gongjiang.accounts.permissions import Perm
from gongjiang.rosters import services
from gongjiang.rosters.models import RosterImport

router = Router(tags=["花名册导入"])


def require_importer(request) -> None:
    if not permissions.has_perm(request.user, Perm.EDIT_RECORDS):
        raise PermissionDenied(_("You may not import rosters."))


def get_import(request, pk: int) -> RosterImport:
    """An import the user may see (another's is a 404)."""
    require_importer(request)
    return get_object_or_404(services.visible_imports(request.user).select_related("job"), pk=pk)
