"""Derived values: a person's highest level, from their honours (the rule in one place)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Min

from gongjiang.archive.enums import MODEL_WORKER_KINDS, Level
from gongjiang.archive.models import Honour, ModelWorker


def highest_level_of(honours: Iterable[tuple[str, int, Any, Any]], as_of: dt.date | None = None) -> int:
    """The rule, in one place: the highest level among model-worker honours (advanced workers
    included) that are not void and not revoked (as of ``as_of``, when given).

    ``honours`` holds (kind, level, revoked_on, voided_at) tuples. Returns ``Level.NONE``
    when there is none.
    """
    best = int(Level.NONE)
    for kind, level, revoked_on, voided_at in honours:
        if kind not in MODEL_WORKER_KINDS or voided_at is not None:
            continue
        if revoked_on is not None and (as_of is None or revoked_on <= as_of):
            continue
        best = min(best, int(level))
    return best


def refresh_highest_level(worker: ModelWorker) -> int:
    """Recompute from the database; must run inside the transaction that changed an honour."""
    level = (
        Honour.objects.filter(
            model_worker=worker, kind__in=MODEL_WORKER_KINDS, revoked_on__isnull=True, voided_at__isnull=True
        ).aggregate(m=Min("level"))["m"]
        or Level.NONE
    )
    if worker.highest_level != level:
        ModelWorker.objects.filter(pk=worker.pk).update(highest_level=level)
        worker.highest_level = level
    return level
