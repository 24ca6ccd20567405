"""The archive's own checks on a person's record. The role table is ``accounts.permissions``;
this module asks it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.archive.models import ModelWorker
from gongjiang.core.errors import DomainError


def require_edit(actor, worker: ModelWorker) -> None:
    """The actor may change this person's record, and the record is not archived."""
    if not permissions.may_edit_worker(actor, worker):
        raise PermissionDenied(_("You may not change this record."))
    if worker.is_archived:
        raise DomainError(_("This record is archived; restore it before changing it."), code="conflict")
