"""From a roster's rows to a plan: who is new, who changes and how, what is unchanged, what is
refused and why — computed against the archive as it is now, without changing anything.

The same plan is made for the preview and again, against the then-current archive, when the
user confirms; applying it is `rosters.services.apply`.

Matching: by record number (a roster exported by the system), else by ID number. A row
without an ID number that matches a record on name and birth date is a candidate the user
confirms — never an automatic merge. An update changes only the columns the file has; a
blank cell never wipes a value. Rows of one person (one row per honour) are gathered; a row
with no name and no ID number but an honour continues the person above it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.enums import OrganisationKind
from gongjiang.accounts.models import Organisation
from gongjiang.archive import validation
from gongjiang.archive.enums import Status, Verification
from gongjiang.archive.fields import ROSTER_FIELDS
from gongjiang.archive.models import Employer, Honour, ModelWorker
from gongjiang.archive.selectors import visible_model_workers
from gongjiang.core import idcard
from gongjiang.core.sheets.cells import Date
from gongjiang.rosters import values as V
from gongjiang.rosters.columns import FIELDS
from gongjiang.rosters.models import Decision, ImportedRecord, ImportStatus, RowAction

CHUNK = 900  # stays under SQLite's limit of bound parameters


@dataclass(slots=True)  # one per row of the file, all of them in memory while planning
class RowDraft:
    index: int  # position in the data rows
    row_number: int  # as in the sheet
    cells: list
    values: dict[str, Any] = field(default_factory=dict)
    honours: list[V.HonourValue] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    record_number: int | None = None
    empty: bool = False
    sheet: str = ""  # the sheet the row is on, in a workbook of several

    def problem(self, column: str, message: str) -> None:
        self.problems.append({"column": column, "message": str(message)})

    def dump(self) -> dict:
        """The row as read, for storing with the preview."""
        values = {}
        for key, value in self.values.items():
            values[key] = ["D", value.value.isoformat(), value.precision] if isinstance(value, Date) else value
        return {
            "v": values,
            "h": [[h.title, h.level, h.kind, h.year, h.revoked] for h in self.honours],
            "r": self.record_number,
            "e": self.empty,
            "p": self.problems,
        }

    @classmethod
    def load(cls, index: int, row_number: int, cells: list, data: dict, sheet: str = "") -> RowDraft:
        draft = cls(
            index=index,
            row_number=row_number,
            cells=cells,
            sheet=sheet,
            record_number=data.get("r"),
            empty=data.get("e", False),
            problems=list(data.get("p", [])),
        )
        for key, value in data.get("v", {}).items():
            if isinstance(value, list) and len(value) == 3 and value[0] == "D":
                value = Date(dt.date.fromisoformat(value[1]), value[2])
            draft.values[key] = value
        draft.honours = [V.HonourValue(t, lv, k, y, r) for t, lv, k, y, r in data.get("h", [])]
        return draft


@dataclass(slots=True)
class Person:
    number: int
    rows: list[RowDraft]
    values: dict[str, Any]
    honours: list[tuple[RowDraft, V.HonourValue]]
    worker: ModelWorker | None = None
    candidate: ModelWorker | None = None
    restore: bool = False
    action: str = RowAction.NEW
    changes: dict[str, list] = field(default_factory=dict)
    new_honours: list[tuple[RowDraft, V.HonourValue]] = field(default_factory=list)
    problem: tuple[str, str] | None = None  # (column, message) that refuses every row
    # Records outside the user's scope that hold this person's ID number: never shown, never
    # decisive (the row is planned as if the number were new); a security event when applied.
    hidden_clash: list[int] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # new person: all values; update: the changed ones
    before: dict[str, Any] = field(default_factory=dict)  # filled when applied: the values replaced


@dataclass
class Plan:
    rows: list[RowDraft]
    people: list[Person]
    unions: dict[int, Organisation]

    def row_action(self, row: RowDraft, person: Person | None) -> str:
        if row.empty:
            return RowAction.SKIP
        if row.problems or person is None:
            return RowAction.REJECT
        if person.action in (RowAction.NEW, RowAction.CANDIDATE, RowAction.REJECT, RowAction.SKIP):
            return person.action
        if person.action == RowAction.UNCHANGED:
            return RowAction.UNCHANGED
        adds = any(r is row for r, _h in person.new_honours)
        first = person.rows[0] is row
        return RowAction.UPDATE if adds or (first and (person.changes or person.restore)) else RowAction.UNCHANGED

    def counts(self) -> dict[str, int]:
        by_row = defaultdict(int)
        by_person = defaultdict(int)
        person_of = {id(r): p for p in self.people for r in p.rows}
        for row in self.rows:
            if not row.empty:  # a blank row is not stored, so not counted (as a skipped row or any other)
                by_row[self.row_action(row, person_of.get(id(row)))] += 1
        for p in self.people:
            by_person[p.action] += 1
        out = {a: by_row.get(a, 0) for a in RowAction.values}
        out.update({f"people_{a}": by_person.get(a, 0) for a in RowAction.values})
        out["rows"] = len([r for r in self.rows if not r.empty])
        return out


# --- Reading one row --------------------------------------------------------------------------

PARSERS = {
    "sex": V.parse_sex,
    "ethnicity": V.parse_ethnicity,
    "political_affiliation": V.parse_political,
    "education": V.parse_education,
    "status": V.parse_status,
}
DATE_FIELDS = {"birth_date", "retired_on", "died_on"}
TEXT_FIELDS = {"employer", "position", "title_or_grade", "address", "remarks", "union"}


def _max_length(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


# The longest text each column may hold, as the archive stores it (a longer value would fail
# the whole import on PostgreSQL, and be kept whole on SQLite). None: no limit.
MAX_LENGTHS = {
    "name": _max_length(ModelWorker, "name"),
    "employer": _max_length(Employer, "name"),
    "position": _max_length(ModelWorker, "position"),
    "title_or_grade": _max_length(ModelWorker, "title_or_grade"),
    "phone": _max_length(ModelWorker, "phone"),
    "address": _max_length(ModelWorker, "address"),
    "remarks": _max_length(ModelWorker, "remarks"),
    "title": _max_length(Honour, "title"),
    "awarding_body": _max_length(Honour, "awarding_body"),
    "document_number": _max_length(Honour, "document_number"),
}


def _fits(key: str, value: str) -> str:
    limit = MAX_LENGTHS.get(key)
    if limit is not None and len(value) > limit:
        raise V.Problem(
            _("This is %(length)s characters long; at most %(max)s are allowed.") % {"length": len(value), "max": limit}
        )
    return value


def _label(key: str) -> str:
    return str(FIELDS[key][0])


def read_row(draft: RowDraft, mapping: list[str], headers: list[str]) -> None:
    got: dict[str, Any] = {}
    for col, key in enumerate(mapping):
        if not key or col >= len(draft.cells):
            continue
        value = draft.cells[col]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        got[key] = (value, headers[col] if col < len(headers) else _label(key))
    if not got:
        draft.empty = True
        return
    v = draft.values
    for key, (raw, column) in got.items():
        try:
            if key == "record_number":
                number = V.text(raw)
                if not number.isdigit():
                    raise V.Problem(_("“%(v)s” is not a record number.") % {"v": number})
                draft.record_number = int(number)
            elif key == "name":
                v["name"] = _fits("name", validation.clean_name(V.text(raw)))
            elif key == "id_number":
                number = V.parse_id_number(raw)
                if number:
                    v["id_number"] = number
            elif key in DATE_FIELDS:
                d = V.parse_date(raw)
                if d:
                    v[key] = d
            elif key == "phone":
                phone = V.text(raw)
                if "*" not in phone:  # a masked phone from an export is not information
                    v["phone"] = _fits("phone", validation.clean_phone(phone))
            elif key == "front_line":
                v["front_line"] = V.parse_front_line(raw)
            elif key == "retired":
                flag = V.parse_yes_no(raw)
                if flag is not None and "status" not in got:
                    v["status"] = Status.RETIRED if flag else Status.WORKING
            elif key in PARSERS:
                parsed = PARSERS[key](raw)
                if parsed:
                    v[key] = parsed
            elif key in TEXT_FIELDS:
                v[key] = _fits(key, V.text(raw))
            elif key == "employer_position":
                employer, position = V.split_employer_position(raw)
                if employer and "employer" not in got:
                    v["employer"] = _fits("employer", employer)
                if position and "position" not in got:
                    v["position"] = _fits("position", position)
        except V.Problem as e:
            draft.problem(column, e.message)
        except ValidationError as e:
            draft.problem(column, " ".join(e.messages))
    birth, number = v.get("birth_date"), v.get("id_number")
    if birth and number and birth.precision != "day":
        # "1965.03" agrees with an ID number that says 1965-03-17: keep the full date.
        encoded = idcard.decode(number).birth_date
        same_month = birth.precision == "year" or birth.value.month == encoded.month
        if birth.value.year == encoded.year and same_month:
            v["birth_date"] = Date(encoded, "day")
    if "retired_on" in v and "status" not in v:
        v["status"] = Status.DECEASED if "died_on" in v else Status.RETIRED
    if "died_on" in v and "status" not in v:
        v["status"] = Status.DECEASED
    _read_honours(draft, got)


def _read_honours(draft: RowDraft, got: dict) -> None:
    level = year = None
    for key in ("level", "year"):
        if key in got:
            try:
                if key == "level":
                    level = V.parse_level(got[key][0])
                else:
                    year = V.parse_year(got[key][0])
            except V.Problem as e:
                draft.problem(got[key][1], e.message)
    # A 劳模类别 cell ("省劳模") is the title and its level at once when no title cell is filled;
    # so is a 级别 cell that says as much.
    if "category" not in got and "level" in got and V.names_an_honour(got["level"][0]):
        got = {**got, "category": got["level"]}
    source = got.get("honours") or got.get("category")
    if source is None:
        if level or year:
            draft.problem(_label("honours"), _("A level or year is given but no honour title."))
        return
    category = got["category"][0] if "category" in got else None
    try:
        honours = V.parse_honours_cell(source[0], level=level, year=year, category=category)
    except V.Problem as e:
        draft.problem(source[1], e.message)
        return
    for h in honours:
        try:
            _fits("title", h.title)
        except V.Problem as e:
            draft.problem(source[1], e.message)
            return
    extras = {}
    for key in ("awarding_body", "document_number"):
        if key in got:
            try:
                extras[key] = _fits(key, V.text(got[key][0]))
            except V.Problem as e:
                draft.problem(got[key][1], e.message)
    draft.honours = honours
    draft.values["_honour_extras"] = extras


# --- Gathering rows into people --------------------------------------------------------------


def gather(rows: list[RowDraft]) -> list[Person]:
    people: list[Person] = []
    by_key: dict[tuple, Person] = {}
    last: Person | None = None
    for row in rows:
        if row.empty:
            continue
        if last is not None and last.rows and last.rows[-1].sheet != row.sheet:
            last = None  # the top of a sheet never continues the person at the bottom of another
        v = row.values
        if row.problems:  # a refused row takes no part, and no row continues it
            last = None
            continue
        if "name" not in v and "id_number" not in v and row.record_number is None:
            if row.honours and last is not None:  # "same as above": the next honour of the person above
                last.rows.append(row)
                last.honours += [(row, h) for h in row.honours]
                continue
            row.problem(_label("name"), _("The name is missing."))
            last = None
            continue
        if row.record_number is not None:
            key = ("rec", row.record_number)
        elif "id_number" in v:
            key = ("id", v["id_number"])
        elif "name" in v and "birth_date" in v:
            key = ("nb", v["name"], v["birth_date"].value)
        else:
            row.problem(_label("id_number"), _("Without an ID number the date of birth is needed to tell who this is."))
            last = None
            continue
        person = by_key.get(key)
        if person is None:
            person = Person(number=len(people) + 1, rows=[], values={}, honours=[])
            by_key[key] = person
            people.append(person)
        _merge_values(person, row)
        if not row.problems:
            person.rows.append(row)
            person.honours += [(row, h) for h in row.honours]
        last = person
    return people


def _merge_values(person: Person, row: RowDraft) -> None:
    """The first row gives each value; a later row that says otherwise is refused."""
    for key, value in row.values.items():
        if key.startswith("_"):
            person.values.setdefault(key, value)
            continue
        if key not in person.values:
            person.values[key] = value
        elif _comparable(person.values[key]) != _comparable(value):
            first = person.rows[0].row_number if person.rows else "?"
            row.problem(_label(key), _("It differs from row %(n)s of the same person.") % {"n": first})


def _comparable(value):
    return value.value if isinstance(value, Date) else value


# --- Matching with the archive and deciding ---------------------------------------------------


def chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def plan_rows(
    *,
    actor,
    rows: list[RowDraft],
    default_union: Organisation | None,
    decisions: dict[int, str] | None = None,
    sheet_unions: dict[str, Organisation] | None = None,
) -> Plan:
    """Match each person with the archive and decide what would happen to every row.

    ``sheet_unions``: the union a sheet is named after, for its rows that name none (else
    ``default_union``, the one chosen at upload)."""
    people = gather(rows)
    unions, closed = _unions()
    undone = _archived_by_undone_import()
    match = _match(people, actor)
    existing_honours = _honours_of([w.pk for w in list(match.by_id.values()) + list(match.by_pk.values())])
    for person in people:
        sheet = person.rows[0].sheet if person.rows else ""
        _decide(
            person,
            actor=actor,
            default_union=(sheet_unions or {}).get(sheet, default_union),
            unions=unions,
            closed=closed,
            match=match,
            existing_honours=existing_honours,
            undone=undone,
            decisions=decisions or {},
        )
    return Plan(rows=rows, people=people, unions=unions)


def _unions() -> tuple[dict[int, Organisation], dict[int, Organisation]]:
    """The unions people can be put in (active grassroots ones, as on the web form), and the
    other organisations (the federation, closed unions), to say why those are refused."""
    usable, other = {}, {}
    for org in Organisation.objects.all():
        ok = org.kind == OrganisationKind.GRASSROOTS and org.is_active
        (usable if ok else other)[org.pk] = org
    return usable, other


def _union_from_text(text: str, unions: dict[int, Organisation]) -> Organisation | None:
    for org in unions.values():
        if text in (org.name, org.short_name, org.code):
            return org
    return None


def _archived_by_undone_import() -> set[int]:

    return set(
        ImportedRecord.objects.filter(created=True, roster_import__status=ImportStatus.UNDONE).values_list(
            "worker_id", flat=True
        )
    )


@dataclass
class Match:
    """The archive's records the file's people may be, all within what the actor may see."""

    by_id: dict[str, ModelWorker]
    by_pk: dict[int, ModelWorker]
    by_name_birth: dict[tuple, list[ModelWorker]]
    # ID numbers held by records the actor may not see, with those records' ids. Nothing of
    # them may be shown, and the plan must not depend on them: such a row is planned as for a
    # new number (a union's new record waits for the federation, which resolves the clash).
    hidden: dict[str, list[int]]


def _match(people: list[Person], actor) -> Match:
    ids = [p.values["id_number"] for p in people if "id_number" in p.values]
    pks = [p.rows[0].record_number for p in people if p.rows and p.rows[0].record_number is not None]
    nbs = [
        (p.values["name"], p.values["birth_date"].value)
        for p in people
        if "id_number" not in p.values
        and p.rows
        and p.rows[0].record_number is None
        and "name" in p.values
        and "birth_date" in p.values
    ]
    # The command line (no actor) is a trusted operator; people match only what they may see.
    visible = ModelWorker.objects.all() if actor is None else visible_model_workers(actor, include_archived=True)
    base = visible.select_related("employer", "union")
    by_id: dict[str, ModelWorker] = {}
    hidden: dict[str, list[int]] = defaultdict(list)
    for chunk in chunks(ids):
        found = {w.id_number: w for w in base.filter(id_number__in=chunk).order_by("pk")}
        by_id.update(found)
        missing = [n for n in chunk if n not in found]
        if missing and actor is not None:
            held = ModelWorker.objects.filter(id_number__in=missing).exclude(verification=Verification.REJECTED)
            for number, pk in held.order_by("pk").values_list("id_number", "pk"):
                hidden[number].append(pk)
    by_pk: dict[int, ModelWorker] = {}
    for chunk in chunks(pks):
        by_pk.update({w.pk: w for w in base.filter(pk__in=chunk)})
    by_name_birth: dict[tuple, list[ModelWorker]] = defaultdict(list)
    for chunk in chunks(nbs, 400):
        cond = Q()
        for name, birth in chunk:
            cond |= Q(name=name, birth_date=birth)
        for w in base.filter(cond):
            by_name_birth[(w.name, w.birth_date)].append(w)
    return Match(by_id=by_id, by_pk=by_pk, by_name_birth=by_name_birth, hidden=dict(hidden))


def _honours_of(worker_ids: list[int]) -> dict[int, dict[tuple, bool]]:
    """Each record's honours as (year, level, kind) → whether one of that key is revoked."""
    out: dict[int, dict[tuple, bool]] = defaultdict(dict)
    for chunk in chunks(worker_ids):
        for wid, year, level, kind, revoked_on in Honour.objects.filter(
            model_worker_id__in=chunk, voided_at__isnull=True
        ).values_list("model_worker_id", "year", "level", "kind", "revoked_on"):
            key = (year, level, kind)
            out[wid][key] = out[wid].get(key, False) or revoked_on is not None
    return out


def _refuse(person: Person, column: str, message: str) -> None:
    person.action = RowAction.REJECT
    person.problem = (column, message)
    for row in person.rows:
        row.problem(column, message)


def _decide(person, *, actor, default_union, unions, closed, match, existing_honours, undone, decisions) -> None:
    if not person.rows:
        person.action = RowAction.REJECT
        return
    v = person.values
    first = person.rows[0]
    # The union: from the file, else the one chosen at upload; never outside the user's scope.
    union = default_union
    if "union" in v:
        union = _union_from_text(v["union"], unions)
        if union is None:
            if _union_from_text(v["union"], closed) is not None:
                _refuse(person, _label("union"), _not_usable(v["union"]))
            else:
                _refuse(person, _label("union"), _("There is no union “%(u)s”.") % {"u": v["union"]})
            return
    # Which record is this? Only records the user may see are looked at, or named.
    worker = None
    if first.record_number is not None:
        worker = match.by_pk.get(first.record_number)
        if worker is None:
            _refuse(person, _label("record_number"), _("There is no record number %(n)s.") % {"n": first.record_number})
            return
        if "id_number" in v and worker.id_number and v["id_number"] != worker.id_number:
            _refuse(
                person, _label("id_number"), _("The ID number differs from that of record %(n)s.") % {"n": worker.pk}
            )
            return
        if "name" in v and v["name"] != worker.name:
            _refuse(
                person, _label("name"), _("Record %(n)s belongs to %(name)s.") % {"n": worker.pk, "name": worker.name}
            )
            return
        if "id_number" in v and not worker.id_number:
            person.hidden_clash = match.hidden.get(v["id_number"], [])
    elif "id_number" in v:
        person.hidden_clash = match.hidden.get(v["id_number"], [])
        worker = match.by_id.get(v["id_number"])
    elif "name" in v and "birth_date" in v:
        matches = match.by_name_birth.get((v["name"], v["birth_date"].value), [])
        if matches:
            employer = v.get("employer")
            best = next((m for m in matches if employer and m.employer and m.employer.name == employer), matches[0])
            decision = decisions.get(person.number, "")
            if decision == Decision.MERGE:
                worker = best
            elif decision == Decision.SKIP or not decision:
                person.candidate = best
                person.action = RowAction.CANDIDATE if not decision else RowAction.SKIP
                return
            # Decision.NEW: a different person with the same name and birth date.
    if worker is not None:
        _plan_update(person, worker, union, actor, existing_honours, undone, "union" in v)
    else:
        _plan_new(person, union, actor, unions)


def _not_usable(name: str) -> str:
    return _("“%(u)s” is the federation or a closed union; people are added to an active grassroots union.") % {
        "u": name
    }


def _plan_new(person: Person, union, actor, unions: dict[int, Organisation]) -> None:
    v = person.values
    if union is None:
        _refuse(person, _label("union"), _("The union is missing: add a 所属工会 column or choose one at upload."))
        return
    if union.pk not in unions:  # the one chosen at upload, closed since (or given on the command line)
        _refuse(person, _label("union"), _not_usable(union.name))
        return
    if not _may_use_union(actor, union):
        _refuse(person, _label("union"), _("You may only add people to your own union."))
        return
    if "name" not in v:
        _refuse(person, _label("name"), _("The name is missing."))
        return
    data = _person_data(v)
    data["union"] = union
    try:
        _check_person(data)
    except ValidationError as e:
        for key, messages in e.message_dict.items():
            _refuse(person, _label(key) if key in FIELDS else key, " ".join(messages))
        return
    if not data.get("birth_date"):
        _refuse(person, _label("birth_date"), _("Enter the date of birth."))
        return
    honours = _distinct(person.honours)
    if not _check_honours(person, honours, {}, data["birth_date"]):
        return
    person.action = RowAction.NEW
    person.data = data
    person.changes = {k: [None, _show(val)] for k, val in data.items() if val not in (None, "")}
    person.new_honours = honours


def _plan_update(person: Person, worker: ModelWorker, union, actor, existing_honours, undone, union_given) -> None:
    person.worker = worker
    if actor is not None and not permissions.may_edit_worker(actor, worker):
        _refuse(person, _label("name"), _("This person's record belongs to another union; you may not change it."))
        return
    if worker.archived_at is not None:
        if worker.pk not in undone:
            _refuse(
                person,
                _label("name"),
                _("Record %(n)s is archived (%(why)s); restore it before importing.")
                % {"n": worker.pk, "why": worker.archive_reason},
            )
            return
        person.restore = True  # created by an import that was undone: importing again brings it back
    if union_given and union is not None and union.pk != worker.union_id and not _may_use_union(actor, union):
        _refuse(person, _label("union"), _("You may only move people into your own union."))
        return
    data = _person_data(person.values)
    if union_given and union is not None:
        data["union"] = union
    current = _current(worker)
    changes = {}
    for key, value in data.items():
        if value in (None, ""):
            continue  # a blank cell never wipes a value
        old = current.get(key)
        if key == "birth_date" and isinstance(person.values.get("birth_date"), Date):
            d = person.values["birth_date"]
            if (
                d.precision != "day"
                and old
                and old.year == d.value.year
                and (d.precision == "year" or old.month == d.value.month)
            ):
                continue  # "1965.03" agrees with 1965-03-17 on the record
        if _comparable_db(old) != _comparable_db(value):
            changes[key] = (old, value)
    merged = {**current, **{k: new for k, (_old, new) in changes.items()}}
    try:
        _check_person(merged)
    except ValidationError as e:
        for key, messages in e.message_dict.items():
            _refuse(person, _label(key) if key in FIELDS else key, " ".join(messages))
        return
    have = existing_honours.get(worker.pk, {})
    honours = _distinct(person.honours)
    if not _check_honours(person, honours, have, merged["birth_date"]):
        return
    person.new_honours = [(row, h) for row, h in honours if (h.year, h.level, h.kind) not in have]
    person.changes = {k: [_show(old), _show(new)] for k, (old, new) in changes.items()}
    person.data = {k: new for k, (_old, new) in changes.items()}
    person.action = RowAction.UPDATE if (changes or person.new_honours or person.restore) else RowAction.UNCHANGED


def _check_honours(person: Person, honours, have: dict[tuple, bool], birth_date) -> bool:
    """The archive's rules for the honours the import would add; refuse the person otherwise.

    ``have`` holds the record's honours: (year, level, kind) → whether one is revoked. An
    honour marked 已撤销 is taken only when the archive already has it revoked (an exported
    roster read back): a revocation needs its date and reason, which a roster does not give.
    """
    for _row, h in honours:
        key = (h.year, h.level, h.kind)
        if key in have:
            if h.revoked and not have[key]:
                _refuse(
                    person,
                    _label("honours"),
                    _(
                        "The honour “%(t)s” is marked as revoked, but the archive has it in force. Record the "
                        "revocation with its date and reason in the person's record, then import again."
                    )
                    % {"t": f"{h.year}年{h.title}"},
                )
                return False
            continue  # already in the archive: nothing is added
        if h.revoked:
            _refuse(
                person,
                _label("honours"),
                _(
                    "The honour “%(t)s” is marked as revoked. A revocation needs its date and reason, which "
                    "an import cannot give: leave it out of the file, then add the honour and its revocation "
                    "in the person's record."
                )
                % {"t": f"{h.year}年{h.title}"},
            )
            return False
        try:
            validation.check_honour_year(h.year, birth_date)
        except ValidationError as e:
            message = " ".join(e.message_dict.get("year", e.messages))
            _refuse(person, _label("year"), f"{h.year}年{h.title}：{message}")
            return False
    return True


def _may_use_union(actor, union) -> bool:
    """The command line (no actor) is a trusted operator; people are held to their scope."""
    return actor is None or permissions.may_use_union(actor, union)


def _distinct(honours):
    seen, out = set(), []
    for row, h in honours:
        key = (h.year, h.level, h.kind)
        if key not in seen:
            seen.add(key)
            out.append((row, h))
    return out


def _person_data(v: dict) -> dict:
    data = {}
    for key in ROSTER_FIELDS:
        if key == "union" or key not in v:
            continue
        value = v[key]
        data[key] = value.value if isinstance(value, Date) else value
    return data


def _current(worker: ModelWorker) -> dict:
    out = {key: getattr(worker, key) for key in ROSTER_FIELDS if key not in ("employer", "union")}
    out["employer"] = worker.employer.name if worker.employer else ""
    out["union"] = worker.union
    return out


def _comparable_db(value):
    if isinstance(value, Organisation):
        return value.pk
    return value if value is not None else ""


def _show(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Organisation):
        return value.name
    return value


def _check_person(data: dict) -> None:
    """The archive's own rules, without its per-record database lookups (done in bulk here)."""
    id_info = None
    if data.get("id_number"):
        id_info = idcard.decode(data["id_number"])  # validated when the row was read
        data.setdefault("birth_date", id_info.birth_date)
        data.setdefault("sex", id_info.sex)
    errors: dict[str, list] = {}
    if not data.get("sex"):
        errors["sex"] = [_("The sex is missing: without an ID number it must be given.")]
    try:
        validation.check_person(
            id_info=id_info,
            birth_date=data.get("birth_date"),
            sex=data.get("sex"),
            status=data.get("status"),
            retired_on=data.get("retired_on"),
            died_on=data.get("died_on"),
        )
    except ValidationError as e:
        for key, messages in e.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def employer_ids(names: set[str], union_of: dict[str, Organisation | None]) -> dict[str, int]:
    """Employers by name, creating the missing ones in one statement."""
    names = {n for n in names if n}
    found: dict[str, int] = {}
    for chunk in chunks(sorted(names)):
        found.update(dict(Employer.objects.filter(name__in=chunk).values_list("name", "pk")))
    missing = [Employer(name=n, union=union_of.get(n)) for n in sorted(names - found.keys())]
    if missing:
        Employer.objects.bulk_create(missing, ignore_conflicts=True)
        for chunk in chunks([e.name for e in missing]):
            found.update(dict(Employer.objects.filter(name__in=chunk).values_list("name", "pk")))
    return found
