"""Counting model workers "as of" a date, each person once at their highest level.

For today the counters kept by database triggers are the answer (see reports.counters): a
few hundred rows, exact in the same transaction as every change. For a past date the levels are recomputed from
the honours that had been awarded by then and not yet revoked, and the status from the
retirement and death dates, and hardship from the spells in hardship (archive.HardshipSpell)
that covered the date; people honoured only later are not counted then.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, CharField, Count, Exists, Min, OuterRef, Q, Sum, Value, When
from django.utils import timezone

from gongjiang.accounts import permissions
from gongjiang.accounts.models import Organisation
from gongjiang.archive.enums import MODEL_WORKER_KINDS, MUNICIPAL_AND_ABOVE, Level, Status, Verification
from gongjiang.archive.models import HardshipSpell
from gongjiang.archive.selectors import visible_model_workers
from gongjiang.reports.models import HonourCell, PersonCell


@dataclass
class Headline:
    national: int = 0
    provincial: int = 0
    municipal: int = 0
    district: int = 0

    @property
    def municipal_and_above(self) -> int:
        return self.national + self.provincial + self.municipal


@dataclass
class Dashboard:
    as_of: dt.date
    headline: Headline
    by_status: dict[str, dict[int, int]]
    by_union: list[dict]
    honours_by_year: dict[int, dict[int, int]]
    total_records: int = 0
    in_hardship: int | None = 0
    years: list[int] = field(default_factory=list)


def _cells(user, as_of: dt.date):
    """Rows of (level, status, union id, in hardship, count) for people visible to the user."""
    if as_of >= timezone.localdate():
        cells = PersonCell.objects.filter(archived=False, n__gt=0)
        scope = _union_scope(user)
        if scope is not None:
            cells = cells.filter(union_id__in=scope)
        return list(cells.values_list("highest_level", "status", "union_id", "in_hardship", "n"))
    # Each person's level then: the best honour awarded by that year and not yet revoked. One
    # grouped join (hash aggregate) per person, then counted by key in the database. Someone
    # first honoured later was not yet in the archive then, and is not counted at all.
    awarded = Q(honours__voided_at__isnull=True, honours__year__lte=as_of.year)
    held = (
        awarded
        & Q(honours__kind__in=MODEL_WORKER_KINDS)
        & (Q(honours__revoked_on__isnull=True) | Q(honours__revoked_on__gt=as_of))
    )
    status = Case(
        When(died_on__lte=as_of, then=Value(Status.DECEASED)),
        When(retired_on__lte=as_of, then=Value(Status.RETIRED)),
        default=Value(Status.WORKING),
        output_field=CharField(),
    )
    # In hardship then: a spell that had begun and not yet ended (index hardship_spell_dates).
    hardship = Exists(
        HardshipSpell.objects.filter(model_worker=OuterRef("pk"), entered_on__lte=as_of).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=as_of)
        )
    )
    people = (
        visible_model_workers(user)
        .filter(birth_date__lte=as_of, verification=Verification.CONFIRMED)
        .annotate(st=status, hs=hardship)
        .values("id", "union_id", "st", "hs")
        .annotate(lvl=Min("honours__level", filter=held), titles=Count("honours", filter=awarded))
        .filter(titles__gt=0)
        .order_by()
    )
    sql, params = people.query.sql_with_params()
    with connection.cursor() as cursor:
        # The inner SQL is the ORM's own, with its parameters bound separately.
        cursor.execute(
            f"SELECT lvl, st, union_id, hs, COUNT(*) FROM ({sql}) people GROUP BY lvl, st, union_id, hs",  # noqa: S608
            params,
        )
        rows = cursor.fetchall()
    return [(lvl or Level.NONE, st, union, bool(hs), n) for lvl, st, union, hs, n in rows]


def _honours_by_year(user, as_of: dt.date) -> dict[int, dict[int, int]]:
    """Model-worker honours awarded per year and level (void ones and archived people left out)."""
    cells = HonourCell.objects.filter(archived=False, kind__in=MODEL_WORKER_KINDS, year__lte=as_of.year, n__gt=0)
    scope = _union_scope(user)
    if scope is not None:
        cells = cells.filter(union_id__in=scope)
    out: dict[int, dict[int, int]] = defaultdict(dict)
    for year, level, n in cells.values_list("year", "level").annotate(total=Sum("n")).order_by():
        out[year][level] = n
    return out


def _union_scope(user) -> list[int] | None:
    if permissions.is_self_scoped(user):
        return []
    return permissions.union_scope(user)


def dashboard(user, as_of: dt.date | None = None) -> Dashboard:
    as_of = as_of or timezone.localdate()
    headline = Headline()
    by_status: dict[str, dict[int, int]] = {s: defaultdict(int) for s in Status.values}
    per_union: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    total = 0
    in_hardship: int | None = 0
    for level, status, union, hardship, n in _cells(user, as_of):
        total += n
        if hardship is None:
            in_hardship = None
        elif hardship and in_hardship is not None:
            in_hardship += n
        if level == Level.NATIONAL:
            headline.national += n
        elif level == Level.PROVINCIAL:
            headline.provincial += n
        elif level == Level.MUNICIPAL:
            headline.municipal += n
        elif level == Level.DISTRICT:
            headline.district += n
        by_status[status][level] += n
        per_union[union][level] += n
    unions = Organisation.objects.in_bulk(list(per_union))
    by_union = []
    for union_id, levels in per_union.items():
        org = unions.get(union_id)
        by_union.append(
            {
                "union": org,
                "national": levels.get(Level.NATIONAL, 0),
                "provincial": levels.get(Level.PROVINCIAL, 0),
                "municipal": levels.get(Level.MUNICIPAL, 0),
                "municipal_and_above": sum(levels.get(lv, 0) for lv in MUNICIPAL_AND_ABOVE),
                "total": sum(levels.values()),
            }
        )
    by_union.sort(key=lambda r: (-r["municipal_and_above"], r["union"].code if r["union"] else ""))
    by_year = _honours_by_year(user, as_of)
    years = sorted(by_year)
    return Dashboard(
        as_of=as_of,
        headline=headline,
        by_status=by_status,
        by_union=by_union,
        honours_by_year=by_year,
        total_records=total,
        in_hardship=in_hardship,
        years=years,
    )


def dashboard_years(user, as_of: dt.date) -> dict[int, dict[int, int]]:
    return _honours_by_year(user, as_of)


def api_summary(user, as_of: dt.date) -> dict:
    """The dashboard as plain data (the API's /stats/dashboard), with the article's sentence."""
    d = dashboard(user, as_of)
    h = d.headline
    return {
        "as_of": d.as_of,
        "sentence": (
            f"市以上劳模 {h.municipal_and_above} 人（其中：全国劳模 {h.national} 人；"
            f"省（部）级劳模 {h.provincial} 人；市级劳模 {h.municipal} 人）"
        ),
        "total": d.total_records,
        "by_level": {
            "national": h.national,
            "provincial": h.provincial,
            "municipal": h.municipal,
            "district": h.district,
        },
        "by_status": {status: sum(levels.values()) for status, levels in d.by_status.items()},
        "by_union": [
            {
                "union_id": r["union"].pk if r["union"] else None,
                "union": r["union"].name if r["union"] else "",
                "national": r["national"],
                "provincial": r["provincial"],
                "municipal": r["municipal"],
                "municipal_and_above": r["municipal_and_above"],
                "total": r["total"],
            }
            for r in d.by_union
        ],
        "honours_by_year": [
            {"year": year, **{str(level): n for level, n in levels.items()}}
            for year, levels in sorted(d.honours_by_year.items())
        ],
        "in_hardship": d.in_hardship,
    }
