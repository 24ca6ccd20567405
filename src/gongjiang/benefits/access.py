"""Fetch-and-check for treatment, used by the pages and the API alike (Zulip's
``access_stream_by_id``): the object, or ``Http404`` for one out of the user's reach and
``PermissionDenied`` for one they see but may not act on as asked."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.archive.models import ModelWorker
from gongjiang.archive.selectors import visible_model_workers

Perm = permissions.Perm


def access_treatment(user, pk: int, *, change: bool = False) -> ModelWorker:
    """The person whose treatment is asked for: one the user may see (else 404) and whose
    treatment they may see (else 403); with ``change``, may also change it."""
    worker = get_object_or_404(visible_model_workers(user, include_archived=True), pk=pk)
    if not permissions.may_see_treatment(user, worker):
        raise PermissionDenied
    if change and not permissions.has_perm(user, Perm.PREPARE_BATCHES):
        raise PermissionDenied(_("You may not change this person's treatment."))
    return worker
