"""Read side of visits and needs: scoped querysets, and who to put on a visit plan, in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongjiang.accounts import permissions
from gongjiang.accounts.notices import Notice
from gongjiang.archive.enums import Verification
from gongjiang.archive.models import HardshipFile, ModelWorker
from gongjiang.archive.selectors import visible_model_workers
from gongjiang.care.enums import NeedState
from gongjiang.care.models import Invitation, Need, PlanEntry, Visit, VisitPlan, VisitRule
from gongjiang.care.permissions import CarePerm
from gongjiang.care.selectors import alive_on, in_hardship_on, titled_in
from gongjiang.care.services.visits import visit_rule_in_effect

SUGGESTIONS_SHOWN = 50


def _scoped(qs: QuerySet, user, field: str = "model_worker__union_id") -> QuerySet:
    scope = permissions.union_scope(user)
    if scope is None:
        return qs
    return qs.filter(**{f"{field}__in": scope}) if scope else qs.none()


def plans() -> QuerySet[VisitPlan]:
    return VisitPlan.objects.annotate(
        n_entries=Count("entries", distinct=True),
        n_done=Count("entries", filter=Q(entries__visit__isnull=False), distinct=True),
    )


def plan_entries(user, plan: VisitPlan) -> QuerySet[PlanEntry]:
    qs = PlanEntry.objects.filter(plan=plan).select_related(
        "model_worker", "model_worker__union", "assigned_to", "visit"
    )
    return _scoped(qs, user)


def visits(user) -> QuerySet[Visit]:
    return _scoped(Visit.objects.select_related("model_worker", "model_worker__union", "recorded_by"), user)


def needs(user) -> QuerySet[Need]:
    return _scoped(Need.objects.select_related("model_worker", "model_worker__union", "holder"), user)


def overdue_needs(user, today: dt.date | None = None) -> QuerySet[Need]:
    """The open needs past their deadline that this user holds (their worklist)."""
    today = today or timezone.localdate()
    return needs(user).filter(holder_id=user.pk, state=NeedState.OPEN, deadline__lt=today)


def overdue_notice(user) -> Notice | None:
    """For the start page: how many needs this user holds are past their deadline (one query)."""
    if not permissions.has_perm(user, CarePerm.VIEW_CARE):
        return None
    n = overdue_needs(user).count()
    if not n:
        return None
    return Notice(
        text=ngettext("You hold %(n)s need past its deadline.", "You hold %(n)s needs past their deadline.", n)
        % {"n": n},
        url=reverse("care:needs") + "?show=overdue",
    )


@dataclass
class PlanSuggestion:
    person: ModelWorker
    reason: str


def reference_date(plan: VisitPlan) -> dt.date:
    today = timezone.localdate()
    return today if plan.year == today.year else dt.date(plan.year, 1, 1)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _months_before(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(y, m + 1, min(day.day, 28))


def plan_suggestions(
    user, plan: VisitPlan, *, limit: int = SUGGESTIONS_SHOWN
) -> tuple[VisitRule | None, list[PlanSuggestion]]:
    """Who to visit, from the records: in hardship, seriously ill, a check-up's follow-up, aged at
    least the rule's age, or not visited for the rule's months — in that order of weight."""
    ref = reference_date(plan)
    rule = visit_rule_in_effect(ref)
    if rule is None:
        return None, []
    old_born = _years_before(ref, rule.age_at_least)
    not_since = _months_before(ref, rule.months_without_visit)
    ill = HardshipFile.objects.filter(
        model_worker=OuterRef("pk"), serious_illness=True, established_on__lte=ref
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=ref))
    follow = Invitation.objects.filter(
        model_worker=OuterRef("pk"), follow_up=True, campaign__year__gte=plan.year - 1, campaign__year__lte=plan.year
    )
    last = (
        Visit.objects.filter(model_worker=OuterRef("pk"), visited_on__lte=ref)
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    on_plan = PlanEntry.objects.filter(model_worker=OuterRef("pk"), plan=plan)
    qs = (
        visible_model_workers(user)
        .filter(verification=Verification.CONFIRMED)
        .filter(alive_on(ref))
        .filter(titled_in(plan.year, ref))
        .exclude(Exists(on_plan))
        .annotate(hardship=in_hardship_on(ref), ill=Exists(ill), follow_up=Exists(follow), last_visit=Subquery(last))
        .filter(
            Q(hardship=True)
            | Q(ill=True)
            | Q(follow_up=True)
            | Q(birth_date__lte=old_born)
            | Q(last_visit__isnull=True)
            | Q(last_visit__lt=not_since)
        )
        .select_related("union")
        .order_by(
            F("hardship").desc(),
            F("ill").desc(),
            F("follow_up").desc(),
            "birth_date",
            F("last_visit").asc(nulls_first=True),
            "pk",
        )
    )
    out = []
    for p in qs[:limit]:
        parts = []
        if p.hardship:
            parts.append(_("in hardship"))
        if p.ill:
            parts.append(_("seriously ill"))
        if p.follow_up:
            parts.append(_("to follow up after a check-up"))
        b = p.birth_date
        age = ref.year - b.year - ((ref.month, ref.day) < (b.month, b.day))
        if p.birth_date <= old_born:
            parts.append(_("aged %(n)s") % {"n": age})
        if p.last_visit is None:
            parts.append(_("never visited"))
        elif p.last_visit < not_since:
            parts.append(_("last visited %(on)s") % {"on": p.last_visit.isoformat()})
        out.append(PlanSuggestion(p, "；".join(str(x) for x in parts)))
    return rule, out
