"""The archive as a roster workbook: Chinese headers, real dates, ID numbers as text, masked by
role, and no cell that Excel or WPS would run as a formula.

Rows are read as plain values (no model instances) in chunks, with each chunk's honours in
one query and the small code tables looked up in memory: 100,000 records in seconds.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongjiang.accounts.models import Organisation
from gongjiang.archive.codes import EDUCATION_NAMES, ETHNICITY_NAMES, POLITICAL_NAMES
from gongjiang.archive.enums import Level, Sex, Status
from gongjiang.archive.fields import ROSTER_FIELDS, attnames
from gongjiang.archive.models import Employer, Honour
from gongjiang.core.masking import mask_id_number, mask_phone
from gongjiang.core.xlsx import RosterWriter

# What a roster export reads of each person: the roster's fields (no remarks) and two derived ones.
FIELDS = ["pk", *attnames(f for f in ROSTER_FIELDS if f != "remarks"), "highest_level", "in_hardship"]


@dataclass(frozen=True)
class Column:
    key: str
    header: Any
    get: Callable[[dict, Lookups], Any]
    width: int = 12
    sensitive: Callable[[str], str] | None = None


class Lookups:
    """The small tables a row's codes are turned into words with, loaded once per export."""

    def __init__(self):
        self.sexes = {k: str(v) for k, v in Sex.choices}
        self.statuses = {k: str(v) for k, v in Status.choices}
        self.levels = {k: str(v) for k, v in Level.choices if k != Level.NONE}
        self.unions = dict(Organisation.objects.values_list("pk", "name"))


COLUMNS: list[Column] = [
    Column("pk", _("Record number"), lambda r, _l: r["pk"], 9),
    Column("name", _("Name"), lambda r, _l: r["name"], 10),
    Column("sex", _("Sex"), lambda r, lk: lk.sexes.get(r["sex"], ""), 5),
    Column("ethnicity", _("Ethnicity"), lambda r, _l: ETHNICITY_NAMES.get(r["ethnicity"], ""), 8),
    Column("birth_date", _("Date of birth"), lambda r, _l: r["birth_date"], 11),
    Column("id_number", _("ID number"), lambda r, _l: r["id_number"] or "", 21, mask_id_number),
    Column(
        "political_affiliation",
        _("Political affiliation"),
        lambda r, _l: POLITICAL_NAMES.get(r["political_affiliation"], ""),
        11,
    ),
    Column("education", _("Education"), lambda r, _l: EDUCATION_NAMES.get(r["education"], ""), 11),
    Column("employer", _("Employer"), lambda r, _l: r["employer"], 28),
    Column("position", _("Position"), lambda r, _l: r["position"], 14),
    Column("title_or_grade", _("Professional title or skill grade"), lambda r, _l: r["title_or_grade"], 14),
    Column("front_line", _("Front line or harsh job"), lambda r, _l: "是" if r["front_line"] else "否", 8),
    Column("union", _("Union"), lambda r, lk: lk.unions.get(r["union_id"], ""), 24),
    Column("phone", _("Phone"), lambda r, _l: r["phone"], 14, mask_phone),
    Column("address", _("Address"), lambda r, _l: r["address"], 28),
    Column("status", _("Status"), lambda r, lk: lk.statuses.get(r["status"], ""), 6),
    Column("retired_on", _("Retirement date"), lambda r, _l: r["retired_on"], 11),
    Column("died_on", _("Date of death"), lambda r, _l: r["died_on"], 11),
    Column("highest_level", _("Highest level"), lambda r, lk: lk.levels.get(r["highest_level"], ""), 12),
    Column("honours", _("Honours"), lambda r, _l: r["honours"], 40),
    Column("in_hardship", _("In hardship"), lambda r, _l: "是" if r["in_hardship"] else "", 8),
]
COLUMN_KEYS = [c.key for c in COLUMNS]
CHUNK = 5000


def export_queryset(qs: QuerySet) -> QuerySet:
    return qs.select_related(None)


def rows_of(qs: QuerySet) -> Iterator[dict]:
    """The records as dicts, each with its employer's name and its honours as one text
    ("2005年…；2010年…"); both are read in one query per chunk."""
    it = qs.values_list(*FIELDS).iterator(chunk_size=CHUNK)
    employer_at = FIELDS.index("employer_id")
    employers: dict[int, str] = {}  # kept across chunks: many people share an employer
    while chunk := list(itertools.islice(it, CHUNK)):
        ids = [row[0] for row in chunk]
        wanted = {row[employer_at] for row in chunk if row[employer_at] is not None} - employers.keys()
        if wanted:
            employers.update(Employer.objects.filter(pk__in=wanted).values_list("pk", "name"))
        honours: dict[int, list[str]] = {}
        for wid, year, title, revoked_on in (
            Honour.objects.filter(model_worker_id__in=ids, voided_at__isnull=True)
            .order_by("model_worker_id", "year", "level", "id")
            .values_list("model_worker_id", "year", "title", "revoked_on")
        ):
            honours.setdefault(wid, []).append(f"{year}年{title}" + ("（已撤销）" if revoked_on else ""))
        for row in chunk:
            record = dict(zip(FIELDS, row, strict=True))
            record["employer"] = employers.get(record["employer_id"], "")
            record["honours"] = "；".join(honours.get(record["pk"], []))
            yield record


def write_roster(
    rows: Iterable[dict],
    path,
    *,
    unmasked: bool,
    title: str = "",
    columns: list[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the workbook to ``path``; return the number of people written."""
    chosen = [c for c in COLUMNS if columns is None or c.key in columns]
    lookups = Lookups()
    n = 0
    with RosterWriter(path, sheet=str(_("Model workers")), title=title) as out:
        out.header([str(c.header) for c in chosen], [c.width for c in chosen])
        for record in rows:
            values = []
            for c in chosen:
                value = c.get(record, lookups)
                if c.sensitive and not unmasked and value:
                    value = c.sensitive(value)
                values.append(value)
            out.row(values)
            n += 1
            if progress and n % 500 == 0:
                progress(500)
    if progress:
        progress(n % 500)
    return n


def export_filename(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now()
    return f"劳模名册-{now:%Y%m%d-%H%M}.xlsx"
