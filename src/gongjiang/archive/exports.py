"""The archive as a roster workbook: Chinese headers, real dates, ID numbers as text, masked by
role, and no cell that Excel or WPS would run as a formula."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from gongjiang.archive.enums import Level
from gongjiang.archive.models import Honour, ModelWorker
from gongjiang.core.masking import mask_id_number, mask_phone
from gongjiang.core.xlsx import RosterWriter


@dataclass(frozen=True)
class Column:
    key: str
    header: Any
    get: Callable[[ModelWorker], Any]
    width: int = 12
    sensitive: Callable[[str], str] | None = None


def _honours_text(w: ModelWorker) -> str:
    return "；".join(
        f"{h.year}年{h.title}" + ("（已撤销）" if h.revoked_on else "") for h in w.honours.all() if h.voided_at is None
    )


def _level(w: ModelWorker) -> str:
    return "" if w.highest_level == Level.NONE else str(Level(w.highest_level).label)


COLUMNS: list[Column] = [
    Column("pk", _("Record number"), lambda w: w.pk, 9),
    Column("name", _("Name"), lambda w: w.name, 10),
    Column("sex", _("Sex"), lambda w: w.get_sex_display(), 5),
    Column("ethnicity", _("Ethnicity"), lambda w: w.ethnicity_name, 8),
    Column("birth_date", _("Date of birth"), lambda w: w.birth_date, 11),
    Column("id_number", _("ID number"), lambda w: w.id_number or "", 21, mask_id_number),
    Column("political_affiliation", _("Political affiliation"), lambda w: w.political_name, 11),
    Column("education", _("Education"), lambda w: w.education_name, 11),
    Column("employer", _("Employer"), lambda w: w.employer.name if w.employer else "", 28),
    Column("position", _("Position"), lambda w: w.position, 14),
    Column("title_or_grade", _("Professional title or skill grade"), lambda w: w.title_or_grade, 14),
    Column("union", _("Union"), lambda w: w.union.name, 24),
    Column("phone", _("Phone"), lambda w: w.phone, 14, mask_phone),
    Column("address", _("Address"), lambda w: w.address, 28),
    Column("status", _("Status"), lambda w: w.get_status_display(), 6),
    Column("retired_on", _("Retirement date"), lambda w: w.retired_on, 11),
    Column("died_on", _("Date of death"), lambda w: w.died_on, 11),
    Column("highest_level", _("Highest level"), _level, 12),
    Column("honours", _("Honours"), _honours_text, 40),
    Column("in_hardship", _("In hardship"), lambda w: "是" if w.in_hardship else "", 8),
]
COLUMN_KEYS = [c.key for c in COLUMNS]
CHUNK = 2000


def export_queryset(qs: QuerySet[ModelWorker]) -> QuerySet[ModelWorker]:
    return qs.select_related("union", "employer").prefetch_related(
        Prefetch("honours", queryset=Honour.objects.order_by("year", "level", "id"))
    )


def write_roster(
    rows: Iterable[ModelWorker],
    path,
    *,
    unmasked: bool,
    title: str = "",
    columns: list[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the workbook to ``path``; return the number of people written."""
    chosen = [c for c in COLUMNS if columns is None or c.key in columns]
    n = 0
    with RosterWriter(path, sheet=str(_("Model workers")), title=title) as out:
        out.header([str(c.header) for c in chosen], [c.width for c in chosen])
        for worker in rows:
            values = []
            for c in chosen:
                value = c.get(worker)
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
