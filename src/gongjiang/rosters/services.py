"""Importing rosters: upload, read in the background, preview, confirm, apply in one
transaction, undo while nothing else has touched the records; plus the error workbook and the
blank template."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import build, build_values, mask_changes, record, write_many
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import AuditEntry, Organisation
from gongjiang.archive.models import Honour, ModelWorker
from gongjiang.archive.services import highest_level_of
from gongjiang.core import bulk
from gongjiang.core.errors import DomainError
from gongjiang.core.pinyin import name_keys
from gongjiang.rosters import columns as C
from gongjiang.rosters import planner, reader
from gongjiang.rosters.models import (
    Decision,
    ImportedRecord,
    ImportMapping,
    ImportRow,
    ImportStatus,
    RosterImport,
    RowAction,
)

ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


def _require_import(actor) -> None:
    if actor is not None and not permissions.has_perm(actor, permissions.Perm.EDIT_RECORDS):
        raise PermissionDenied(_("You may not import rosters."))


def visible_imports(user):
    """Imports a user may open: their own; the federation sees all."""
    qs = RosterImport.objects.select_related("created_by", "default_union")
    if permissions.has_perm(user, permissions.Perm.VIEW_ALL_RECORDS):
        return qs
    return qs.filter(created_by=user)


# --- Upload and reading ----------------------------------------------------------------------


@transaction.atomic
def upload(*, actor, name: str, data: bytes, default_union: Organisation | None, via: str = "web") -> RosterImport:
    """Keep the file with who brought it; checks that need no parsing happen here, at once."""
    _require_import(actor)
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ValidationError({"file": [_("Upload an .xlsx, .xls, .ods or .csv file.")]})
    fmt = reader.detect_format(name, data[:8])
    try:
        reader.check_container(data, fmt)
    except reader.RosterFileError as e:
        raise ValidationError({"file": [str(e)]}) from None
    if actor is not None and default_union is not None and not permissions.may_use_union(actor, default_union):
        raise ValidationError({"default_union": [_("You may only import into your own union.")]})
    if actor is not None and default_union is None and permissions.union_scope(actor) is not None:
        scope = permissions.union_scope(actor)
        default_union = Organisation.objects.filter(pk__in=scope, kind="grassroots").first()
    ri = RosterImport(
        created_by=actor,
        original_name=name[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        file_format=fmt,
        default_union=default_union,
        via=via,
    )
    ri.file.save("roster", ContentFile(data), save=False)
    ri.save()
    record(
        actor=actor,
        action=AuditAction.IMPORT,
        obj=ri,
        object_repr=ri.original_name,
        detail={"step": "upload", "bytes": len(data), "sha256": ri.sha256},
    )
    return ri


def _json_cell(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    return value


def parse(ri: RosterImport, *, progress: Callable[[int, int], None] | None = None) -> RosterImport:
    """Read the file, find the header and the columns, plan every row; store the preview."""
    with ri.file.open("rb") as fh:
        data = fh.read()
    try:
        grid, _fmt = reader.read(data, ri.original_name, ri.sheet or None)
    except reader.RosterFileError as e:
        return _fail(ri, str(e))
    ri.sheet, ri.sheets, ri.encoding = grid.sheet, grid.sheets, grid.encoding
    header = None
    if ri.header_row:  # chosen by the user in the preview
        index = ri.header_row - 1
        if index < len(grid.rows):
            names = [C.normalise_header(c) for c in grid.rows[index]]
            header = C.Header(index, 1, names, [C.field_for(n) for n in names])
    else:
        header = C.find_header(grid.rows)
    if header is None:
        # Offer the first filled row as the header, so the user can name its columns.
        first = next(
            (i for i, row in enumerate(grid.rows[: C.SCAN_ROWS]) if sum(c is not None for c in row) >= 2), None
        )
        if first is None:
            return _fail(ri, _("The sheet is empty."))
        names = [C.normalise_header(c) for c in grid.rows[first]]
        if not ImportMapping.objects.filter(signature=C.signature(names)).exists():
            ri.header_row, ri.header_rows, ri.headers, ri.mapping = first + 1, 1, names, [""] * len(names)
            return _fail(ri, _("The columns were not recognised: choose below which field each column holds."))
        header = C.Header(first, 1, names, [None] * len(names))  # a saved mapping knows these headers
    ri.header_row, ri.header_rows, ri.headers = header.row + 1, header.rows, header.names
    if ri.mapping_source != "user" or len(ri.mapping) != len(header.names):
        saved = ImportMapping.objects.filter(signature=C.signature(header.names)).first()
        if saved:
            ri.mapping = [saved.columns.get(n, "") for n in header.names]
            ri.mapping_source = saved.name
            ImportMapping.objects.filter(pk=saved.pk).update(last_used_at=timezone.now())
        else:
            ri.mapping = [f or "" for f in header.fields]
            ri.mapping_source = "detected"
    if not any(ri.mapping):
        return _fail(ri, _("None of the columns could be matched to a field."))
    drafts = []
    data_rows = grid.rows[header.row + 1 :]
    total = 2 * len(data_rows) + 1  # reading the rows is half the work, planning and storing the rest
    for offset, cells in enumerate(data_rows):
        draft = planner.RowDraft(index=offset, row_number=header.row + 2 + offset, cells=[_json_cell(c) for c in cells])
        planner.read_row(draft, ri.mapping, ri.headers)
        drafts.append(draft)
        if progress and offset % 2000 == 0:
            progress(offset, total)
    del grid, data_rows, data  # the rows live on in the drafts: keep one copy in memory, not three
    if progress:
        progress(len(drafts), total)
    plan = planner.plan_rows(actor=ri.created_by, rows=drafts, default_union=ri.default_union)
    _store_rows(ri, plan)
    ri.counts = plan.counts()
    ri.status = ImportStatus.PARSED
    ri.message = ""
    ri.save()
    if progress:
        progress(total, total)
    return ri


def _fail(ri: RosterImport, message: str) -> RosterImport:
    ri.status = ImportStatus.FAILED
    ri.message = str(message)
    ri.save()
    return ri


ROW_COLUMNS = [
    "roster_import_id",
    "row_number",
    "person",
    "cells",
    "action",
    "problems",
    "changes",
    "worker_id",
    "candidate_id",
    "decision",
    "parsed",
]


def _store_rows(ri: RosterImport, plan: planner.Plan) -> None:
    """The preview, one row per data row (bulk-written: a roster can have 100,000 rows)."""
    ImportRow.objects.filter(roster_import=ri).delete()  # the previous preview of this import
    person_of = {id(r): p for p in plan.people for r in p.rows}

    def rows():
        for row in plan.rows:
            if row.empty:
                continue
            person = person_of.get(id(row))
            changes = dict(person.changes) if person is not None and person.rows and person.rows[0] is row else {}
            if person is not None:
                added = [f"{h.year}年{h.title}" for r, h in person.new_honours if r is row]
                if added:
                    changes["honours"] = added
            yield (
                ri.pk,
                row.row_number,
                person.number if person else 0,
                row.cells,
                plan.row_action(row, person),
                row.problems,
                changes,
                person.worker.pk if person and person.worker else None,
                person.candidate.pk if person and person.candidate else None,
                "",
                row.dump(),
            )

    with transaction.atomic():
        bulk.insert(ImportRow, ROW_COLUMNS, rows())


def stored_drafts(ri: RosterImport) -> list[planner.RowDraft]:
    """The rows as they were read for the preview (no need to read the file again)."""
    # The cells themselves are not needed again: what was read from them is in ``parsed``.
    rows = ImportRow.objects.filter(roster_import=ri).order_by("row_number").values_list("row_number", "parsed")
    return [planner.RowDraft.load(i, n, [], parsed) for i, (n, parsed) in enumerate(rows.iterator(5000))]


@transaction.atomic
def remap(*, actor, ri: RosterImport, mapping: list[str], header_row: int | None = None, save_as: str = "") -> None:
    """The user corrected the columns (or the header row): keep it, optionally for next time."""
    _require_own(actor, ri)
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


def _require_own(actor, ri: RosterImport) -> None:
    if actor is None:
        return
    _require_import(actor)
    if ri.created_by_id != actor.pk and not permissions.has_perm(actor, permissions.Perm.VIEW_ALL_RECORDS):
        raise PermissionDenied(_("This import belongs to someone else."))


@transaction.atomic
def confirm(*, actor, ri: RosterImport, decisions: dict[int, str]) -> RosterImport:
    _require_own(actor, ri)
    ri = RosterImport.objects.select_for_update().get(pk=ri.pk)
    if ri.status != ImportStatus.PARSED:
        raise DomainError(_("This import is not waiting for confirmation."), code="conflict")
    for person, decision in decisions.items():
        ImportRow.objects.filter(roster_import=ri, person=person).update(decision=decision)
    ri.status = ImportStatus.APPLYING
    ri.applied_by = actor
    ri.save(update_fields=["status", "applied_by"])
    return ri


@transaction.atomic
def cancel(*, actor, ri: RosterImport) -> None:
    _require_own(actor, ri)
    if ri.status not in (ImportStatus.PARSED, ImportStatus.FAILED, ImportStatus.UPLOADED):
        raise DomainError(_("Only an import that was not applied can be cancelled."), code="conflict")
    ri.status = ImportStatus.CANCELLED
    ri.save(update_fields=["status"])
    record(actor=actor, action=AuditAction.IMPORT, obj=ri, detail={"step": "cancel"})


# --- Applying ---------------------------------------------------------------------------------


def _decisions(ri: RosterImport) -> dict[int, str]:
    return dict(
        ImportRow.objects.filter(roster_import=ri, action=RowAction.CANDIDATE)
        .exclude(decision="")
        .values_list("person", "decision")
        .distinct()
    )


def apply(ri: RosterImport, *, actor=None, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Carry out the plan against the archive as it is now, in one transaction."""
    actor = actor or ri.applied_by or ri.created_by
    drafts = stored_drafts(ri)
    if progress:
        progress(len(drafts), 3 * len(drafts) + 1)
    with transaction.atomic():
        ri = RosterImport.objects.select_for_update().get(pk=ri.pk)
        if ri.status != ImportStatus.APPLYING:
            raise DomainError(_("This import is not being applied."), code="conflict")
        plan = planner.plan_rows(actor=actor, rows=drafts, default_union=ri.default_union, decisions=_decisions(ri))
        counts = _carry_out(ri, plan, actor)
        _refresh_rows(ri, plan)
        ri.counts = {**plan.counts(), **counts}
        ri.status = ImportStatus.APPLIED
        ri.applied_at = timezone.now()
        ri.save()
        record(
            actor=actor,
            action=AuditAction.IMPORT,
            obj=ri,
            object_repr=ri.original_name,
            detail={"step": "apply", **{k: v for k, v in ri.counts.items() if not k.startswith("people_")}},
        )
    if progress:
        progress(3 * len(drafts) + 1, 3 * len(drafts) + 1)
    return ri.counts


def _carry_out(ri: RosterImport, plan: planner.Plan, actor) -> dict[str, int]:
    new_people = [p for p in plan.people if p.action == RowAction.NEW]
    changed = [p for p in plan.people if p.action == RowAction.UPDATE]
    names = {p.data.get("employer") for p in new_people + changed if p.data.get("employer")}
    union_of_employer = {p.data.get("employer"): p.data.get("union") for p in new_people if p.data.get("employer")}
    employers = planner.employer_ids(names, union_of_employer)
    now = timezone.now()
    entries: list[dict] = []
    effects: list[tuple] = []

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
            employer_id=employers.get(d.get("employer")),
            position=d.get("position") or "",
            title_or_grade=d.get("title_or_grade") or "",
            union=d["union"],
            phone=d.get("phone") or "",
            address=d.get("address") or "",
            status=d.get("status") or "working",
            retired_on=d.get("retired_on"),
            died_on=d.get("died_on"),
            remarks=d.get("remarks") or "",
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
        w = p.worker
        before = {}
        for key, value in p.data.items():
            if key == "employer":
                before[key] = w.employer.name if w.employer else ""
                w.employer_id = employers.get(value)
            elif key == "union":
                before[key] = w.union_id
                w.union = value
            else:
                before[key] = _plain(getattr(w, key))
                setattr(w, key, value)
                if key == "name":
                    w.name_pinyin, w.name_initials = name_keys(value)
                if key == "id_number":
                    w.id_last4 = value[-4:]
        if p.restore:
            before["archived_at"] = w.archived_at.isoformat()
            w.archived_at, w.archive_reason = None, ""
        w.version += 1
        w.updated_at = now
        p.before = before
    fields = [
        "name",
        "name_pinyin",
        "name_initials",
        "sex",
        "ethnicity",
        "birth_date",
        "id_number",
        "id_last4",
        "political_affiliation",
        "education",
        "employer",
        "position",
        "title_or_grade",
        "union",
        "phone",
        "address",
        "status",
        "retired_on",
        "died_on",
        "remarks",
        "archived_at",
        "archive_reason",
        "version",
        "updated_at",
    ]
    ModelWorker.objects.bulk_update([p.worker for p in changed], fields, batch_size=500)

    # Honours, then the highest level of those who gained one (written as plain rows: there
    # can be a hundred thousand of them).
    honours = []
    for p, w in [*zip(new_people, workers, strict=True), *((p, p.worker) for p in changed)]:
        extras = p.values.get("_honour_extras", {})
        for row, h in p.new_honours:
            row_extras = row.values.get("_honour_extras", extras)
            honours.append(
                [
                    w.pk,
                    h.title,
                    h.kind,
                    h.level,
                    h.year,
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
    gained = [p.worker for p in changed if p.new_honours]
    _refresh_levels(gained)

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
    for p in changed:
        changes = dict(p.changes)
        if p.new_honours:
            changes["honours"] = [None, "；".join(f"{h.year}年{h.title}" for _r, h in p.new_honours)]
        if p.restore:
            changes["archived_at"] = [p.before["archived_at"], None]
        entries.append(
            build_values(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=p.worker,
                changes=mask_changes(changes),
                detail={"import": ri.pk},
            )
        )
        effects.append((ri.pk, p.worker.pk, False, p.before, honour_ids.get(p.worker.pk, []), p.worker.version))
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


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _refresh_levels(workers: list[ModelWorker]) -> None:
    if not workers:
        return
    by_worker: dict[int, list] = {w.pk: [] for w in workers}
    for chunk in planner._chunks(list(by_worker)):
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
    final = {r.row_number: (plan.row_action(r, person_of.get(id(r))), r.problems) for r in plan.rows if not r.empty}
    stale = []
    for pk, row_number, action, problems in (
        ImportRow.objects.filter(roster_import=ri).values_list("id", "row_number", "action", "problems").iterator(5000)
    ):
        new_action, new_problems = final.get(row_number, (action, problems))
        if new_action == RowAction.CANDIDATE:
            new_action = RowAction.SKIP
        if (new_action, new_problems) != (action, problems):
            stale.append(ImportRow(pk=pk, action=new_action, problems=new_problems))
    ImportRow.objects.bulk_update(stale, ["action", "problems"], batch_size=1000)


# --- Undo -------------------------------------------------------------------------------------


@transaction.atomic
def undo(*, actor, ri: RosterImport) -> None:
    """Reverse an applied import, while nothing else has changed its records since.

    Records it created are archived (not deleted: the log points at them); the values it
    changed go back; the honours it added are voided.
    """
    _require_own(actor, ri)
    ri = RosterImport.objects.select_for_update().get(pk=ri.pk)
    if ri.status != ImportStatus.APPLIED:
        raise DomainError(_("Only an applied import can be undone."), code="conflict")
    effects = list(ImportedRecord.objects.filter(roster_import=ri).select_related("worker"))
    ids = [e.worker_id for e in effects]
    touched = set()
    for chunk in planner._chunks(ids):
        touched |= set(
            AuditEntry.objects.filter(model_worker_id__in=chunk, at__gt=ri.applied_at)
            .exclude(detail__import=ri.pk)
            .values_list("model_worker_id", flat=True)
        )
    touched |= {e.worker_id for e in effects if e.worker.version != e.version_after}
    if touched:
        names = ModelWorker.objects.filter(pk__in=list(touched)[:5]).values_list("name", flat=True)
        raise DomainError(
            _("%(n)s of its records were changed after the import (%(names)s…); undo would overwrite that work.")
            % {"n": len(touched), "names": "、".join(names)},
            code="conflict",
        )
    now = timezone.now()
    reason = _("Undo of import #%(n)s") % {"n": ri.pk}
    honour_ids = [h for e in effects for h in e.honours]
    for chunk in planner._chunks(honour_ids):
        for h in Honour.objects.filter(pk__in=chunk, voided_at__isnull=True):
            h.voided_at, h.void_reason = now, reason
            h.save(update_fields=["voided_at", "void_reason", "updated_at"])
    entries = []
    workers = []
    for e in effects:
        w = e.worker
        if e.created:
            w.archived_at, w.archive_reason = now, reason
            changes = {"archived_at": [None, now.isoformat()]}
        else:
            changes = {}
            for key, value in e.before.items():
                if key == "employer":
                    from gongjiang.archive.services import employer_named

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
                    field = ModelWorker._meta.get_field(key)
                    old = field.to_python(value) if value not in (None, "") else (None if field.null else "")
                    changes[key] = [_plain(getattr(w, key)), value]
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
    fields = [
        "name",
        "name_pinyin",
        "name_initials",
        "sex",
        "ethnicity",
        "birth_date",
        "id_number",
        "id_last4",
        "political_affiliation",
        "education",
        "employer",
        "position",
        "title_or_grade",
        "union",
        "phone",
        "address",
        "status",
        "retired_on",
        "died_on",
        "remarks",
        "archived_at",
        "archive_reason",
        "version",
    ]
    ModelWorker.objects.bulk_update(workers, fields, batch_size=500)
    _refresh_levels(workers)
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
    ri.status = ImportStatus.UNDONE
    ri.undone_at, ri.undone_by = now, actor
    ri.save(update_fields=["status", "undone_at", "undone_by"])
    record(
        actor=actor,
        action=AuditAction.UNDO,
        obj=ri,
        object_repr=ri.original_name,
        detail={"records": len(effects), "honours_voided": len(honour_ids)},
    )


# --- Error workbook and template --------------------------------------------------------------


def write_errors(ri: RosterImport, path: str) -> int:
    """The rejected rows as they were, with a reason column, ready to fix and import again."""
    from gongjiang.core.xlsx import RosterWriter

    rows = ImportRow.objects.filter(roster_import=ri, action=RowAction.REJECT).order_by("row_number")
    n = 0
    with RosterWriter(path, sheet=str(_("Rows to fix"))) as out:
        out.header([str(_("Row")), *[h or "" for h in ri.headers], str(_("Reason"))], [6, *[14] * len(ri.headers), 60])
        for row in rows.iterator(chunk_size=2000):
            reason = "；".join(f"{p['column']}：{p['message']}" for p in row.problems)
            out.row([row.row_number, *row.cells, reason])
            n += 1
    return n


def candidates(ri: RosterImport) -> list[dict[str, Any]]:
    """The people the user must confirm: the file's rows beside the record they might be."""
    out: dict[int, dict[str, Any]] = {}
    for row in ImportRow.objects.filter(roster_import=ri, action=RowAction.CANDIDATE).select_related(
        "candidate__employer", "candidate__union"
    ):
        entry = out.setdefault(
            row.person,
            {
                "person": row.person,
                "rows": [],
                "candidate": row.candidate,
                "decision": row.decision or Decision.UNDECIDED,
            },
        )
        entry["rows"].append(row)
    return list(out.values())
