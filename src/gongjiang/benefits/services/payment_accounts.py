"""A person's bank accounts and the holds on their treatment."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor
from gongjiang.archive.models import ModelWorker
from gongjiang.benefits.models import (
    PaymentAccount,
    TreatmentHold,
)
from gongjiang.benefits.permissions import may_change_treatment, may_reveal_account

Perm = permissions.Perm


def _require_person(actor: Actor, worker: ModelWorker) -> None:
    if not may_change_treatment(actor, worker):
        raise PermissionDenied(_("You may not change this person's treatment."))


@transaction.atomic
def set_account(
    *, actor: Actor, worker: ModelWorker, bank: str, account_number: str, holder: str, valid_from: dt.date
) -> PaymentAccount:
    """A new account for future payments; the previous one ends the day before."""
    _require_person(actor, worker)
    number = "".join((account_number or "").split())
    errors = {}
    if not (bank or "").strip():
        errors["bank"] = [_("Enter the bank.")]
    if not number.isdigit() or not 12 <= len(number) <= 30:
        errors["account_number"] = [_("An account number has 12 to 30 digits.")]
    if not (holder or "").strip():
        errors["holder"] = [_("Enter the account holder.")]
    if errors:
        raise ValidationError(errors)
    current = PaymentAccount.objects.select_for_update().filter(model_worker=worker, ended_on__isnull=True).first()
    if current:
        if valid_from <= current.valid_from:
            raise ValidationError(
                {
                    "valid_from": [
                        _("The new account must start after the current one (%(d)s).") % {"d": current.valid_from}
                    ]
                }
            )
        current.ended_on = valid_from - dt.timedelta(days=1)
        current.save(update_fields=["ended_on"])
    account = PaymentAccount.objects.create(
        model_worker=worker, bank=bank.strip(), account_number=number, holder=holder.strip(), valid_from=valid_from
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=worker,
        object_type="benefits.paymentaccount",
        object_id=account.pk,
        object_repr=str(account),
        changes={"account": [str(current) if current else None, str(account)]},
    )
    return account


def reveal_account(*, actor: Actor, account: PaymentAccount) -> str:
    if not may_reveal_account(actor, account.model_worker):
        raise PermissionDenied(_("You may not see account numbers unmasked."))
    record(
        actor=actor,
        action=AuditAction.REVEAL,
        obj=account.model_worker,
        object_type="benefits.paymentaccount",
        object_id=account.pk,
        object_repr=str(account),
        detail={"field": "account_number"},
    )
    return account.account_number


@transaction.atomic
def add_hold(
    *,
    actor: Actor,
    worker: ModelWorker,
    reason: str,
    starts_on: dt.date,
    note: str = "",
    ends_on: dt.date | None = None,
) -> TreatmentHold:
    _require_person(actor, worker)
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The end is before the start.")]})
    hold = TreatmentHold.objects.create(
        model_worker=worker, reason=reason, starts_on=starts_on, ends_on=ends_on, note=note[:200]
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=worker,
        object_type="benefits.treatmenthold",
        object_id=hold.pk,
        object_repr=str(hold),
        changes={"hold": [None, f"{hold} {note}".strip()]},
    )
    return hold


@transaction.atomic
def end_hold(*, actor: Actor, hold: TreatmentHold, ends_on: dt.date) -> TreatmentHold:
    _require_person(actor, hold.model_worker)
    if ends_on < hold.starts_on:
        raise ValidationError({"ends_on": [_("The end is before the start.")]})
    before = hold.ends_on
    hold.ends_on = ends_on
    hold.save(update_fields=["ends_on"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=hold.model_worker,
        object_type="benefits.treatmenthold",
        object_id=hold.pk,
        object_repr=str(hold),
        changes={"ends_on": [before.isoformat() if before else None, ends_on.isoformat()]},
    )
    return hold


def current_accounts(worker_ids) -> dict[int, tuple[str, str, str]]:
    out = {}
    ids = list(worker_ids)
    for i in range(0, len(ids), 900):
        for wid, bank, number, holder in PaymentAccount.objects.filter(
            model_worker_id__in=ids[i : i + 900], ended_on__isnull=True
        ).values_list("model_worker_id", "bank", "account_number", "holder"):
            out[wid] = (bank, number, holder)
    return out
