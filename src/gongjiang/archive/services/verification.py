"""The federation's verification of the records unions submit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor
from gongjiang.archive.enums import Verification
from gongjiang.archive.models import ModelWorker
from gongjiang.core.errors import DomainError


def _require_verify(actor: Actor, worker: ModelWorker) -> ModelWorker:
    if not (permissions.has_perm(actor, permissions.Perm.VERIFY_RECORDS) and permissions.may_see_worker(actor, worker)):
        raise PermissionDenied(_("You may not verify records."))
    worker = ModelWorker.objects.select_for_update().get(pk=worker.pk)
    if worker.verification != Verification.PENDING or worker.is_archived:
        raise DomainError(_("This record is not awaiting verification."), code="conflict")
    return worker


def verified_holder(worker: ModelWorker) -> ModelWorker | None:
    """The verified record that already has this record's ID number, if any."""
    if not worker.id_number:
        return None
    return (
        ModelWorker.objects.filter(id_number=worker.id_number, verification=Verification.CONFIRMED)
        .exclude(pk=worker.pk)
        .first()
    )


@transaction.atomic
def confirm_model_worker(*, actor: Actor, worker: ModelWorker) -> ModelWorker:
    """The federation has checked a union's record: it counts from now on (statistics and
    treatment). A record whose ID number a verified record has is not confirmed: it is merged
    into that record, or rejected."""
    worker = _require_verify(actor, worker)
    holder = verified_holder(worker)
    if holder is not None:
        raise DomainError(
            _("Record %(n)s (%(name)s, %(union)s) already has this ID number: merge this record into it, or reject it.")
            % {"n": holder.pk, "name": holder.name, "union": holder.union.name},
            code="conflict",
        )
    worker.verification = Verification.CONFIRMED
    worker.version += 1
    worker.save(update_fields=["verification", "version", "updated_at"])
    record(
        actor=actor,
        action=AuditAction.CONFIRM,
        obj=worker,
        changes={"verification": [Verification.PENDING, Verification.CONFIRMED]},
    )
    return worker


@transaction.atomic
def reject_model_worker(*, actor: Actor, worker: ModelWorker, reason: str) -> ModelWorker:
    """Not accepted: the record is archived with the reason (kept, never deleted); the union
    sees why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason.")]})
    worker = _require_verify(actor, worker)
    worker.verification = Verification.REJECTED
    worker.archived_at = timezone.now()
    worker.archive_reason = reason[:200]
    worker.version += 1
    worker.save(update_fields=["verification", "archived_at", "archive_reason", "version", "updated_at"])
    record(
        actor=actor,
        action=AuditAction.ARCHIVE,
        obj=worker,
        changes={"verification": [Verification.PENDING, Verification.REJECTED]},
        detail={"reason": worker.archive_reason},
    )
    return worker
