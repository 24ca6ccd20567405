"""Reads of the platform, already scoped to what the user may see, and the figures the
overview states (the article's sentences, units by tier and year, targets)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongjiang.accounts import permissions
from gongjiang.accounts.enums import Role
from gongjiang.archive.models import Employer
from gongjiang.platform.enums import (
    ESTABLISHED,
    AchievementKind,
    CaseState,
    Have,
    InspectionState,
    ProjectRole,
    ProjectStatus,
    Tier,
    UnitStatus,
)
from gongjiang.platform.models import Achievement, Case, Inspection, Target, TierSpan, Unit, UnitHave, UnitMember

Perm = permissions.Perm


def visible_units(user) -> QuerySet[Unit]:
    qs = Unit.objects.all()
    if not permissions.has_perm(user, Perm.VIEW_PLATFORM):
        return qs.none()
    if permissions.has_perm(user, Perm.VIEW_ALL_RECORDS):
        return qs
    if user.role == Role.STUDIO_LEADER:
        return qs.filter(leader_id=user.model_worker_id) if user.model_worker_id else qs.none()
    scope = permissions.union_scope(user)
    return qs.filter(union_id__in=scope) if scope else qs.none()


def led_unit_ids(user):
    """The units a studio leader opens as their own (``accounts.reach``), by id."""
    return visible_units(user).values_list("pk", flat=True)


def led_team_member_ids(user):
    """A leader's reach in the archive: the model workers on their units' teams (a queryset of
    ids, for a subquery; ``accounts.reach``)."""
    return UnitMember.objects.filter(
        unit__leader_id=user.model_worker_id, left_on__isnull=True, model_worker__isnull=False
    ).values("model_worker_id")


# The article's counting: projects led or completed; new products and technologies; science
# and technology awards; collective and individual honours. Patents and papers besides.
ACHIEVEMENT_COUNTS = {
    "projects": Q(kind=AchievementKind.PROJECT) & (Q(role=ProjectRole.LED) | Q(project_status=ProjectStatus.COMPLETED)),
    "products": Q(kind=AchievementKind.PRODUCT),
    "awards": Q(kind=AchievementKind.AWARD),
    "honours": Q(kind=AchievementKind.HONOUR),
    "patents": Q(kind=AchievementKind.PATENT),
    "papers": Q(kind=AchievementKind.PAPER),
}


ACHIEVEMENT_LABELS = {
    "projects": _("Research projects led or completed"),
    "products": _("New products and technologies"),
    "awards": _("Science and technology awards"),
    "honours": _("Collective and individual honours"),
    "patents": _("Patents"),
    "papers": _("Papers"),
}


def _counted() -> dict:
    return {key: Count("id", filter=cond) for key, cond in ACHIEVEMENT_COUNTS.items()}


def achievement_counts(qs: QuerySet[Achievement]) -> dict[str, int]:
    return qs.filter(voided_at__isnull=True).aggregate(**_counted())


def achievement_counts_by(qs: QuerySet[Achievement], group: str) -> dict:
    """The same counts for each value of ``group`` (``year``, ``unit__tier``): one
    definition, so the tables add up to the headline."""
    rows = qs.filter(voided_at__isnull=True).values(group).annotate(**_counted()).order_by(group)
    return {row[group]: {key: row[key] for key in ACHIEVEMENT_COUNTS} for row in rows}


def established_counts(qs: QuerySet[Unit] | None = None) -> dict[str, int]:
    qs = Unit.objects.all() if qs is None else qs
    rows = dict(qs.filter(status__in=ESTABLISHED).values_list("tier").annotate(n=Count("id")).values_list("tier", "n"))
    return {tier: rows.get(tier, 0) for tier in Tier.values}


def established_at(day: dt.date) -> dict[str, int]:
    """Units holding a plaque on a day, by tier — from the tier history, so any past day."""
    held = Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gt=day))
    rows = dict(TierSpan.objects.filter(held).values_list("tier").annotate(n=Count("id")).values_list("tier", "n"))
    return {tier: rows.get(tier, 0) for tier in Tier.values}


def units_by_year(first: int, last: int) -> dict[int, dict[str, int]]:
    """Units holding a plaque at the end of each year, by tier — one query over the tier history."""
    if last < first:
        return {}
    aggs = {}
    for year in range(first, last + 1):
        end = dt.date(year, 12, 31)
        aggs[f"y{year}"] = Count("id", filter=Q(starts_on__lte=end) & (Q(ends_on__isnull=True) | Q(ends_on__gt=end)))
    rows = TierSpan.objects.values("tier").annotate(**aggs)
    out = {year: dict.fromkeys(Tier.values, 0) for year in range(first, last + 1)}
    for row in rows:
        counts: dict[str, Any] = dict(row)
        for year in range(first, last + 1):
            out[year][counts["tier"]] = counts[f"y{year}"]
    return out


def first_year() -> int | None:
    first = TierSpan.objects.order_by("starts_on").values_list("starts_on", flat=True).first()
    return first.year if first else None


@dataclass
class TargetProgress:
    target: Target
    years: list[tuple[int, dict[str, int]]]
    final: dict[str, int]

    @property
    def percents(self) -> dict[str, int]:
        return {t: self.percent(t) for t in Tier.values}

    def percent(self, tier: str) -> int:
        goal = {
            Tier.STUDIO: self.target.studios,
            Tier.STAR_POST: self.target.star_posts,
            Tier.STANDARD_BEARER: self.target.standard_bearers,
        }[Tier(tier)]
        return round(100 * self.final.get(tier, 0) / goal) if goal else 100


def overview(
    today: dt.date, *, year: int | None = None, results_from: int | None = None, results_to: int | None = None
) -> dict:
    """Everything the platform's page says, in a fixed number of queries: today, or at the end
    of a past ``year`` (the article's sentence is the end of 2016); the results counted over
    ``results_from``–``results_to`` (by default every year up to the one shown)."""
    past = year is not None and year < today.year
    end = dt.date(year, 12, 31) if past and year is not None else today
    counts = established_at(end) if past else established_counts()
    results_to = results_to if results_to is not None else (end.year if past else None)
    achievements = Achievement.objects.filter(unit__isnull=False)
    if results_from is not None:
        achievements = achievements.filter(year__gte=results_from)
    if results_to is not None:
        achievements = achievements.filter(year__lte=results_to)
    results = achievement_counts(achievements)
    start = first_year()
    years = units_by_year(start, end.year) if start else {}
    # The plan in force that year, or the last one before it.
    target = Target.objects.filter(first_year__lte=end.year).order_by("-last_year").first()
    progress = None
    if target:
        span = {y: c for y, c in years.items() if target.first_year <= y <= target.last_year}
        last = min(target.last_year, end.year)
        progress = TargetProgress(target=target, years=sorted(span.items()), final=years.get(last, counts))
    pending = dict(
        Case.objects.filter(state=CaseState.PENDING)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    warned = Unit.objects.filter(status=UnitStatus.WARNED).aggregate(
        n=Count("id"), overdue=Count("id", filter=Q(warning_deadline__lt=today))
    )
    inspections = Inspection.objects.filter(state=InspectionState.OPEN).aggregate(
        n=Count("id"), overdue=Count("id", filter=Q(deadline__lt=today))
    )
    applying = Unit.objects.filter(status__in=[UnitStatus.APPLYING, UnitStatus.APPROVED]).count()
    return {
        "year": end.year if past else None,
        "results_from": results_from,
        "results_to": results_to,
        "counts": counts,
        "results": results,
        **sentences(counts, results),
        "years": years,
        "progress": progress,
        "pending": pending,
        "warned": warned,
        "inspections": inspections,
        "applying": applying,
    }


def sentences(counts: dict[str, int], results: dict[str, int]) -> dict[str, str]:
    """The article's two sentences about the platform, from the figures (overview page and API)."""
    return {
        "sentence": (
            f"全区已建立 {counts['studio']:,} 个工作室、{counts['star_post']:,} 个星级示范岗和 "
            f"{counts['standard_bearer']:,} 个标兵。"
        ),
        "results_sentence": (
            f"各工作室、星级示范岗主持或完成各级课题 {results['projects']:,} 项，完成自主开发新产品、技术 "
            f"{results['products']:,} 项，获得各类科技奖项 {results['awards']:,} 项，获得集体、个人荣誉 "
            f"{results['honours']:,} 次。"
        ),
    }


def may_read_running(user) -> bool:
    """Who reads the running of the platform: the federation, its reviewers and the auditor."""
    return any(permissions.has_perm(user, p) for p in (Perm.MANAGE_PLATFORM, Perm.SCORE_UNITS)) or (
        permissions.has_perm(user, Perm.VIEW_PLATFORM) and permissions.has_perm(user, Perm.VIEW_ALL_RECORDS)
    )


def filter_units(qs: QuerySet, *, status: str = "", tier: str = "", q: str = "", stars=None, union=None) -> QuerySet:
    """The unit list's filters (page and API): no status means the established units, "all"
    every status; the search looks in the name, plaque number, leader and field."""
    if status == "":
        qs = qs.filter(status__in=ESTABLISHED)
    elif status != "all":
        qs = qs.filter(status=status)
    if tier:
        qs = qs.filter(tier=tier)
    if stars is not None:
        qs = qs.filter(stars=stars)
    if union is not None:
        qs = qs.filter(union_id=union)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(name__contains=q)
            | Q(plaque_number__icontains=q)
            | Q(leader_name__contains=q)
            | Q(leader__name__startswith=q)
            | Q(field__contains=q)
        )
    return qs


def visible_employers(user) -> QuerySet:
    """Employers a unit may name: those of the user's unions (every one for the federation)."""
    qs = Employer.objects.order_by("name")
    scope = permissions.union_scope(user)
    return qs if scope is None else qs.filter(union_id__in=scope)


@dataclass
class HaveRow:
    """One of the six haves on the unit's page: the record (None until first set) and its evidence."""

    key: str
    label: str | Promise
    item: UnitHave | None
    evidence: list

    @property
    def met(self) -> bool:
        return bool(self.item.met) if self.item is not None else False

    @property
    def note(self) -> str:
        return self.item.note if self.item is not None else ""


@dataclass
class UnitOverview:
    """What the unit's page and the API's unit detail both show, read the same way for both.

    Attributes it does not hold are the unit's own (``overview.name`` is ``unit.name``), so a
    schema for the unit reads the overview as it reads the unit. The querysets are not yet run.
    """

    unit: Unit
    haves: dict
    have_rows: list[HaveRow]
    members: QuerySet
    events: QuerySet
    evaluations: QuerySet
    pending_cases: QuerySet
    spans: QuerySet
    achievement_counts: dict[str, int]

    @property
    def haves_met(self) -> int:
        return sum(1 for h in self.haves.values() if h.met)

    def __getattr__(self, name: str):
        if name == "unit":  # not yet set (a copy being made): no recursion
            raise AttributeError(name)
        return getattr(self.unit, name)


def unit_overview(unit: Unit) -> UnitOverview:
    """The six haves with their evidence, the team, the latest events and evaluations, the
    pending candidacies, the plaques held and the achievement counts of one unit."""
    haves = {h.have: h for h in unit.haves.select_related("updated_by")}
    evidence = list(unit.evidence.filter(withdrawn_at__isnull=True, achievement__isnull=True).order_by("have", "id"))
    return UnitOverview(
        unit=unit,
        haves=haves,
        have_rows=[
            HaveRow(key=h, label=Have(h).label, item=haves.get(h), evidence=[e for e in evidence if e.have == h])
            for h in Have.values
        ],
        members=unit.members.select_related("model_worker").order_by("left_on", "role", "id"),
        events=unit.events.select_related("actor").order_by("-id")[:50],
        evaluations=unit.evaluations.select_related("round").order_by("-round_id")[:10],
        pending_cases=unit.cases.filter(state=CaseState.PENDING).order_by("id"),
        spans=unit.spans.order_by("starts_on", "id"),
        achievement_counts=achievement_counts(unit.achievements.all()),
    )
