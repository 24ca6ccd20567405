"""Treatment's answers to archive signals."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from gongjiang.archive.signals import records_merged
from gongjiang.benefits.models import BatchLine, LedgerEntry, PaymentAccount, TreatmentHold
from gongjiang.core.errors import DomainError


@receiver(records_merged, dispatch_uid="benefits.records_merged")
def move_treatment(sender, *, actor, keep, other, **kwargs):
    """Accounts and holds follow the person. Payments cannot: the ledger is never changed, and
    counting the same person's periods on two records would pay them twice."""

    if LedgerEntry.objects.filter(model_worker=other).exists() or BatchLine.objects.filter(model_worker=other).exists():
        raise DomainError(
            _(
                "The record to merge has treatment paid or being paid; the ledger cannot be moved. "
                "Ask the treatment staff to settle it first."
            ),
            code="conflict",
        )
    if not PaymentAccount.objects.filter(model_worker=keep).exists():
        PaymentAccount.objects.filter(model_worker=other).update(model_worker=keep)
    TreatmentHold.objects.filter(model_worker=other).update(model_worker=keep)
