"""The ledger: append-only; a correction is a reversing entry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor, require, user_of
from gongjiang.benefits.enums import LedgerKind
from gongjiang.benefits.models import (
    LedgerEntry,
)
from gongjiang.core.errors import DomainError

Perm = permissions.Perm


LEDGER_COLUMNS = [
    "model_worker_id",
    "scheme_id",
    "period",
    "kind",
    "amount",
    "level",
    "paid_on",
    "line_id",
    "reverses_id",
    "reference",
    "reason",
    "created_at",
    "created_by_id",
]


def reverse(actor: Actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    if entry.kind != LedgerKind.PAYMENT:
        raise DomainError(_("Only a payment can be reversed."), code="conflict")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise DomainError(_("This payment has already been reversed."), code="conflict")
    reversal = LedgerEntry.objects.create(
        model_worker_id=entry.model_worker_id,
        scheme_id=entry.scheme_id,
        period=entry.period,
        kind=LedgerKind.REVERSAL,
        amount=-entry.amount,
        level=entry.level,
        paid_on=timezone.localdate(),
        reverses=entry,
        reason=reason[:200],
        created_by=user_of(actor),
    )
    record(
        actor=actor,
        action=AuditAction.REVOKE,
        obj=reversal.model_worker,
        object_type="benefits.ledgerentry",
        object_id=reversal.pk,
        object_repr=f"{entry.scheme} {entry.period:%Y-%m} {entry.amount}",
        detail={"reverses": entry.pk, "reason": reason},
    )
    return reversal


@transaction.atomic
def reverse_entry(*, actor: Actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """A correction is a reversing entry with a reason; the person-period is owed again."""
    require(actor, Perm.APPROVE_BATCHES)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    return reverse(actor, entry, reason.strip())
