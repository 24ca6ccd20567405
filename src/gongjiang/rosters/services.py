"""Importing rosters: upload, read in the background, preview, confirm, apply in one
transaction, undo while nothing else has touched the records; plus the error workbook and the
blank template."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import build, build_values, mask_changes, record, write_many
from gongjiang.accounts.enums import AuditAction, OrganisationKind, SecurityEventKind
from gongjiang.accounts.models import AuditEntry, Organisation
from gongjiang.archive.enums import Verification
from gongjiang.archive.models import Honour, ModelWorker
from gongjiang.archive.services import highest_level_of, submitted_verification
from gongjiang.core import bulk
from gongjiang.core.errors import DomainError
from gongjiang.core.pinyin import name_keys
from gongjiang.core.sheets import reader
from gongjiang.rosters import columns as C
from gongjiang.rosters import planner
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
    """Read the file, find the header and the columns of each sheet, plan every row; store the preview.

    Every visible sheet is read, one row at a time; hidden sheets are listed, not read. A sheet
    named after a union gives that union to its rows that name none (before the one chosen at
    upload). Notes under a table (注：…, 合计…) are not people: skipped, not counted.
    """
    with ri.file.open("rb") as fh:
        data = fh.read()
    try:
        book = reader.open_book(data, ri.original_name)
    except reader.RosterFileError as e:
        return _fail(ri, str(e))
    del data  # the workbook keeps what it needs
    try:
        outcome = _SheetsReader(ri, progress).read(book)
    except reader.RosterFileError as e:
        return _fail(ri, str(e))
    finally:
        book.close()
    if isinstance(outcome, str):
        return _fail(ri, outcome)
    drafts, sheet_unions = outcome
    if (limit := _row_limit(ri.created_by)) is not None and len(drafts) > limit:
        return _fail(
            ri,
            _(
                "A union may import at most %(max)s rows at a time; this file has %(n)s. Split it into "
                "smaller files, or ask the federation to import it."
            )
            % {"max": limit, "n": len(drafts)},
        )
    plan = planner.plan_rows(
        actor=ri.created_by, rows=drafts, default_union=ri.default_union, sheet_unions=sheet_unions
    )
    _store_rows(ri, plan)
    ri.counts = plan.counts()
    ri.status = ImportStatus.PARSED
    ri.message = ""
    ri.save()
    if progress:
        progress(1, 1)
    return ri


def _row_limit(actor) -> int | None:
    """The most data rows a user's upload may have: a limit for scoped users only."""
    from django.conf import settings

    if actor is None or permissions.union_scope(actor) is None:
        return None
    return settings.GONGJIANG["ROSTER_SCOPED_MAX_ROWS"]


class _SheetsReader:
    """Reads the rows of every sheet into drafts, in one set of columns for the whole import."""

    def __init__(self, ri: RosterImport, progress):
        self.ri = ri
        self.progress = progress
        self.columns = C.Columns()
        self.mapping: list[str] = []
        self.source = ""  # where the mapping comes from: "user", "detected" or a saved mapping's name
        self.saved: ImportMapping | None = None
        self.sheet_fields: list[str | None] = []  # the detected field of each column of the sheet being placed
        self.old = (list(ri.headers or []), list(ri.mapping or []), ri.mapping_source)
        self.organisations = list(Organisation.objects.all())
        self.drafts: list[planner.RowDraft] = []
        # Rows repeat their employer, union, honour and level: one string each, not one per row.
        self.shared: dict[str, str] = {}

    def read(self, book: reader.Book):
        ri = self.ri
        readable = [s.name for s in book.sheets if s.readable]
        # The header row the preview shows (or the user chose) is that of one sheet.
        main = (ri.sheet if ri.sheet in readable else readable[0]) if ri.header_row and readable else None
        sheets, unions, first = [], {}, None
        for info in book.sheets:
            entry = {"name": info.name[:100], "state": info.state}
            sheets.append(entry)
            if not info.readable:
                continue
            sheet = book.open_sheet(info.name)
            head = list(itertools.islice(sheet.rows, C.SCAN_ROWS + 1))
            header = self._header(head, chosen=ri.header_row if info.name == main else None)
            if header is None and not self.columns.names and first is None:
                first = (info.name, head)
                header = self._saved_header(head)  # an unrecognised first sheet with a saved mapping
            if header is None:
                entry["state"] = "no_header" if any(any(c is not None for c in r) for r in head) else "empty"
                continue
            if not self.columns.names:
                ri.sheet, ri.header_row, ri.header_rows = info.name[:100], header.row + 1, header.rows
            index = self._place(header)
            if not any(self.mapping):
                return _("None of the columns could be matched to a field.")
            union = union_for_sheet(info.name, self.organisations)
            if union is not None:
                unions[info.name[:100]] = union
            body = itertools.chain(head[header.row + 1 :], sheet.rows)
            expected = len(self.drafts) + max(sheet.height - header.row - 1, 0)
            rows, notes = self._rows(info.name[:100], header, index, body, expected)
            entry.update(
                state="read",
                header_row=header.row + 1,
                rows=rows,
                notes=notes,
                union=union.pk if union else None,
                union_name=union.name if union else "",
            )
        ri.sheets, ri.encoding = sheets, book.encoding
        if not self.columns.names:
            return self._unrecognised(first)
        width = len(self.columns.names)
        for draft in self.drafts:  # a later sheet may have added columns
            draft.cells.extend([None] * (width - len(draft.cells)))
        ri.headers, ri.mapping, ri.mapping_source = self.columns.names, self.mapping, self.source
        return self.drafts, unions

    def _header(self, head: list[list], chosen: int | None) -> C.Header | None:
        detected = C.find_header(head)
        if chosen:  # chosen by the user in the preview (kept when it is where the header was found)
            if detected is not None and detected.row == chosen - 1:
                return detected
            if chosen - 1 >= len(head):
                return None
            names = [C.normalise_header(c) for c in head[chosen - 1]]
            return C.Header(chosen - 1, 1, names, [C.field_for(n) for n in names])
        if detected is None and self.columns.names:  # another sheet of the same template
            return C.header_named(head, self.columns.names)
        return detected

    def _saved_header(self, head: list[list]) -> C.Header | None:
        first = _first_filled(head)
        if first is None:
            return None
        names = [C.normalise_header(c) for c in head[first]]
        if not ImportMapping.objects.filter(signature=C.signature(names)).exists():
            return None
        return C.Header(first, 1, names, [None] * len(names))  # a saved mapping knows these headers

    def _unrecognised(self, first) -> str:
        """No sheet has a header: offer the first filled row as one, so the user can name its columns."""
        ri = self.ri
        row = _first_filled(first[1]) if first else None
        if row is None:
            return _("The sheet is empty.")
        names = [C.normalise_header(c) for c in first[1][row]]
        ri.sheet, ri.header_row, ri.header_rows = first[0][:100], row + 1, 1
        ri.headers, ri.mapping = names, [""] * len(names)
        return _("The columns were not recognised: choose below which field each column holds.")

    def _place(self, header: C.Header) -> list[int]:
        """The sheet's columns among the import's; the mapping of the columns it adds."""
        old_headers, old_mapping, old_source = self.old
        if not self.source:  # the first sheet read decides where the mapping comes from
            if old_source == "user" and old_headers[: len(header.names)] == header.names:
                self.source = "user"
            else:
                self.saved = ImportMapping.objects.filter(signature=C.signature(header.names)).first()
                if self.saved:
                    self.source = self.saved.name
                    ImportMapping.objects.filter(pk=self.saved.pk).update(last_used_at=timezone.now())
                else:
                    self.source = "detected"
        index, added = self.columns.place(header.names)
        detected = {j: header.fields[i] for i, j in enumerate(index)}
        for j in added:
            name = self.columns.names[j]
            if self.source == "user":
                key = old_mapping[j] if j < len(old_mapping) and j < len(old_headers) and old_headers[j] == name else ""
            elif self.saved is not None:
                key = self.saved.columns.get(name, "")
            else:
                key = detected.get(j) or ""
                if key in self.mapping:  # two columns claiming one field: the first keeps it
                    key = ""
            self.mapping.append(key)
        return index

    def _rows(self, sheet: str, header: C.Header, index: list[int], body, expected: int) -> tuple[int, int]:
        """Each data row of a sheet read into a draft; returns how many rows and notes it had."""
        rows = notes = 0
        identity = index == list(range(len(index)))
        for offset, cells in enumerate(body):
            if C.is_note_row(cells):
                notes += 1
                continue
            if len(cells) > len(index):
                self.mapping.extend("" for _j in self.columns.widen(index, len(cells)))
                identity = index == list(range(len(index)))
            if identity and len(cells) == len(self.columns.names):
                placed = list(map(self._cell, cells))
            else:
                placed = [None] * len(self.columns.names)
                for i, value in enumerate(cells):
                    placed[index[i]] = self._cell(value)
            draft = planner.RowDraft(
                index=len(self.drafts), row_number=header.row + 2 + offset, cells=placed, sheet=sheet
            )
            planner.read_row(draft, self.mapping, self.columns.names)
            rows += not draft.empty
            self.drafts.append(draft)
            if self.progress and len(self.drafts) % 2000 == 0:
                # Reading is half the work, planning and storing the rest (of the sheets known so far).
                self.progress(len(self.drafts), 2 * max(expected, len(self.drafts)) + 1)
        return rows, notes

    SHARED = 50_000

    def _cell(self, value):
        value = _json_cell(value)
        if type(value) is str:
            if len(self.shared) < self.SHARED:
                return self.shared.setdefault(value, value)
            return self.shared.get(value, value)
        return value


def _first_filled(head: list[list]) -> int | None:
    return next((i for i, row in enumerate(head[: C.SCAN_ROWS]) if sum(c is not None for c in row) >= 2), None)


_SHEET_SUFFIX = re.compile(r"(劳模|先进|劳模先进)?(人员|人物)?(花名册|名册|名单|登记表|信息表|统计表|汇总表)$")


def union_for_sheet(name: str, organisations: list[Organisation]) -> Organisation | None:
    """The grassroots union a sheet is named after: its full name, short name or code ("教育工会"),
    or else the one union whose name ends with the sheet's ("卫生健康工会") or appears in it
    ("梁溪区教育工会名册"). None when no union, or more than one, fits. A closed union is
    returned too: the plan then says why its rows cannot go there."""
    key = C.normalise_header(name)
    if not key:
        return None
    # People are never put in the federation: a sheet named after it takes the upload's union.
    unions = [org for org in organisations if org.kind == OrganisationKind.GRASSROOTS]
    for org in unions:
        if key in (org.name, org.short_name, org.code):
            return org
    stem = _SHEET_SUFFIX.sub("", key)
    if len(stem) < 3:  # "工会", "名册": every union, or none
        return None
    found = {
        org
        for org in unions
        for n in (org.name, org.short_name)
        if n and (n.endswith(stem) or (len(n) >= 3 and n in stem))
    }
    return found.pop() if len(found) == 1 else None


def _fail(ri: RosterImport, message: str) -> RosterImport:
    ri.status = ImportStatus.FAILED
    ri.message = str(message)
    ri.save()
    return ri


ROW_COLUMNS = [
    "roster_import_id",
    "sheet",
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
    """The preview, one row per data row (bulk-written: a roster can have 100,000 rows), in the
    file's order: their ids keep it for reading them back."""
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
                row.sheet,
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
    ri = RosterImport.objects.select_for_update().get(pk=ri.pk)
    if ri.status not in (ImportStatus.PARSED, ImportStatus.FAILED, ImportStatus.UPLOADED, ImportStatus.INTERRUPTED):
        raise DomainError(_("Only an import that was not applied can be cancelled."), code="conflict")
    ri.status = ImportStatus.CANCELLED
    ri.save(update_fields=["status"])
    record(actor=actor, action=AuditAction.IMPORT, obj=ri, detail={"step": "cancel"})


@transaction.atomic
def resume(*, actor, ri: RosterImport) -> str:
    """An interrupted import goes back to the step its worker did not finish: ``"parse"``
    (reading the file) or ``"apply"``. The caller starts that step again as a new job."""
    _require_own(actor, ri)
    ri = RosterImport.objects.select_for_update().get(pk=ri.pk)
    if ri.status != ImportStatus.INTERRUPTED:
        raise DomainError(_("Only an interrupted import can be retried."), code="conflict")
    step = "apply" if ri.job_id and ri.job.kind == "roster_apply" else "parse"
    ri.status = ImportStatus.APPLYING if step == "apply" else ImportStatus.UPLOADED
    ri.message = ""
    if step == "apply" and actor is not None:
        ri.applied_by = actor
    ri.save(update_fields=["status", "message", "applied_by"])
    record(actor=actor, action=AuditAction.IMPORT, obj=ri, detail={"step": "retry", "retried": step})
    return step


# --- Applying ---------------------------------------------------------------------------------


def _decisions(ri: RosterImport) -> dict[int, str]:
    return dict(
        ImportRow.objects.filter(roster_import=ri, action=RowAction.CANDIDATE)
        .exclude(decision="")
        .values_list("person", "decision")
        .distinct()
    )


def apply(
    ri: RosterImport, *, actor=None, progress: Callable[[int, int], None] | None = None, attempt=None
) -> dict[str, int]:
    """Carry out the plan against the archive as it is now, in one transaction.

    ``attempt`` is the job applying it: only the import's current job may (a job retried after
    its worker was thought gone must not apply the import a second time)."""
    actor = actor or ri.applied_by or ri.created_by
    drafts = stored_drafts(ri)
    if progress:
        progress(len(drafts), 3 * len(drafts) + 1)
    with transaction.atomic():
        ri = RosterImport.objects.select_for_update().get(pk=ri.pk)
        if ri.status != ImportStatus.APPLYING or (attempt is not None and ri.job_id != attempt):
            raise DomainError(_("This import is not being applied."), code="conflict")
        plan = planner.plan_rows(
            actor=actor,
            rows=drafts,
            default_union=ri.default_union,
            decisions=_decisions(ri),
            sheet_unions=sheet_unions(ri),
        )
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
                    if verification == Verification.PENDING and w.verification != verification:
                        before["verification"] = w.verification
                        w.verification = verification
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
        "verification",
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
    # Each clash with a record outside the user's scope: a security event for the admin, not
    # attached to the record (whose history the union reads).
    for p, w in [*zip(new_people, workers, strict=True), *((p, p.worker) for p in changed)]:
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
        "verification",
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


def sheets_read(ri: RosterImport) -> list[dict]:
    """The sheets whose rows the import read (an import made before sheets were listed: its one sheet)."""
    sheets = [s for s in ri.sheets or [] if isinstance(s, dict)]
    if not sheets:
        return [{"name": ri.sheet, "state": "read"}] if ri.sheet else []
    return [s for s in sheets if s.get("state") == "read"]


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
