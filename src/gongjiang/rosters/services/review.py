"""The plan under review: columns mapped again, confirmed, cancelled, or resumed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import Organisation, User
from gongjiang.accounts.permissions import Actor, user_of
from gongjiang.core.errors import DomainError
from gongjiang.rosters import columns as C
from gongjiang.rosters import planner
from gongjiang.rosters.models import (
    ImportMapping,
    ImportRow,
    ImportStatus,
    RosterImport,
)
from gongjiang.rosters.permissions import require_own


def stored_drafts(ri: RosterImport) -> list[planner.RowDraft]:
    """The rows as they were read for the preview (no need to read the file again)."""
    # The cells themselves are not needed again: what was read from them is in ``parsed``.
    rows = ImportRow.objects.filter(roster_import=ri).order_by("id").values_list("row_number", "parsed", "sheet")
    return [
        planner.RowDraft.load(i, n, [], parsed, sheet=sheet) for i, (n, parsed, sheet) in enumerate(rows.iterator(5000))
    ]


def sheet_unions(ri: RosterImport) -> dict[str, Organisation]:
    """The union each sheet was found to be named after, as the preview showed it."""
    named = {s["name"]: s["union"] for s in ri.sheets or [] if isinstance(s, dict) and s.get("union")}
    found = Organisation.objects.in_bulk(set(named.values()))
    return {name: found[pk] for name, pk in named.items() if pk in found}


@transaction.atomic
def remap(
    *, actor: User, ri: RosterImport, mapping: list[str], header_row: int | None = None, save_as: str = ""
) -> None:
    """The user corrected the columns (or the header row): keep it, optionally for next time."""
    require_own(actor, ri)
    if ri.status not in (ImportStatus.PARSED, ImportStatus.FAILED):
        raise DomainError(_("This import can no longer be changed."), code="conflict")
    valid = set(C.FIELDS)
    mapping = [m if m in valid else "" for m in mapping]
    used = [m for m in mapping if m]
    if len(used) != len(set(used)):
        raise ValidationError(_("Two columns are mapped to the same field."))
    if header_row and header_row != ri.header_row:
        ri.header_row = header_row
        ri.mapping, ri.mapping_source = [], ""  # a new header: detect the columns again
    else:
        ri.mapping, ri.mapping_source = mapping, "user"
        if save_as.strip():
            columns = {name: key for name, key in zip(ri.headers, mapping, strict=False) if name}
            ImportMapping.objects.update_or_create(
                signature=C.signature(ri.headers),
                defaults={
                    "name": save_as.strip()[:100],
                    "columns": columns,
                    "created_by": actor,
                    "last_used_at": timezone.now(),
                },
            )
    ri.status = ImportStatus.UPLOADED
    ri.save()


@transaction.atomic
def confirm(*, actor: Actor, ri: RosterImport, decisions: dict[int, str]) -> RosterImport:
    require_own(actor, ri)
    ri = RosterImport.objects.select_for_update().get(pk=ri.pk)
    if ri.status != ImportStatus.PARSED:
        raise DomainError(_("This import is not waiting for confirmation."), code="conflict")
    for person, decision in decisions.items():
        ImportRow.objects.filter(roster_import=ri, person=person).update(decision=decision)
    ri.status = ImportStatus.APPLYING
    ri.applied_by = user_of(actor)
    ri.save(update_fields=["status", "applied_by"])
    return ri


@transaction.atomic
def cancel(*, actor: Actor, ri: RosterImport) -> None:
    require_own(actor, ri)
    ri = RosterImport.objects.select_for_update().get(pk=ri.pk)
    if ri.status not in (ImportStatus.PARSED, ImportStatus.FAILED, ImportStatus.UPLOADED, ImportStatus.INTERRUPTED):
        raise DomainError(_("Only an import that was not applied can be cancelled."), code="conflict")
    ri.status = ImportStatus.CANCELLED
    ri.save(update_fields=["status"])
    record(actor=actor, action=AuditAction.IMPORT, obj=ri, detail={"step": "cancel"})


@transaction.atomic
def resume(*, actor: Actor, ri: RosterImport) -> str:
    """An interrupted import goes back to the step its worker did not finish: ``"parse"``
    (reading the file) or ``"apply"``. The caller starts that step again as a new job."""
    require_own(actor, ri)
    ri = RosterImport.objects.select_for_update().get(pk=ri.pk)
    if ri.status != ImportStatus.INTERRUPTED:
        raise DomainError(_("Only an interrupted import can be retried."), code="conflict")
    step = "apply" if ri.job is not None and ri.job.kind == "roster_apply" else "parse"
    ri.status = ImportStatus.APPLYING if step == "apply" else ImportStatus.UPLOADED
    ri.message = ""
    if step == "apply" and actor is not None:
        ri.applied_by = user_of(actor)
    ri.save(update_fields=["status", "message", "applied_by"])
    record(actor=actor, action=AuditAction.IMPORT, obj=ri, detail={"step": "retry", "retried": step})
    return step
