"""Read side of the archive: querysets already scoped to what the user may see."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from gongjiang.accounts import permissions
from gongjiang.accounts.enums import AuditAction, Role
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive.enums import MUNICIPAL_AND_ABOVE, Verification
from gongjiang.archive.models import (
    Employer,
    FamilyMember,
    HardshipReview,
    HardshipSpell,
    Honour,
    ModelWorker,
)
from gongjiang.core.fields import prefix_range
from gongjiang.core.pinyin import is_pinyin_prefix

SORTS: dict[str, list[str]] = {
    "": ["highest_level", "name_pinyin", "id"],
    "level": ["highest_level", "name_pinyin", "id"],
    "name": ["name_pinyin", "id"],
    "-name": ["-name_pinyin", "-id"],
    "birth": ["birth_date", "id"],
    "-birth": ["-birth_date", "-id"],
    "-updated": ["-updated_at", "-id"],
}
DEFAULT_SORT = "level"
LEVEL_GROUPS = {"municipal_up": list(MUNICIPAL_AND_ABOVE)}
EMPLOYER_MATCH_LIMIT = 500


def visible_model_workers(user, *, include_archived: bool = False) -> QuerySet[ModelWorker]:
    qs = ModelWorker.objects.all()
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    if permissions.has_perm(user, permissions.Perm.VIEW_ALL_RECORDS):
        return qs
    if permissions.is_self_scoped(user):
        if not user.model_worker_id:
            return qs.none()
        if user.role == Role.STUDIO_LEADER:
            # The leader's own record and their unit's team (read only: they have no edit right).
            return qs.filter(Q(pk=user.model_worker_id) | Q(pk__in=permissions.led_unit_member_ids(user)))
        return qs.filter(pk=user.model_worker_id)
    scope = permissions.union_scope(user)
    return qs.filter(union_id__in=scope) if scope else qs.none()


def _normalise(q: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", q or "")).strip()


@dataclass(frozen=True)
class SearchPlan:
    """What a search box query means: the condition, and the order that an index serves in
    the same walk ("best match"), so the first page of a common search is still instant."""

    condition: Q | None = None
    ordering: list[str] | None = None


INITIAL_LETTERS = set("abcdefghjklmnopqrstwxyz")  # no syllable starts with i, u or v


def search_plan(q: str) -> SearchPlan:
    """One box for names, pinyin, pinyin initials, ID numbers and employers.

    ``zs`` finds 张三 by initials; ``zhangsan``/``zhang`` by full pinyin; ``1234`` or ``123X``
    the ID numbers ending so; Chinese text the names starting with it and the people of
    employers whose name contains it.
    """
    q = _normalise(q)
    if not q:
        return SearchPlan()
    if re.fullmatch(r"\d{3}[\dXx]", q):
        return SearchPlan(Q(id_last4=q.upper()))
    if re.fullmatch(r"\d{17}[\dXx]", q):
        return SearchPlan(Q(id_number=q.upper()))
    if re.fullmatch(r"[A-Za-z]+", q):
        key = q.lower()
        initials = Q(**prefix_range("name_initials", key))
        pinyin = Q(**prefix_range("name_pinyin", key))
        could_be_initials = set(key) <= INITIAL_LETTERS
        if not is_pinyin_prefix(key):
            return SearchPlan(initials, ["name_initials", "name_pinyin", "id"])
        if not could_be_initials or len(key) >= 3:
            return SearchPlan(pinyin, ["name_pinyin", "id"])
        return SearchPlan(initials | pinyin)  # "zh", "an": both readings, in the usual order
    # Matching employers are looked up first (a small table): "name range OR employer in
    # (ids)" is two index scans, where "OR employer in (subquery)" would scan every person.
    employers = matching_employers(q)
    name = Q(**prefix_range("name", q))
    if employers:
        return SearchPlan(name | Q(employer__in=employers))
    return SearchPlan(name, ["name", "id"])


def search_condition(q: str) -> Q | None:
    return search_plan(q).condition


def matching_employers(text: str) -> list[int]:
    return list(
        Employer.objects.filter(name__contains=text).order_by().values_list("pk", flat=True)[:EMPLOYER_MATCH_LIMIT]
    )


@dataclass
class ListFilters:
    q: str = ""
    employer: str = ""
    level: str = ""
    status: str = ""
    union: int | None = None
    hardship: str = ""
    honour_kind: str = ""
    honour_year: int | None = None
    archived: bool = False
    sort: str = ""  # "" = best match when searching, else level then name

    def active(self) -> bool:
        return any(
            [
                self.q,
                self.employer,
                self.level,
                self.status,
                self.union,
                self.hardship,
                self.honour_kind,
                self.honour_year,
                self.archived,
            ]
        )


def filtered_model_workers(user, f: ListFilters) -> QuerySet[ModelWorker]:
    qs = visible_model_workers(user, include_archived=f.archived)
    if f.archived:
        qs = qs.filter(archived_at__isnull=False)
    if (cond := search_plan(f.q).condition) is not None:
        qs = qs.filter(cond)
    if f.employer:
        name = _normalise(f.employer)
        qs = qs.filter(employer__in=Employer.objects.filter(name__contains=name).values("pk")[:EMPLOYER_MATCH_LIMIT])
    if f.level in LEVEL_GROUPS:
        qs = qs.filter(highest_level__in=LEVEL_GROUPS[f.level])
    elif f.level.isdigit():
        qs = qs.filter(highest_level=int(f.level))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.union:
        qs = qs.filter(union_id=f.union)
    if f.hardship == "yes":
        qs = qs.filter(in_hardship=True)
    elif f.hardship == "no":
        qs = qs.filter(in_hardship=False)
    if f.honour_kind or f.honour_year:
        honours = Honour.objects.filter(model_worker=OuterRef("pk"), voided_at__isnull=True)
        if f.honour_kind:
            honours = honours.filter(kind=f.honour_kind)
        if f.honour_year:
            honours = honours.filter(year=f.honour_year)
        qs = qs.filter(Exists(honours))
    return qs


def ordering_for(f: ListFilters) -> list[str]:
    if not f.sort:
        return search_plan(f.q).ordering or SORTS[DEFAULT_SORT]
    return SORTS.get(f.sort, SORTS[DEFAULT_SORT])


def list_queryset(user, f: ListFilters) -> QuerySet[ModelWorker]:
    return filtered_model_workers(user, f).select_related("union", "employer")


def profile_queryset(user) -> QuerySet[ModelWorker]:
    """Everything the profile page shows, in a fixed number of queries."""
    return (
        visible_model_workers(user, include_archived=True)
        .select_related("union", "employer", "hardship_file")
        .prefetch_related(
            Prefetch("honours", queryset=Honour.objects.order_by("year", "level", "id")),
            Prefetch("family_members", queryset=FamilyMember.objects.order_by("removed_at", "id")),
        )
    )


def profile_page_queryset(user) -> QuerySet[ModelWorker]:
    """The profile page's: the record with its spells in hardship and yearly reviews."""
    return profile_queryset(user).prefetch_related(
        Prefetch(
            "hardship_spells",
            queryset=HardshipSpell.objects.select_related("recorded_by").order_by("-entered_on", "-id"),
        ),
        Prefetch(
            "hardship_reviews",
            queryset=HardshipReview.objects.select_related("reviewed_by").order_by("-year", "-id"),
        ),
    )


HARDSHIP_OBJECTS = ["archive.hardshipfile", "archive.hardshipspell", "archive.hardshipreview"]


def hardship_history_for(worker: ModelWorker, limit: int = 30) -> list[AuditEntry]:
    """The hardship file's history from the audit log: who changed which fact, when, the spells
    and the reviews (newest first)."""
    entries = AuditEntry.objects.filter(model_worker_id=worker.pk, object_type__in=HARDSHIP_OBJECTS).exclude(
        action__in=[AuditAction.READ, AuditAction.REFUSED]
    )
    return list(entries.select_related("actor")[:limit])


@dataclass
class ReviewYear:
    year: int
    due: list[ModelWorker]
    due_total: int
    reviewed: list[HardshipReview]
    outcomes: dict[str, int]


REVIEW_PAGE_ROWS = 500


def hardship_review_year(user, year: int) -> ReviewYear:
    """The year's review of hardship files, for the people the user may see: the files in force
    opened by that year and not yet reviewed for it, and the reviews made (three queries)."""
    reviewed_then = HardshipReview.objects.filter(model_worker=OuterRef("pk"), year=year)
    due = (
        visible_model_workers(user)
        .filter(in_hardship=True, hardship_file__established_on__year__lte=year)
        .exclude(Exists(reviewed_then))
    )
    due_total = due.count()
    rows = list(due.select_related("union", "hardship_file").order_by("name_pinyin", "id")[:REVIEW_PAGE_ROWS])
    reviews = list(
        HardshipReview.objects.filter(year=year, model_worker__in=visible_model_workers(user, include_archived=True))
        .select_related("model_worker", "model_worker__union", "reviewed_by")
        .order_by("-reviewed_on", "-id")
    )
    outcomes: dict[str, int] = {}
    for r in reviews:
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
    return ReviewYear(year=year, due=rows, due_total=due_total, reviewed=reviews, outcomes=outcomes)


def history_for(worker: ModelWorker, limit: int = 50) -> list[AuditEntry]:
    """The record's history, with that of any duplicate merged into it."""
    merged = ModelWorker.objects.filter(merged_into=worker).values("pk")
    entries = AuditEntry.objects.filter(Q(model_worker_id=worker.pk) | Q(model_worker_id__in=merged)).exclude(
        action__in=[AuditAction.READ, AuditAction.REFUSED]  # who looked is the auditor's, not the history's
    )
    return list(entries.select_related("actor")[:limit])


def pending_model_workers(user) -> QuerySet[ModelWorker]:
    """Live records awaiting the federation's verification, oldest first."""
    return (
        visible_model_workers(user)
        .filter(verification=Verification.PENDING)
        .select_related("union", "employer")
        .order_by("created_at", "id")
    )


def verified_holders(records) -> dict[str, ModelWorker]:
    """For each pending record's ID number, the verified record that already has it (one query)."""
    numbers = [w.id_number for w in records if w.id_number]
    if not numbers:
        return {}
    held = ModelWorker.objects.filter(id_number__in=numbers, verification=Verification.CONFIRMED)
    return {w.id_number: w for w in held.select_related("union") if w.id_number}


def likely_duplicates(user, limit: int = 200) -> list[tuple[ModelWorker, ModelWorker]]:
    """Pairs of live records with the same name and date of birth (the same ID number cannot
    occur twice among verified records: the database refuses it; a union's submission of a
    number already held waits on the 待核实 page)."""
    people = visible_model_workers(user)
    keys = list(people.values("name", "birth_date").annotate(n=Count("id")).filter(n__gt=1).order_by("name")[:limit])
    cond = Q()
    for key in keys:
        cond |= Q(name=key["name"], birth_date=key["birth_date"])
    if not keys:
        return []
    groups: dict[tuple, list[ModelWorker]] = {}
    for w in people.filter(cond).select_related("union", "employer").order_by("id"):
        groups.setdefault((w.name, w.birth_date), []).append(w)
    pairs = []
    for records in groups.values():
        first = records[0]
        pairs += [(first, other) for other in records[1:]]
    return pairs
