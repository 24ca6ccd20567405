"""Visit plans and visits: the federation plans per occasion, the federation or the person's union
goes, and what was learnt is recorded under the article's headings.

Condolence money or goods handed over at a visit are paid through the treatment schemes
(``benefits``: a batch of the holiday condolence scheme, or an in-kind distribution out of the
stock); a visit only names what was given, so there is no second money path."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import Organisation
from gongjiang.care.enums import Allowance, Occasion
from gongjiang.care.models import PlanEntry, Visit, VisitPlan, VisitRule
from gongjiang.care.permissions import CarePerm
from gongjiang.care.services.common import require_record_for

FINDINGS = ["health", "family", "income", "thoughts", "living", "housing"]
VISIT_FIELDS = ["occasion", "mode", "visited_on", "visitors", *FINDINGS, "allowance"]


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def visit_rule_in_effect(on: dt.date) -> VisitRule | None:
    return (
        VisitRule.objects.filter(effective_from__lte=on)
        .exclude(effective_until__lt=on)
        .order_by("-effective_from")
        .first()
    )


@transaction.atomic
def add_visit_rule(*, actor, effective_from: dt.date, age_at_least: int, months_without_visit: int) -> VisitRule:
    permissions.require(actor, CarePerm.MANAGE_CARE)
    errors = {}
    if not 60 <= (age_at_least or 0) <= 110:
        errors["age_at_least"] = [_("Give an age from 60 to 110.")]
    if not 1 <= (months_without_visit or 0) <= 60:
        errors["months_without_visit"] = [_("Give a number of months from 1 to 60.")]
    if VisitRule.objects.filter(effective_from__gte=effective_from).exists():
        errors["effective_from"] = [_("A rule already starts on or after this date; start the new one later.")]
    if errors:
        raise ValidationError(errors)
    current = VisitRule.objects.select_for_update().filter(effective_until__isnull=True).first()
    if current is not None:
        current.effective_until = effective_from - dt.timedelta(days=1)
        current.save(update_fields=["effective_until"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=current,
            changes={"effective_until": [None, current.effective_until]},
        )
    rule = VisitRule.objects.create(
        effective_from=effective_from,
        age_at_least=age_at_least,
        months_without_visit=months_without_visit,
        created_by=_user(actor),
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=rule,
        changes={
            "effective_from": [None, effective_from],
            "age_at_least": [None, age_at_least],
            "months_without_visit": [None, months_without_visit],
        },
    )
    return rule


@transaction.atomic
def create_plan(*, actor, occasion: str, year: int, title: str = "") -> VisitPlan:
    permissions.require(actor, CarePerm.MANAGE_CARE)
    if occasion not in Occasion.values:
        raise ValidationError({"occasion": [_("Choose the occasion.")]})
    if not 1979 <= year <= 2100:
        raise ValidationError({"year": [_("Give a year from 1979 on.")]})
    title = (title or "").strip()[:100] or _("%(year)s %(occasion)s visits") % {
        "year": year,
        "occasion": Occasion(occasion).label,
    }
    try:
        with transaction.atomic():
            plan = VisitPlan.objects.create(occasion=occasion, year=year, title=title, created_by=_user(actor))
    except IntegrityError:
        raise ValidationError({"year": [_("There is already a plan for this occasion and year.")]}) from None
    record(
        actor=actor, action=AuditAction.CREATE, obj=plan, changes={"occasion": [None, occasion], "year": [None, year]}
    )
    return plan


def _default_assignee(actor, worker) -> Organisation:
    """The person's union visits, unless the federation takes the visit itself."""
    return worker.union


@transaction.atomic
def add_to_plan(*, actor, plan: VisitPlan, model_worker, reason: str = "", by_federation: bool = False) -> PlanEntry:
    """Put a person on a plan, assigned to their union or (the federation only) to the federation."""
    require_record_for(actor, model_worker)
    if by_federation:
        if not permissions.has_perm(actor, CarePerm.MANAGE_CARE):
            raise PermissionDenied(_("Only the federation can take a visit itself."))
        assignee = Organisation.objects.filter(parent__isnull=True).order_by("pk").first() or model_worker.union
    else:
        assignee = _default_assignee(actor, model_worker)
    try:
        with transaction.atomic():
            entry = PlanEntry.objects.create(
                plan=plan, model_worker=model_worker, reason=(reason or "").strip()[:300], assigned_to=assignee
            )
    except IntegrityError:
        raise ValidationError(_("%(name)s is already on this plan.") % {"name": model_worker.name}) from None
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=entry,
        model_worker_id=model_worker.pk,
        organisation_id=model_worker.union_id,
        changes={"plan": [None, plan.title], "assigned_to": [None, str(assignee)]},
    )
    return entry


def _clean_visit(data: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {k: data.get(k) for k in VISIT_FIELDS}
    for k in (*FINDINGS, "visitors"):
        clean[k] = (clean[k] or "").strip()
    clean["visitors"] = clean["visitors"][:200]
    errors: dict[str, list] = {}
    clean["allowance"] = clean["allowance"] or Allowance.UNKNOWN
    if clean["allowance"] not in Allowance.values:
        errors["allowance"] = [_("Choose whether the honour allowance arrives.")]
    if not clean["visitors"]:
        errors["visitors"] = [_("Say who went.")]
    if not isinstance(clean["visited_on"], dt.date):
        errors["visited_on"] = [_("Give the date of the visit.")]
    elif clean["visited_on"] > timezone.localdate():
        errors["visited_on"] = [_("The date is in the future.")]
    if not any(clean[k] for k in FINDINGS):
        errors["health"] = [_("Record what the visit learnt under at least one heading.")]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def record_visit(*, actor, model_worker, data: dict[str, Any], entry: PlanEntry | None = None) -> Visit:
    """A visit made (to a planned person, or any other), with what it learnt."""
    require_record_for(actor, model_worker)
    clean = _clean_visit(data)
    if entry is not None:
        entry = PlanEntry.objects.select_for_update().select_related("plan").get(pk=entry.pk)
        if entry.model_worker_id != model_worker.pk:
            raise ValidationError(_("The planned visit is of another person."))
        if entry.visit_id:
            raise ValidationError(_("This planned visit has been recorded already."))
        clean["occasion"] = entry.plan.occasion
    elif clean["occasion"] not in Occasion.values:
        raise ValidationError({"occasion": [_("Choose the occasion.")]})
    visit = Visit.objects.create(model_worker=model_worker, recorded_by=_user(actor), **clean)
    if entry is not None:
        entry.visit = visit
        entry.save(update_fields=["visit"])
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=visit,
        model_worker_id=model_worker.pk,
        organisation_id=model_worker.union_id,
        changes={k: [None, v] for k, v in clean.items() if v not in (None, "")},
    )
    return visit
