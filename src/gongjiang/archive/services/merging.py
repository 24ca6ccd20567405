"""Two records of one person made one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import diff, record, snapshot
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import User
from gongjiang.accounts.permissions import Actor
from gongjiang.archive.enums import Level
from gongjiang.archive.fields import FILLABLE_FIELDS, PERSON_FIELDS
from gongjiang.archive.models import FamilyMember, HardshipFile, Honour, ModelWorker
from gongjiang.archive.services.levels import refresh_highest_level
from gongjiang.archive.signals import records_merged
from gongjiang.core.errors import DomainError


@transaction.atomic
def merge_records(*, actor: Actor, keep: ModelWorker, other: ModelWorker) -> ModelWorker:
    """Make two records of one person one: ``other``'s honours, family, hardship file and user
    account move to ``keep``, and other apps move theirs (``signals.records_merged``); blanks in
    ``keep`` are filled from ``other``; ``other`` is archived as merged, and its history shows
    on ``keep``'s profile."""
    if not (
        permissions.has_perm(actor, permissions.Perm.ARCHIVE_RECORDS)
        and permissions.may_see_worker(actor, keep)
        and permissions.may_see_worker(actor, other)
    ):
        raise PermissionDenied(_("You may not merge records."))
    if keep.pk == other.pk:
        raise DomainError(_("A record cannot be merged with itself."), code="conflict")
    keep = ModelWorker.objects.select_for_update().get(pk=keep.pk)
    other = ModelWorker.objects.select_for_update().get(pk=other.pk)
    if keep.is_archived or other.is_archived:
        raise DomainError(_("Archived records cannot be merged."), code="conflict")
    if keep.id_number and other.id_number and keep.id_number != other.id_number:
        raise DomainError(_("The two records have different ID numbers: they are different people."), code="conflict")
    before = snapshot(keep, PERSON_FIELDS)
    # Honours: the other's move over, except those the kept record already has.
    have = {(h.year, h.level, h.kind) for h in keep.honours.filter(voided_at__isnull=True)}
    for h in other.honours.filter(voided_at__isnull=True):
        if (h.year, h.level, h.kind) in have:
            h.voided_at, h.void_reason = timezone.now(), _("Duplicate of an honour on record %(n)s") % {"n": keep.pk}
            h.save(update_fields=["voided_at", "void_reason", "updated_at"])
    Honour.objects.filter(model_worker=other).update(model_worker=keep)
    FamilyMember.objects.filter(model_worker=other).update(model_worker=keep)
    if not HardshipFile.objects.filter(model_worker=keep).exists():
        HardshipFile.objects.filter(model_worker=other).update(model_worker=keep)
    if not User.objects.filter(model_worker=keep).exists():
        User.objects.filter(model_worker=other).update(model_worker=keep)
    # Treatment, the 三创 platform, … move their own references (or refuse the merge).
    records_merged.send(sender=ModelWorker, actor=actor, keep=keep, other=other)
    # Blanks in the kept record are filled from the other.
    if other.id_number and not keep.id_number:
        number = other.id_number
        ModelWorker.objects.filter(pk=other.pk).update(id_number=None, id_last4="")
        keep.id_number, keep.id_last4 = number, number[-4:]
    for field in FILLABLE_FIELDS:
        if not getattr(keep, field) and getattr(other, field):
            setattr(keep, field, getattr(other, field))
    if not keep.photo and other.photo:
        keep.photo = other.photo
    keep.in_hardship = HardshipFile.objects.filter(model_worker=keep, is_active=True).exists()
    keep.version += 1
    keep.save()
    refresh_highest_level(keep)
    ModelWorker.objects.filter(pk=other.pk).update(
        archived_at=timezone.now(),
        archive_reason=(_("Merged into record %(n)s") % {"n": keep.pk})[:200],
        merged_into=keep,
        in_hardship=False,
        highest_level=Level.NONE,
        version=other.version + 1,
    )
    record(
        actor=actor,
        action=AuditAction.MERGE,
        obj=keep,
        changes=diff(before, snapshot(keep, PERSON_FIELDS)),
        detail={"merged": other.pk},
    )
    record(
        actor=actor,
        action=AuditAction.ARCHIVE,
        obj=other,
        detail={"merged_into": keep.pk, "reason": _("Merged into record %(n)s") % {"n": keep.pk}},
    )
    return keep
