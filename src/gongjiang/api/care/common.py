"""What the care endpoint modules share: the router, the capability check, and the pickers.

Objects named in the path are fetched by ``care.access`` (another union's person, invitation,
visit or need is a 404, as on the pages); an object named in a body is chosen from what the
user may choose, as the forms' pickers offer it (else 422 on that field).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Router

from gongjiang.accounts import permissions
from gongjiang.archive.selectors import visible_model_workers

router = Router(tags=["关爱服务"])


def require(request, perm) -> None:
    """403 unless the caller's role has the care capability ``perm`` (the pages' table)."""
    if not permissions.has_perm(request.user, perm):
        raise PermissionDenied(_("You may not do this."))


def pick(qs, pk: int | None, field: str):
    """The object a body refers to by id, from what the user may choose."""
    if pk is None:
        return None
    found = qs.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("Choose one of the allowed values.")]})
    return found


def person(request, pk: int, field: str = "person"):
    return pick(visible_model_workers(request.user), pk, field)
