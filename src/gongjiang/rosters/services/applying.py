"""Carrying out a confirmed plan against the archive, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts.audit import build_values, mask_changes, record, write_many
from gongjiang.accounts.enums import AuditAction, SecurityEventKind
from gongjiang.accounts.permissions import Actor
from gongjiang.archive.enums import Verification
from gongjiang.archive.fields import ROSTER_UPDATE_FIELDS
from gongjiang.archive.models import Honour, ModelWorker
from gongjiang.archive.services import highest_level_of, submitted_verification
from gongjiang.core import bulk
from gongjiang.core.errors import DomainError
from gongjiang.core.pinyin import name_keys
from gongjiang.rosters import planner
from gongjiang.rosters.models import (
    ImportedRecord,
    ImportRow,
    ImportStatus,
    RosterImport,
    RowAction,
)
from gongjiang.rosters.services.review import sheet_unions, stored_drafts


def _decisions(ri: RosterImport) -> dict[int, str]:
    return dict(
        ImportRow.objects.filter(roster_import=ri, action=RowAction.CANDIDATE)
        .exclude(decision="")
        .values_list("person", "decision")
        .distinct()
    )


def apply(
    ri: RosterImport, *, actor: Actor | None = None, progress: Callable[[int, int], None] | None = None, attempt=None
) -> dict[str, int]:
    """Carry out the plan against the archive as it is now, in one transaction.

    ``attempt`` is the job applying it: only the import's current job may (a job retried after
    its worker was thought gone must not apply the import a second time)."""
    who: Actor | None = actor or ri.applied_by or ri.created_by
    drafts = stored_drafts(ri)
    if progress:
        progress(len(drafts), 3 * len(drafts) + 1)
    with transaction.atomic():
        ri = RosterImport.objects.select_for_update().get(pk=ri.pk)
        if ri.status != ImportStatus.APPLYING or (attempt is not None and ri.job_id != attempt):
            raise DomainError(_("This import is not being applied."), code="conflict")
        plan = planner.plan_rows(
            actor=who,
            rows=drafts,
            default_union=ri.default_union,
            decisions=_decisions(ri),
            sheet_unions=sheet_unions(ri),
        )
        counts = _carry_out(ri, plan, who)
        _refresh_rows(ri, plan)
        ri.counts = {**plan.counts(), **counts}
        ri.status = ImportStatus.APPLIED
        ri.applied_at = timezone.now()
        ri.save()
        record(
            actor=who,
            action=AuditAction.IMPORT,
            obj=ri,
            object_repr=ri.original_name,
            detail={"step": "apply", **{k: v for k, v in ri.counts.items() if not k.startswith("people_")}},
        )
    if progress:
        progress(3 * len(drafts) + 1, 3 * len(drafts) + 1)
    return ri.counts


def _carry_out(ri: RosterImport, plan: planner.Plan, actor: Actor | None) -> dict[str, int]:
    new_people = [p for p in plan.people if p.action == RowAction.NEW]
    changed = [p for p in plan.people if p.action == RowAction.UPDATE]
    names = {e for p in new_people + changed if (e := p.data.get("employer"))}
    union_of_employer = {e: p.data.get("union") for p in new_people if (e := p.data.get("employer"))}
    employers = planner.employer_ids(names, union_of_employer)
    now = timezone.now()
    entries: list[dict] = []
    effects: list[tuple] = []
    # A union's new records (and new ID numbers) wait for the federation to verify them.
    verification = submitted_verification(actor)

    # New people, with their honours.
    workers = []
    for p in new_people:
        d = p.data
        w = ModelWorker(
            name=d["name"],
            sex=d["sex"],
            birth_date=d["birth_date"],
            id_number=d.get("id_number") or None,
            ethnicity=d.get("ethnicity") or "01",
            political_affiliation=d.get("political_affiliation") or "",
            education=d.get("education") or "",
            employer_id=employers.get(d.get("employer") or ""),
            position=d.get("position") or "",
            title_or_grade=d.get("title_or_grade") or "",
            front_line=bool(d.get("front_line")),
            union=d["union"],
            phone=d.get("phone") or "",
            address=d.get("address") or "",
            status=d.get("status") or "working",
            retired_on=d.get("retired_on"),
            died_on=d.get("died_on"),
            remarks=d.get("remarks") or "",
            verification=verification,
        )
        w.name_pinyin, w.name_initials = name_keys(w.name)
        w.id_last4 = (w.id_number or "")[-4:]
        # The plan never adds a revoked honour (planner._check_honours refuses one): all count.
        w.highest_level = highest_level_of((h.kind, h.level, None, None) for _r, h in p.new_honours)
        w.created_at = w.updated_at = now
        workers.append(w)
    for w, pk in zip(workers, bulk.reserve_ids(ModelWorker, len(workers)), strict=True):
        w.pk = pk
    bulk.insert_objects(ModelWorker, workers)

    # People who change.
    for p in changed:
        assert p.worker is not None  # a change is made to a person the plan found
        w = p.worker
        before: dict[str, Any] = {}
        for key, value in p.data.items():
            if key == "employer":
                before[key] = w.employer.name if w.employer else ""
                w.employer_id = employers.get(value)
            elif key == "union":
                before[key] = w.union_id
                w.union = value
            else:
                before[key] = plain(getattr(w, key))
                setattr(w, key, value)
                if key == "name":
                    w.name_pinyin, w.name_initials = name_keys(value)
                if key == "id_number":
                    w.id_last4 = value[-4:]
                    if verification == Verification.PENDING and w.verification != verification:
                        before["verification"] = w.verification
                        w.verification = verification
        if p.restore:
            assert w.archived_at is not None  # only an archived record is restored
            before["archived_at"] = w.archived_at.isoformat()
            w.archived_at, w.archive_reason = None, ""
        w.version += 1
        w.updated_at = now
        p.before = before
    fields = [*ROSTER_UPDATE_FIELDS, "updated_at"]
    changed_workers = [p.worker for p in changed if p.worker is not None]  # every one (see above)
    ModelWorker.objects.bulk_update(changed_workers, fields, batch_size=500)

    # Honours, then the highest level of those who gained one (written as plain rows: there
    # can be a hundred thousand of them).
    honours: list[list[Any]] = []
    for p, w in [*zip(new_people, workers, strict=True), *zip(changed, changed_workers, strict=True)]:
        extras = p.values.get("_honour_extras", {})
        for row, honour in p.new_honours:
            row_extras = row.values.get("_honour_extras", extras)
            honours.append(
                [
                    w.pk,
                    honour.title,
                    honour.kind,
                    honour.level,
                    honour.year,
                    row_extras.get("awarding_body", ""),
                    row_extras.get("document_number", ""),
                ]
            )
    for h, pk in zip(honours, bulk.reserve_ids(Honour, len(honours)), strict=True):
        h.insert(0, pk)
    bulk.insert(Honour, HONOUR_COLUMNS, ([*h, None, "", None, "", "", now, now] for h in honours))
    honour_ids: dict[int, list[int]] = {}
    for h in honours:
        honour_ids.setdefault(h[1], []).append(h[0])
    gained = [w for p, w in zip(changed, changed_workers, strict=True) if p.new_honours]
    refresh_levels(gained)

    # The record of it all: one audit entry per person, and what undo needs.
    for p, w in zip(new_people, workers, strict=True):
        changes = dict(p.changes)
        if p.new_honours:
            changes["honours"] = [None, "；".join(f"{h.year}年{h.title}" for _r, h in p.new_honours)]
        entries.append(
            build_values(
                actor=actor, action=AuditAction.CREATE, obj=w, changes=mask_changes(changes), detail={"import": ri.pk}
            )
        )
        effects.append((ri.pk, w.pk, True, {}, honour_ids.get(w.pk, []), w.version))
    for p, w in zip(changed, changed_workers, strict=True):
        changes = dict(p.changes)
        if p.new_honours:
            changes["honours"] = [None, "；".join(f"{h.year}年{h.title}" for _r, h in p.new_honours)]
        if p.restore:
            changes["archived_at"] = [p.before["archived_at"], None]
        entries.append(
            build_values(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=w,
                changes=mask_changes(changes),
                detail={"import": ri.pk},
            )
        )
        effects.append((ri.pk, w.pk, False, p.before, honour_ids.get(w.pk, []), w.version))
    # Each clash with a record outside the user's scope: a security event for the admin, not
    # attached to the record (whose history the union reads).
    for p, w in [*zip(new_people, workers, strict=True), *zip(changed, changed_workers, strict=True)]:
        if p.hidden_clash:
            entries.append(
                build_values(
                    actor=actor,
                    action=AuditAction.SECURITY,
                    object_type="archive.modelworker",
                    object_id=w.pk,
                    object_repr=w.name,
                    detail={
                        "kind": str(SecurityEventKind.HIDDEN_CLASH),
                        "submitted": w.pk,
                        "held_by": p.hidden_clash,
                        "import": ri.pk,
                    },
                )
            )
    write_many(entries)
    bulk.insert(ImportedRecord, EFFECT_COLUMNS, effects)
    return {"created_people": len(new_people), "updated_people": len(changed), "honours_added": len(honours)}


HONOUR_COLUMNS = [
    "id",
    "model_worker_id",
    "title",
    "kind",
    "level",
    "year",
    "awarding_body",
    "document_number",
    "revoked_on",
    "revocation_reason",
    "voided_at",
    "void_reason",
    "remarks",
    "created_at",
    "updated_at",
]


EFFECT_COLUMNS = ["roster_import_id", "worker_id", "created", "before", "honours", "version_after"]


def plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def refresh_levels(workers: list[ModelWorker]) -> None:
    if not workers:
        return
    by_worker: dict[int, list] = {w.pk: [] for w in workers}
    for chunk in planner.chunks(list(by_worker)):
        for wid, kind, level, revoked_on, voided_at in Honour.objects.filter(model_worker_id__in=chunk).values_list(
            "model_worker_id", "kind", "level", "revoked_on", "voided_at"
        ):
            by_worker[wid].append((kind, level, revoked_on, voided_at))
    for w in workers:
        w.highest_level = highest_level_of(by_worker[w.pk])
    ModelWorker.objects.bulk_update(workers, ["highest_level"], batch_size=1000)


def _refresh_rows(ri: RosterImport, plan: planner.Plan) -> None:
    """The preview may be stale (the archive changed since): record what really happened."""
    person_of = {id(r): p for p in plan.people for r in p.rows}
    final = {
        (r.sheet, r.row_number): (plan.row_action(r, person_of.get(id(r))), r.problems)
        for r in plan.rows
        if not r.empty
    }
    stale = []
    rows = ImportRow.objects.filter(roster_import=ri).values_list("id", "sheet", "row_number", "action", "problems")
    for pk, sheet, row_number, action, problems in rows.iterator(5000):
        new_action, new_problems = final.get((sheet, row_number), (action, problems))
        if new_action == RowAction.CANDIDATE:
            new_action = RowAction.SKIP
        if (new_action, new_problems) != (action, problems):
            stale.append(ImportRow(pk=pk, action=new_action, problems=new_problems))
    ImportRow.objects.bulk_update(stale, ["action", "problems"], batch_size=1000)
