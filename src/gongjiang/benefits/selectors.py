"""Reads of treatment that pages and the API share."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from gongjiang.archive.models import ModelWorker
from gongjiang.benefits import entitlement, periods
from gongjiang.benefits.enums import LineState
from gongjiang.benefits.models import (
    BatchLine,
    LedgerEntry,
    Scheme,
)
from gongjiang.benefits.reports import person_owed


def person_treatment(worker: ModelWorker, today: dt.date | None = None) -> list[dict]:
    """For the profile: each scheme the person is or was entitled to, now and in total."""
    today = today or timezone.localdate()
    facts = entitlement.load_facts([worker.pk]).get(worker.pk)
    # The person's ledger and pending lines, read once for every scheme.
    paid: dict[int, list] = defaultdict(list)
    for scheme_id, period, amount in LedgerEntry.objects.filter(model_worker=worker).values_list(
        "scheme_id", "period", "amount"
    ):
        paid[scheme_id].append((period, amount))
    pending: dict[int, list] = defaultdict(list)
    for scheme_id, period, amount in BatchLine.objects.filter(model_worker=worker, state=LineState.PENDING).values_list(
        "scheme_id", "period", "amount"
    ):
        pending[scheme_id].append((period, amount))
    out = []
    for scheme in Scheme.objects.filter(is_active=True).prefetch_related("rules"):
        rules = entitlement.rules_of(scheme)
        if not rules or facts is None:
            continue
        current = periods.start_of(today, scheme.period, scheme.one_off_date)
        now = entitlement.evaluate(facts, scheme, rules, current)
        owed = person_owed(scheme, facts, rules, today, paid=paid[scheme.pk], pending=pending[scheme.pk])
        if isinstance(now, entitlement.Due) or owed["due"] or owed["paid"]:
            out.append({"scheme": scheme, "now": now, **owed})
    return out
