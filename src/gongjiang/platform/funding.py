"""Funding (经费拨付): the yearly budget split across the established units, the money paid to
them, and what they spent it on.

``split`` is the arithmetic: fixed grants first (a new studio, a re-confirmed studio), the rest
shared by weight (tier × grade) with the largest-remainder method, in whole yuan, so the
shares always add up exactly to the budget and none is negative.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import User
from gongjiang.accounts.permissions import Actor, require, user_of
from gongjiang.core.errors import DomainError
from gongjiang.platform.enums import ESTABLISHED, Grade, PlanState, RoundState, Tier
from gongjiang.platform.models import (
    Allocation,
    Disbursement,
    Evaluation,
    Expense,
    FundingPlan,
    PlatformPolicy,
    TierSpan,
    Unit,
)
from gongjiang.platform.permissions import require_keep
from gongjiang.platform.services.common import clean_text
from gongjiang.platform.services.evidence import check_upload

Perm = permissions.Perm


@dataclass(frozen=True)
class Share:
    """One unit's claim: a fixed grant (whole yuan), or a weight for a part of the rest."""

    fixed: int | None = None
    weight: Fraction = Fraction(0)


def _fixed(share: Share) -> int:
    """A fixed grant as counted: a negative one counts as none."""
    return max(share.fixed or 0, 0)


def _apportion(total: int, weights: list[Fraction]) -> list[int]:
    """Largest remainder: whole numbers proportional to the weights, adding up to ``total``;
    ties go to the earlier entry. All weights zero → equal parts."""
    if not weights:
        return []
    if total == 0:
        return [0] * len(weights)
    if sum(weights) == 0:
        weights = [Fraction(1)] * len(weights)
    whole = sum(weights)
    quotas = [total * w / whole for w in weights]
    parts = [int(q) for q in quotas]  # floor: quotas are not negative
    left = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def split(budget: int, shares: list[Share]) -> list[int]:
    """Whole-yuan amounts, one per share, that add up exactly to ``budget``; none negative.

    Fixed grants are paid first. If they alone exceed the budget they are scaled down to it
    (by the same largest-remainder rule) and nothing is left for the rest. What remains after
    the fixed grants goes to the others by weight; if no other unit has a weight, it goes to
    the fixed ones in proportion to their grants.
    """
    if budget < 0:
        raise ValueError("negative budget")
    if not shares:
        raise ValueError("no units")
    fixed_idx = [i for i, s in enumerate(shares) if s.fixed is not None]
    other_idx = [i for i, s in enumerate(shares) if s.fixed is None]
    out = [0] * len(shares)
    fixed_total = sum(_fixed(shares[i]) for i in fixed_idx)
    if fixed_total >= budget and fixed_idx:
        for i, amount in zip(
            fixed_idx, _apportion(budget, [Fraction(_fixed(shares[i])) for i in fixed_idx]), strict=True
        ):
            out[i] = amount
        return out
    for i in fixed_idx:
        out[i] = _fixed(shares[i])
    rest = budget - fixed_total
    weighted = [i for i in other_idx if shares[i].weight > 0]
    if weighted:
        for i, amount in zip(weighted, _apportion(rest, [shares[i].weight for i in weighted]), strict=True):
            out[i] += amount
    elif fixed_idx:
        grants = [Fraction(_fixed(shares[i])) for i in fixed_idx]  # a negative grant counts as none
        for i, amount in zip(fixed_idx, _apportion(rest, grants), strict=True):
            out[i] += amount
    else:
        for i, amount in zip(other_idx, _apportion(rest, [Fraction(0)] * len(other_idx)), strict=True):
            out[i] += amount
    return out


# --- Plans ------------------------------------------------------------------------------------


def _whole(value, field: str) -> int:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        amount = None
    if amount is None or amount < 0 or amount != amount.to_integral_value():
        raise ValidationError({field: [_("Enter an amount in whole yuan.")]})
    return int(amount)


def _weights(raw: dict, keys: list[str], field: str) -> dict[str, Fraction]:
    out = {}
    for key in keys:
        try:
            value = Fraction(str(raw.get(key, "0") or "0"))
        except (ValueError, ZeroDivisionError):
            value = Fraction(-1)
        if value < 0:
            raise ValidationError({field: [_("A weight is a number of 0 or more.")]})
        out[key] = value
    return out


def units_for(year: int) -> list[tuple[Unit, str, str | None]]:
    """The established units with the grade of their latest closed round up to the year and
    whether a studio is new this year: (unit, grade or '', 'new' / 'reconfirmed' / None)."""
    units = list(Unit.objects.filter(status__in=ESTABLISHED).order_by("tier", "pk"))
    grades: dict[int, str] = {}
    for unit_id, grade in (
        Evaluation.objects.filter(unit__in=units, round__state=RoundState.CLOSED, round__year__lte=year)
        .exclude(grade="")
        .order_by("round__closed_on", "round_id")
        .values_list("unit_id", "grade")
    ):
        grades[unit_id] = grade  # the latest wins
    new_studios = set(
        TierSpan.objects.filter(tier=Tier.STUDIO, starts_on__year=year, ends_on__isnull=True).values_list(
            "unit_id", flat=True
        )
    )
    out = []
    for unit in units:
        status = None
        if unit.tier == Tier.STUDIO:
            if unit.pk in new_studios:
                status = "new"
            elif grades.get(unit.pk) in (Grade.EXCELLENT, Grade.GOOD, Grade.PASS):
                status = "reconfirmed"
        out.append((unit, grades.get(unit.pk, ""), status))
    return out


def allocate(plan: FundingPlan) -> list[tuple[Unit, int, str]]:
    """The plan's split: (unit, amount, basis in words)."""
    rows = units_for(plan.year)
    tier_w = _weights(plan.tier_weights, Tier.values, "tier_weights")
    grade_w = _weights(plan.grade_weights, [*Grade.values, "none"], "grade_weights")
    new_grant, again_grant = int(plan.grant_new_studio), int(plan.grant_reconfirmed_studio)
    shares, words = [], []
    for unit, grade, studio in rows:
        if studio == "new":
            shares.append(Share(fixed=new_grant))
            words.append(_("New studio: fixed grant ¥%(a)s") % {"a": f"{new_grant:,}"})
        elif studio == "reconfirmed":
            shares.append(Share(fixed=again_grant))
            words.append(
                _("Studio re-confirmed (%(g)s): fixed grant ¥%(a)s")
                % {"g": Grade(grade).label, "a": f"{again_grant:,}"}
            )
        else:
            weight = tier_w[unit.tier] * grade_w[grade or "none"]
            shares.append(Share(weight=weight))
            stars = f" {'★' * unit.stars}" if unit.stars else ""
            grade_text = Grade(grade).label if grade else _("not yet evaluated")
            words.append(
                _("%(tier)s%(stars)s · %(grade)s · weight %(t)s × %(g)s")
                % {
                    "tier": unit.get_tier_display(),
                    "stars": stars,
                    "grade": grade_text,
                    "t": _num(tier_w[unit.tier]),
                    "g": _num(grade_w[grade or "none"]),
                }
            )
    if not rows:
        return []
    amounts = split(int(plan.budget), shares)
    return [(unit, amount, word) for (unit, _g, _s), amount, word in zip(rows, amounts, words, strict=True)]


def _num(f: Fraction) -> str:
    return str(f.numerator) if f.denominator == 1 else f"{float(f):g}"


@transaction.atomic
def save_plan(*, actor: Actor, data: dict[str, Any], plan: FundingPlan | None = None) -> FundingPlan:
    """Create or change a draft plan, and (re)compute its split."""
    require(actor, Perm.MANAGE_PLATFORM)
    if plan is not None:
        plan = FundingPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.state != PlanState.DRAFT:
            raise DomainError(_("An approved plan does not change."), code="conflict")
    policy = PlatformPolicy.current()
    year = int(data.get("year") or timezone.localdate().year)
    same_year = FundingPlan.objects.filter(year=year)
    if plan is not None and plan.pk is not None:
        same_year = same_year.exclude(pk=plan.pk)
    if same_year.exists():
        raise ValidationError({"year": [_("There is already a plan for %(y)s.") % {"y": year}]})
    values = {
        "year": year,
        "budget": _whole(data.get("budget"), "budget"),
        "grant_new_studio": _whole(data.get("grant_new_studio", policy.grant_new_studio), "grant_new_studio"),
        "grant_reconfirmed_studio": _whole(
            data.get("grant_reconfirmed_studio", policy.grant_reconfirmed_studio), "grant_reconfirmed_studio"
        ),
        "tier_weights": {
            k: str(v)
            for k, v in _weights(data.get("tier_weights") or policy.tier_weights, Tier.values, "tier_weights").items()
        },
        "grade_weights": {
            k: str(v)
            for k, v in _weights(
                data.get("grade_weights") or policy.grade_weights, [*Grade.values, "none"], "grade_weights"
            ).items()
        },
        "note": (data.get("note") or "").strip(),
    }
    creating = plan is None
    plan = plan or FundingPlan(created_by=user_of(actor))
    for key, value in values.items():
        setattr(plan, key, value)
    plan.save()
    split_rows = allocate(plan)
    if not split_rows:
        raise ValidationError({"budget": [_("There is no established unit to fund.")]})
    plan.allocations.all().delete()  # a draft's proposal, recomputed; approved plans never change
    Allocation.objects.bulk_create(
        [Allocation(plan=plan, unit=unit, amount=amount, basis=basis[:200]) for unit, amount, basis in split_rows]
    )
    record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        obj=plan,
        detail={"budget": str(plan.budget), "units": len(split_rows)},
    )
    return plan


@transaction.atomic
def approve_plan(*, actor: Actor, plan: FundingPlan) -> FundingPlan:
    require(actor, Perm.MANAGE_PLATFORM)
    plan = FundingPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != PlanState.DRAFT:
        raise DomainError(_("The plan is approved already."), code="conflict")
    total = plan.allocations.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if total != plan.budget:  # the split's promise, checked once more before money moves
        raise DomainError(_("The shares do not add up to the budget; recompute the plan."))
    plan.state, plan.approved_by, plan.approved_at = PlanState.APPROVED, user_of(actor), timezone.now()
    plan.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=plan, changes={"state": [PlanState.DRAFT, PlanState.APPROVED]})
    return plan


@transaction.atomic
def disburse(
    *, actor: User, allocation: Allocation, paid_on: dt.date, reference: str = "", amount: Decimal | None = None
) -> Disbursement:
    """Money paid to a unit against its share of an approved plan (all of it, or part)."""
    require(actor, Perm.MANAGE_PLATFORM)
    allocation = Allocation.objects.select_for_update().select_related("plan").get(pk=allocation.pk)
    if allocation.plan.state != PlanState.APPROVED:
        raise DomainError(_("Money is paid once the plan is approved."), code="conflict")
    paid = allocation.disbursements.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    amount = allocation.amount - paid if amount is None else Decimal(amount)
    if amount <= 0 or paid + amount > allocation.amount:
        raise ValidationError({"amount": [_("At most ¥%(a)s is still to pay.") % {"a": allocation.amount - paid}]})
    item = Disbursement.objects.create(
        unit=allocation.unit,
        allocation=allocation,
        paid_on=paid_on,
        amount=amount,
        reference=clean_text(reference)[:60],
        recorded_by=actor,
    )
    record(actor=actor, action=AuditAction.CREATE, obj=item, object_repr=f"{allocation.unit} ¥{amount}")
    return item


@transaction.atomic
def reverse_disbursement(*, actor: User, disbursement: Disbursement, reason: str) -> Disbursement:
    require(actor, Perm.MANAGE_PLATFORM)
    if disbursement.amount <= 0 or Disbursement.objects.filter(reverses=disbursement).exists():
        raise DomainError(_("This payment cannot be reversed."), code="conflict")
    if not clean_text(reason):
        raise ValidationError({"reason": [_("Give the reason.")]})
    item = Disbursement.objects.create(
        unit=disbursement.unit,
        allocation=disbursement.allocation,
        paid_on=timezone.localdate(),
        amount=-disbursement.amount,
        reverses=disbursement,
        note=clean_text(reason)[:200],
        recorded_by=actor,
    )
    record(actor=actor, action=AuditAction.CREATE, obj=item, detail={"reverses": disbursement.pk})
    return item


@transaction.atomic
def add_expense(*, actor: Actor, unit: Unit, spent_on: dt.date, amount: Decimal, purpose: str, receipt=None) -> Expense:
    require_keep(actor, unit)
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = [_("Enter the amount spent.")]
    if not clean_text(purpose):
        errors["purpose"] = [_("Say what the money was spent on.")]
    if spent_on > timezone.localdate():
        errors["spent_on"] = [_("The date is in the future.")]
    if errors:
        raise ValidationError(errors)
    expense = Expense(
        unit=unit, spent_on=spent_on, amount=amount, purpose=clean_text(purpose)[:200], recorded_by=user_of(actor)
    )
    if receipt is not None:
        check_upload(receipt, suffixes=(".pdf", ".jpg", ".jpeg", ".png"))
        expense.receipt_name = receipt.name[-200:]
        expense.receipt.save(receipt.name, receipt, save=False)
    expense.save()
    record(actor=actor, action=AuditAction.CREATE, obj=expense, object_repr=f"{unit} ¥{amount} {expense.purpose}")
    return expense


@transaction.atomic
def void_expense(*, actor: Actor, expense: Expense, reason: str) -> Expense:
    require_keep(actor, expense.unit)
    if not clean_text(reason):
        raise ValidationError({"reason": [_("Give the reason.")]})
    if expense.voided_at is None:
        expense.voided_at, expense.void_reason = timezone.now(), clean_text(reason)[:200]
        expense.save(update_fields=["voided_at", "void_reason"])
        record(actor=actor, action=AuditAction.VOID, obj=expense, detail={"reason": expense.void_reason})
    return expense


def funds_of(unit: Unit) -> dict[str, Decimal]:
    received = unit.disbursements.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    spent = unit.expenses.filter(voided_at__isnull=True).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return {"received": received, "spent": spent, "balance": received - spent}
