"""The roster export: the user's list, written and logged."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor
from gongjiang.archive import exports, selectors


def export_roster(
    *, actor: Actor, filters, description: str, unmasked: bool, dest, columns: list[str] | None = None, progress=None
) -> int:
    """Write the user's current list to ``dest`` (.xlsx) and log the export.

    Masked unless ``unmasked`` is asked for and the role may export personal data in clear.
    """
    if not permissions.has_perm(actor, permissions.Perm.EXPORT):
        raise PermissionDenied(_("You may not export lists."))
    if unmasked and not permissions.has_perm(actor, permissions.Perm.EXPORT_UNMASKED):
        raise PermissionDenied(_("You may not export unmasked personal data."))
    qs = exports.export_queryset(selectors.filtered_model_workers(actor, filters)).order_by(
        *selectors.ordering_for(filters)
    )
    n = exports.write_roster(
        exports.rows_of(qs),
        dest,
        unmasked=unmasked,
        title=description,
        columns=columns,
        progress=progress,
    )
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="archive.modelworker",
        object_repr=str(_("Model-worker roster")),
        detail={
            "rows": n,
            "filters": description,
            "unmasked": unmasked,
            "columns": columns or exports.COLUMN_KEYS,
        },
    )
    return n
