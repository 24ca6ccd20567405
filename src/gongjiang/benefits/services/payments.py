"""Recording what the bank paid or returned: lines become ledger entries; a batch is settled."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor, require, user_of
from gongjiang.benefits import bankfile
from gongjiang.benefits.enums import BatchState, LedgerKind, LineState
from gongjiang.benefits.models import (
    Batch,
    LedgerEntry,
)
from gongjiang.benefits.services.ledger import LEDGER_COLUMNS, reverse
from gongjiang.benefits.services.stock import hand_out_stock
from gongjiang.core import bulk
from gongjiang.core.errors import DomainError

Perm = permissions.Perm


def require_paying(actor: Actor, batch: Batch) -> Batch:
    require(actor, Perm.PREPARE_BATCHES)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.state not in (BatchState.APPROVED, BatchState.PAID, BatchState.PARTLY_FAILED):
        raise DomainError(_("Payments are recorded once the batch is approved."), code="conflict")
    return batch


def settle(batch: Batch, actor: Actor) -> None:
    """A batch with no line left to pay is paid, or partly failed."""
    states = set(batch.lines.exclude(state__in=[LineState.REMOVED]).values_list("state", flat=True))
    if LineState.PENDING in states:
        return
    new = BatchState.PARTLY_FAILED if LineState.FAILED in states else BatchState.PAID
    if new != batch.state:
        before = batch.state
        batch.state, batch.paid_at = new, batch.paid_at or timezone.now()
        batch.save(update_fields=["state", "paid_at"])
        record(actor=actor, action=AuditAction.UPDATE, obj=batch, changes={"state": [before, new]})


def record_return_file(*, actor: Actor, batch: Batch, data: bytes, name: str) -> dict[str, int]:
    """The bank's return file, read only once the actor may record payments: a file from
    someone who may not is refused unread (the spreadsheet reader is the exposed part).
    Reading happens outside the batch's lock; ``record_results`` checks the rest."""
    require(actor, Perm.PREPARE_BATCHES)
    return record_results(actor=actor, batch=batch, results=bankfile.parse_return(batch, data, name))


@transaction.atomic
def record_results(*, actor: Actor, batch: Batch, results: list[dict]) -> dict[str, int]:
    """Results from the bank (or by hand): each {line, paid: bool, paid_on, reference, reason}.

    A paid line becomes a ledger entry; a failed line waits for a later batch. A line recorded
    as paid that the bank then returns is reversed in the ledger (never edited)."""
    batch = require_paying(actor, batch)
    lines = {line.pk: line for line in batch.lines.select_for_update().filter(pk__in=[r["line"] for r in results])}
    paid = failed = 0
    entries = []
    for r in results:
        line = lines.get(r["line"])
        if line is None:
            raise ValidationError(_("Line %(n)s is not in this batch.") % {"n": r["line"]})
        if r["paid"]:
            if line.state == LineState.PAID:
                continue
            if line.state != LineState.PENDING:
                raise DomainError(
                    _("Line %(n)s cannot be paid: it is %(s)s.") % {"n": line.pk, "s": LineState(line.state).label},
                    code="conflict",
                )
            if not r.get("paid_on"):
                raise ValidationError(_("Line %(n)s: the date of payment is missing.") % {"n": line.pk})
            line.state, line.paid_on, line.reference = LineState.PAID, r["paid_on"], (r.get("reference") or "")[:60]
            line.signed_by = (r.get("signed_by") or "")[:50]
            entries.append(
                LedgerEntry(
                    model_worker_id=line.model_worker_id,
                    scheme_id=line.scheme_id,
                    period=line.period,
                    amount=line.amount,
                    level=line.level,
                    paid_on=line.paid_on,
                    line=line,
                    reference=line.reference,
                    created_by=user_of(actor),
                )
            )
            paid += 1
        else:
            if not (r.get("reason") or "").strip():
                raise ValidationError(_("Line %(n)s: give the reason it failed.") % {"n": line.pk})
            if line.state == LineState.PAID:
                payment = LedgerEntry.objects.filter(line=line, kind=LedgerKind.PAYMENT).first()
                if payment:
                    reverse(actor, payment, _("Returned by the bank: %(r)s") % {"r": r["reason"]})
            elif line.state != LineState.PENDING:
                continue
            line.state, line.failure_reason = LineState.FAILED, r["reason"].strip()[:200]
            failed += 1
        line.save(update_fields=["state", "paid_on", "reference", "failure_reason", "signed_by"])
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    if batch.scheme.is_in_kind:
        hand_out_stock(batch, [e.line for e in entries if e.line is not None], actor)
    settle(batch, actor)
    record(
        actor=actor, action=AuditAction.UPDATE, obj=batch, detail={"step": "results", "paid": paid, "failed": failed}
    )
    return {"paid": paid, "failed": failed}


@transaction.atomic
def pay_all(*, actor: Actor, batch: Batch, paid_on: dt.date, reference: str = "") -> dict[str, int]:
    """Every line still to pay, paid on one date (the bank confirmed the whole file). Written in
    bulk: a monthly batch can have two hundred thousand lines."""
    batch = require_paying(actor, batch)
    if batch.scheme.is_in_kind:
        to_pay = list(batch.lines.filter(state=LineState.PENDING).values_list("pk", flat=True))
        return record_results(
            actor=actor,
            batch=batch,
            results=[{"line": pk, "paid": True, "paid_on": paid_on, "reference": reference} for pk in to_pay],
        )
    pending = batch.lines.filter(state=LineState.PENDING)
    rows = list(pending.values_list("pk", "model_worker_id", "scheme_id", "period", "amount", "level"))
    pending.update(state=LineState.PAID, paid_on=paid_on, reference=reference[:60])
    now = timezone.now()
    creator = actor.pk if getattr(actor, "is_authenticated", False) else None
    bulk.insert(
        LedgerEntry,
        LEDGER_COLUMNS,
        (
            (wid, sid, period, LedgerKind.PAYMENT, amount, level, paid_on, pk, None, reference[:60], "", now, creator)
            for pk, wid, sid, period, amount, level in rows
        ),
    )
    settle(batch, actor)
    record(
        actor=actor, action=AuditAction.UPDATE, obj=batch, detail={"step": "results", "paid": len(rows), "failed": 0}
    )
    return {"paid": len(rows), "failed": 0}
