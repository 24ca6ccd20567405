"""What may still be paid: the one check every path that makes a line goes through."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from gongjiang.accounts import permissions
from gongjiang.benefits.enums import LineState
from gongjiang.benefits.models import (
    BatchLine,
    LedgerEntry,
    Scheme,
)

Perm = permissions.Perm


# --- What may still be paid -------------------------------------------------------------------
#
# The invariant for money: for every person, scheme and period, what is paid (net of
# reversals) and what is being paid (lines to pay, of every kind: regular, arrears, carried
# failures) never adds up to more than what is due. Every path that makes a line — a regular
# batch, the failures it carries in, an arrears batch — asks ``_within_due`` how much the line
# may be, with the scheme row locked (``select_for_update``), so two such paths for one scheme
# run one after the other and the second sees what the first made. Paying and reversing need
# no lock: paying turns a line to pay into a ledger entry of the same amount in one commit,
# and a reversal or a failure only lowers what is covered.

COVER_CHUNK = 400  # people per statement: two subqueries stay under SQLite's 999 parameters


def covered(scheme_id: int, first: dt.date, last: dt.date, worker_ids=None) -> dict[tuple[int, dt.date], Decimal]:
    """What is paid (net) or being paid, by (person, period), in ``first``…``last``.

    The ledger and the lines to pay of a person are read in one statement: a payment recorded
    meanwhile moves an amount from one to the other, and a statement sees both or neither."""
    out: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)

    def read(ids) -> None:
        ledger = LedgerEntry.objects.filter(scheme_id=scheme_id, period__range=(first, last))
        lines = BatchLine.objects.filter(scheme_id=scheme_id, state=LineState.PENDING, period__range=(first, last))
        if ids is not None:
            ledger, lines = ledger.filter(model_worker_id__in=ids), lines.filter(model_worker_id__in=ids)
        both = (
            ledger.order_by()
            .values_list("model_worker_id", "period", "amount")
            .union(lines.order_by().values_list("model_worker_id", "period", "amount"), all=True)
        )
        for wid, period, amount in both:
            out[(wid, period)] += amount

    ids = sorted(set(worker_ids)) if worker_ids is not None else None
    if ids is None or len(ids) > 25 * COVER_CHUNK:
        read(None)  # a whole batch: reading the period is cheaper than naming everyone
    else:
        for i in range(0, len(ids), COVER_CHUNK):
            read(ids[i : i + COVER_CHUNK])
    return out


def within_due(scheme: Scheme, claims: list[tuple[int, dt.date, Decimal, Decimal]]) -> list[Decimal]:
    """For each (person, period, due, wanted), the amount a new line may have: ``wanted``, less
    whatever would take the person-period above what is due (zero: no line). The caller holds
    the scheme's lock and makes the lines before letting it go."""
    if not claims:
        return []
    periods_of = [c[1] for c in claims]
    cover = covered(scheme.pk, min(periods_of), max(periods_of), {c[0] for c in claims})
    allowed = []
    for wid, period, due, wanted in claims:
        have = cover.get((wid, period), Decimal(0))
        amount = max(min(wanted, due - have), Decimal(0))
        cover[(wid, period)] = have + amount
        allowed.append(amount)
    return allowed
