"""What the treatment endpoint modules share: the router, the permission check and the fetches."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import get_object_or_404
from ninja import Router

from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import require
from gongjiang.benefits.models import Batch, Scheme

router = Router(tags=["待遇发放"])


def require_benefits(request, perm: Perm = Perm.VIEW_BATCHES) -> None:
    require(request, perm)


def get_scheme(request, pk: int) -> Scheme:
    require_benefits(request)
    return get_object_or_404(Scheme.objects.prefetch_related("rules"), pk=pk)


BATCHES = Batch.objects.select_related("scheme", "prepared_by", "submitted_by", "approved_by")


def get_batch(request, pk: int) -> Batch:
    require_benefits(request)
    return get_object_or_404(BATCHES, pk=pk)


def batch_detail(pk: int) -> Batch:
    """The batch with its lines counted by state (``BatchOut.lines_by_state``)."""
    batch = BATCHES.get(pk=pk)
    batch.line_counts = dict(batch.lines.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return batch
