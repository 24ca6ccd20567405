"""Which imports a user may open."""

from __future__ import annotations

from gongjiang.accounts import permissions
from gongjiang.rosters.models import (
    RosterImport,
)


def visible_imports(user):
    """Imports a user may open: their own; the federation sees all."""
    qs = RosterImport.objects.select_related("created_by", "default_union")
    if permissions.has_perm(user, permissions.Perm.VIEW_ALL_RECORDS):
        return qs
    return qs.filter(created_by=user)
