"""Undoing an import while nothing else has touched its records."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts.audit import build, mask_changes, record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import AuditEntry
from gongjiang.accounts.permissions import Actor, user_of
from gongjiang.archive.fields import ROSTER_UPDATE_FIELDS
from gongjiang.archive.models import Honour, ModelWorker
from gongjiang.archive.services import employer_named
from gongjiang.core.errors import DomainError
from gongjiang.core.pinyin import name_keys
from gongjiang.rosters import planner
from gongjiang.rosters.models import (
    ImportedRecord,
    ImportStatus,
    RosterImport,
)
from gongjiang.rosters.permissions import require_own
from gongjiang.rosters.services.applying import plain, refresh_levels


@transaction.atomic
def undo(*, actor: Actor, ri: RosterImport) -> None:
    """Reverse an applied import, while nothing else has changed its records since.

    Records it created are archived (not deleted: the log points at them); the values it
    changed go back; the honours it added are voided.
    """
    require_own(actor, ri)
    ri = RosterImport.objects.select_for_update().get(pk=ri.pk)
    if ri.status != ImportStatus.APPLIED:
        raise DomainError(_("Only an applied import can be undone."), code="conflict")
    effects = list(ImportedRecord.objects.filter(roster_import=ri).select_related("worker"))
    ids = [e.worker_id for e in effects]
    touched = set()
    for chunk in planner.chunks(ids):
        touched |= set(
            AuditEntry.objects.filter(model_worker_id__in=chunk, at__gt=ri.applied_at)
            .exclude(detail__import=ri.pk)
            .values_list("model_worker_id", flat=True)
        )
    touched |= {e.worker_id for e in effects if e.worker.version != e.version_after}
    if touched:
        first = [pk for pk in touched if pk is not None][:5]
        names = ModelWorker.objects.filter(pk__in=first).values_list("name", flat=True)
        raise DomainError(
            _("%(n)s of its records were changed after the import (%(names)s…); undo would overwrite that work.")
            % {"n": len(touched), "names": "、".join(names)},
            code="conflict",
        )
    now = timezone.now()
    reason = _("Undo of import #%(n)s") % {"n": ri.pk}
    honour_ids = [h for e in effects for h in e.honours]
    for chunk in planner.chunks(honour_ids):
        for h in Honour.objects.filter(pk__in=chunk, voided_at__isnull=True):
            h.voided_at, h.void_reason = now, reason
            h.save(update_fields=["voided_at", "void_reason", "updated_at"])
    entries = []
    workers = []
    for e in effects:
        w = e.worker
        changes: dict[str, Any]
        if e.created:
            w.archived_at, w.archive_reason = now, reason
            changes = {"archived_at": [None, now.isoformat()]}
        else:
            changes = {}
            for key, value in e.before.items():
                if key == "employer":
                    employer = employer_named(value) if value else None
                    changes[key] = [w.employer.name if w.employer else "", value]
                    w.employer = employer
                elif key == "union":
                    changes[key] = [w.union_id, value]
                    w.union_id = value
                elif key == "archived_at":
                    w.archived_at, w.archive_reason = now, reason
                    changes[key] = [None, now.isoformat()]
                else:
                    field: Any = ModelWorker._meta.get_field(key)
                    old = field.to_python(value) if value not in (None, "") else (None if field.null else "")
                    changes[key] = [plain(getattr(w, key)), value]
                    setattr(w, key, old)
                    if key == "name":
                        w.name_pinyin, w.name_initials = name_keys(w.name)
                    if key == "id_number":
                        w.id_last4 = (w.id_number or "")[-4:]
        w.version += 1
        workers.append(w)
        entries.append(
            build(actor=actor, action=AuditAction.UNDO, obj=w, changes=mask_changes(changes), detail={"import": ri.pk})
        )
    fields = ROSTER_UPDATE_FIELDS
    ModelWorker.objects.bulk_update(workers, fields, batch_size=500)
    refresh_levels(workers)
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
    ri.status = ImportStatus.UNDONE
    ri.undone_at, ri.undone_by = now, user_of(actor)
    ri.save(update_fields=["status", "undone_at", "undone_by"])
    record(
        actor=actor,
        action=AuditAction.UNDO,
        obj=ri,
        object_repr=ri.original_name,
        detail={"records": len(effects), "honours_voided": len(honour_ids)},
    )
