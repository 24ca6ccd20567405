"""Batches, from generation through submission and approval to closing; lines removed while a draft."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import User
from gongjiang.accounts.permissions import Actor, require, user_of
from gongjiang.benefits import entitlement, periods
from gongjiang.benefits.enums import BatchKind, BatchState, LineState
from gongjiang.benefits.models import (
    Batch,
    BatchLine,
    LeftOut,
    Scheme,
)
from gongjiang.benefits.services.cover import within_due
from gongjiang.benefits.services.lines import LINE_COLUMNS, pending_line
from gongjiang.benefits.services.payment_accounts import current_accounts
from gongjiang.core import bulk
from gongjiang.core.errors import DomainError

Perm = permissions.Perm


def batch_title(scheme: Scheme, period: dt.date) -> str:
    return f"{scheme.name} · {scheme.period_label(period)}"


def generate_batch(*, actor: User, scheme: Scheme, period: dt.date, progress=None) -> Batch:
    """The batch of a scheme for a period: one line per entitled person, and the people left out
    with their reason. Idempotent: run twice, or twice at once, it adds only what is missing —
    the scheme is locked while generating and the database refuses a second live line for a
    person and period. Failed lines of earlier batches of the scheme are carried in."""
    require(actor, Perm.PREPARE_BATCHES)
    period = periods.start_of(period, scheme.period, scheme.one_off_date)
    try:
        with transaction.atomic():
            return _generate(actor, scheme, period, progress)
    except IntegrityError:
        # Another generation of the same batch committed first: what it made is the batch.
        batch = Batch.objects.filter(scheme=scheme, period=period, kind=BatchKind.REGULAR).first()
        if batch is None:
            raise
        return batch


def regenerate_batch(*, actor: User, batch: Batch) -> Batch:
    """Add to a regular batch the people entitled since it was made (an arrears batch is made
    once, from the report, and has no period to fill)."""
    if batch.kind != BatchKind.REGULAR:
        raise DomainError(_("Only a regular batch can take in people newly entitled."), code="conflict")
    assert batch.period is not None  # a regular batch has its period
    return generate_batch(actor=actor, scheme=batch.scheme, period=batch.period)


def _generate(actor: User, scheme: Scheme, period: dt.date, progress) -> Batch:
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)  # one generation per scheme at a time
    batch, created = Batch.objects.get_or_create(
        scheme=scheme,
        period=period,
        kind=BatchKind.REGULAR,
        defaults={"title": batch_title(scheme, period), "prepared_by": actor},
    )
    if batch.state != BatchState.DRAFT:
        return batch
    rules = entitlement.rules_of(scheme)
    # Whoever is being paid or was paid for the period (in any batch), and whoever already has a
    # line in this batch — removed lines included: a removal stands until the preparer undoes it.
    taken = set(
        # A condolence given at a visit for the period is the person's payment for it too.
        BatchLine.objects.filter(scheme=scheme, period=period, kind__in=[BatchKind.REGULAR, BatchKind.VISIT])
        .filter(Q(state__in=[LineState.PENDING, LineState.PAID]) | Q(batch=batch))
        .values_list("model_worker_id", flat=True)
    )
    # Who is left out, and why, is derived: it is worked out afresh on every generation.
    LeftOut.objects.filter(batch=batch).delete()
    facts = entitlement.load_facts(queryset=entitlement.candidates(scheme))
    if progress:
        progress(len(facts) // 3, len(facts))
    due: dict[int, entitlement.Due] = {}
    left: list[tuple[int, str, str]] = []
    for wid, f in facts.items():
        if wid in taken:
            continue
        result = entitlement.evaluate(f, scheme, rules, period)
        if isinstance(result, entitlement.Due):
            due[wid] = result
        else:
            left.append((wid, result.reason, result.words))
    accounts = current_accounts(due) if not scheme.is_in_kind else {}
    items = {str(si.item): str(si.quantity) for si in scheme.items.select_related("item")} if scheme.is_in_kind else {}
    now = timezone.now()
    carried = _carry_failed(batch, scheme, rules, now)
    payable = []
    for wid, d in due.items():
        if accounts.get(wid) is None and not scheme.is_in_kind:
            left.append((wid, "no_account", _("No bank account on record")))
        else:
            payable.append((wid, d))
    # What an arrears batch already paid or is paying for the period is not paid again.
    allowed = within_due(scheme, [(wid, period, d.amount, d.amount) for wid, d in payable])
    lines = []
    for (wid, d), amount in zip(payable, allowed, strict=True):
        if amount <= 0:
            left.append((wid, "covered", _("Already paid or being paid for this period in an arrears batch")))
            continue
        words = d.words
        if amount < d.amount:
            words = _("%(words)s; ¥%(paid)s of it paid in an arrears batch") % {
                "words": d.words,
                "paid": d.amount - amount,
            }
        bank, number, holder = accounts.get(wid) or ("", "", "")
        lines.append(
            pending_line(
                batch_id=batch.pk,
                scheme_id=scheme.pk,
                model_worker_id=wid,
                period=period,
                kind=BatchKind.REGULAR,
                amount=amount,
                level=d.level,
                rule_id=d.rule_id,
                words=words,
                bank=bank,
                account_number=number,
                holder=holder,
                items=items,
                created_at=now,
            )
        )
    bulk.insert(BatchLine, LINE_COLUMNS, lines)
    bulk.insert(LeftOut, ["batch_id", "model_worker_id", "reason", "words"], ((batch.pk, *row) for row in left))
    refresh_totals(batch)
    record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=batch,
        detail={"step": "generate", "lines": len(lines), "carried": carried, "left_out": len(left)},
    )
    return batch


def _carry_failed(batch: Batch, scheme: Scheme, rules, now) -> int:
    """Failed lines of earlier batches of the scheme come into this one (at the current account),
    for what is still due: a title revoked or a death entered since, or an arrears batch that
    paid the period meanwhile, leaves less (or nothing) to carry."""
    failed = list(
        BatchLine.objects.filter(scheme=scheme, state=LineState.FAILED, kind=BatchKind.REGULAR)
        .exclude(batch=batch)
        .select_related("batch")
        .order_by("period", "pk")
    )
    if not failed:
        return 0
    facts = entitlement.load_facts({line.model_worker_id for line in failed})

    def due(line: BatchLine) -> Decimal:
        f = facts.get(line.model_worker_id)
        result = entitlement.evaluate(f, scheme, rules, line.period) if f else None
        return result.amount if isinstance(result, entitlement.Due) else Decimal(0)

    allowed = within_due(scheme, [(line.model_worker_id, line.period, due(line), line.amount) for line in failed])
    failed, amounts = (
        [line for line, amount in zip(failed, allowed, strict=True) if amount > 0],
        [amount for amount in allowed if amount > 0],
    )
    if not failed:
        return 0
    accounts = current_accounts({line.model_worker_id for line in failed})
    rows = []
    for line, amount in zip(failed, amounts, strict=True):
        bank, number, holder = accounts.get(line.model_worker_id, (line.bank, line.account_number, line.holder))
        rows.append(
            pending_line(
                batch_id=batch.pk,
                scheme_id=scheme.pk,
                model_worker_id=line.model_worker_id,
                period=line.period,
                kind=BatchKind.REGULAR,
                amount=amount,
                level=line.level,
                rule_id=line.rule_id,
                words=(
                    line.words
                    if amount == line.amount
                    else _("%(words)s; ¥%(amount)s still owed") % {"words": line.words, "amount": amount}
                ),
                bank=bank,
                account_number=number,
                holder=holder,
                items=line.items,
                carried_from_id=line.pk,
                created_at=now,
            )
        )
    BatchLine.objects.filter(pk__in=[line.pk for line in failed]).update(state=LineState.CARRIED)
    bulk.insert(BatchLine, LINE_COLUMNS, rows)
    for earlier in {line.batch for line in failed}:
        refresh_totals(earlier)  # a carried line now counts in this batch, not in its first one
    return len(rows)


def refresh_totals(batch: Batch) -> None:
    live = BatchLine.objects.filter(batch=batch).exclude(state__in=[LineState.REMOVED, LineState.CARRIED])
    agg = live.aggregate(n=Count("id"), total=Sum("amount"))
    Batch.objects.filter(pk=batch.pk).update(
        line_count=agg["n"] or 0,
        total=agg["total"] or Decimal("0"),
        left_out_count=LeftOut.objects.filter(batch=batch).count(),
    )
    batch.refresh_from_db()


def _transition(*, actor: Actor, batch: Batch, allowed: tuple[str, ...], to: str, perm: Perm, step: str):
    """Lock the batch, check it may move, and set its new state; returns (batch, old state)."""
    require(actor, perm)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.state not in allowed:
        raise DomainError(
            _("This batch is %(s)s; it cannot be %(step)s now.") % {"s": BatchState(batch.state).label, "step": step},
            code="conflict",
        )
    before = batch.state
    batch.state = to
    return batch, before


@transaction.atomic
def submit_batch(*, actor: Actor, batch: Batch) -> Batch:
    batch, before = _transition(
        actor=actor,
        batch=batch,
        allowed=(BatchState.DRAFT,),
        to=BatchState.SUBMITTED,
        perm=Perm.PREPARE_BATCHES,
        step=_("submitted"),
    )
    if not batch.lines.filter(state=LineState.PENDING).exists():
        raise DomainError(_("The batch has no lines to pay."), code="conflict")
    batch.submitted_by, batch.submitted_at = user_of(actor), timezone.now()
    batch.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=batch, changes={"state": [before, batch.state]})
    return batch


@transaction.atomic
def return_batch(*, actor: Actor, batch: Batch, reason: str) -> Batch:
    """Back to draft for corrections (by the approver, with a reason)."""
    batch, before = _transition(
        actor=actor,
        batch=batch,
        allowed=(BatchState.SUBMITTED,),
        to=BatchState.DRAFT,
        perm=Perm.APPROVE_BATCHES,
        step=_("returned"),
    )
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    batch.save()
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=batch,
        changes={"state": [before, batch.state]},
        detail={"reason": reason.strip()},
    )
    return batch


@transaction.atomic
def approve_batch(*, actor: Actor, batch: Batch) -> Batch:
    """Separation of duties: whoever prepared a batch may not approve it — checked before the
    state, so the preparer hears that (403), not that someone else got there first (409)."""
    require(actor, Perm.APPROVE_BATCHES)
    prepared_by = Batch.objects.filter(pk=batch.pk).values_list("prepared_by_id", flat=True).first()
    if prepared_by == getattr(actor, "pk", None):
        raise DomainError(_("You prepared this batch, so someone else must approve it."), code="forbidden")
    batch, before = _transition(
        actor=actor,
        batch=batch,
        allowed=(BatchState.SUBMITTED,),
        to=BatchState.APPROVED,
        perm=Perm.APPROVE_BATCHES,
        step=_("approved"),
    )
    batch.approved_by, batch.approved_at = user_of(actor), timezone.now()
    batch.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=batch, changes={"state": [before, batch.state]})
    return batch


@transaction.atomic
def remove_line(*, actor: Actor, line: BatchLine, reason: str) -> BatchLine:
    """Lines change only while the batch is a draft; a removed line stays, marked, with why."""
    require(actor, Perm.PREPARE_BATCHES)
    batch = Batch.objects.select_for_update().get(pk=line.batch_id)
    if batch.state != BatchState.DRAFT:
        raise DomainError(_("Lines change only while the batch is a draft."), code="conflict")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    line = BatchLine.objects.get(pk=line.pk)
    if line.state != LineState.PENDING:
        raise DomainError(_("This line is no longer to pay."), code="conflict")
    line.state, line.failure_reason = LineState.REMOVED, reason.strip()[:200]
    line.save(update_fields=["state", "failure_reason"])
    refresh_totals(batch)
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=batch,
        changes={"line": [str(line.model_worker_id), None]},
        model_worker_id=line.model_worker_id,
        detail={"reason": line.failure_reason},
    )
    return line


@transaction.atomic
def close_batch(*, actor: Actor, batch: Batch) -> Batch:
    batch, before = _transition(
        actor=actor,
        batch=batch,
        allowed=(BatchState.PAID, BatchState.PARTLY_FAILED),
        to=BatchState.CLOSED,
        perm=Perm.PREPARE_BATCHES,
        step=_("closed"),
    )
    batch.closed_at = timezone.now()
    batch.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=batch, changes={"state": [before, batch.state]})
    return batch
