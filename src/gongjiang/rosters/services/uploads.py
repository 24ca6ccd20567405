"""A roster uploaded, and read in the background into the rows of a plan."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import Organisation
from gongjiang.accounts.permissions import Actor, user_of
from gongjiang.core import bulk
from gongjiang.core.sheets import reader
from gongjiang.rosters import planner
from gongjiang.rosters.models import (
    ImportRow,
    ImportStatus,
    RosterImport,
)
from gongjiang.rosters.permissions import require_import
from gongjiang.rosters.services.sheets import SheetsReader

ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


@transaction.atomic
def upload(
    *, actor: Actor, name: str, data: bytes, default_union: Organisation | None, via: str = "web"
) -> RosterImport:
    """Keep the file with who brought it; checks that need no parsing happen here, at once."""
    require_import(actor)
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ValidationError({"file": [_("Upload an .xlsx, .xls, .ods or .csv file.")]})
    fmt = reader.detect_format(name, data[:8])
    try:
        reader.check_container(data, fmt)
    except reader.RosterFileError as e:
        raise ValidationError({"file": [str(e)]}) from None
    if actor is not None and default_union is not None and not permissions.may_use_union(actor, default_union):
        raise ValidationError({"default_union": [_("You may only import into your own union.")]})
    scope = permissions.union_scope(actor) if actor is not None else None
    if default_union is None and scope is not None:
        default_union = Organisation.objects.filter(pk__in=scope, kind="grassroots").first()
    ri = RosterImport(
        created_by=user_of(actor),
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
        return fail(ri, str(e))
    del data  # the workbook keeps what it needs
    try:
        outcome = SheetsReader(ri, progress).read(book)
    except reader.RosterFileError as e:
        return fail(ri, str(e))
    finally:
        book.close()
    if isinstance(outcome, str):
        return fail(ri, outcome)
    drafts, sheet_unions = outcome
    if (limit := _row_limit(ri.created_by)) is not None and len(drafts) > limit:
        return fail(
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
    store_rows(ri, plan)
    ri.counts = plan.counts()
    ri.status = ImportStatus.PARSED
    ri.message = ""
    ri.save()
    if progress:
        progress(1, 1)
    return ri


def _row_limit(actor: Actor | None) -> int | None:
    """The most data rows a user's upload may have: a limit for scoped users only."""
    if actor is None or permissions.union_scope(actor) is None:
        return None
    return settings.GONGJIANG["ROSTER_SCOPED_MAX_ROWS"]


def fail(ri: RosterImport, message: str) -> RosterImport:
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


def store_rows(ri: RosterImport, plan: planner.Plan) -> None:
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
