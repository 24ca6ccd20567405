"""The platform's request and response shapes for its running: evaluation rounds and score
sheets, candidates for promotion or removal, and funding plans. As in ``schemas``, each field is
declared once and what a response schema reads is said in a comment.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import WithJsonSchema

from gongjiang.api.common import Amount, choice, decimal_input, decimal_schema
from gongjiang.api.platform.common import TierName, money
from gongjiang.api.platform.schemas import UnitRef, UnitSummary, grade_label
from gongjiang.platform import evaluation
from gongjiang.platform.enums import CaseKind, CaseState, PlanState, RoundState, Tier

# A reviewer's points for one item (0.1 steps), and a funding weight.
POINTS_SCHEMA = decimal_schema(3, 1, example="8.5")
Points = decimal_input(3, 1, example="8.5")
ItemPoints = Annotated[
    dict[int, Points],
    WithJsonSchema(
        {"type": "object", "propertyNames": {"pattern": r"^[1-9]\d{0,8}$"}, "additionalProperties": POINTS_SCHEMA}
    ),
]
Weight = decimal_input(6, 4, example="1.5")


# --- Evaluation rounds and score sheets ----------------------------------------------------------------


class RoundOut(Schema):
    # An ``EvaluationRound`` with ``n`` (units) and ``graded`` counted.
    id: int
    year: int
    title: str
    aggregation: str
    state: str
    state_label: str
    opened_on: dt.date
    closed_on: dt.date | None
    units: int
    graded: int

    @staticmethod
    def resolve_state_label(obj) -> str:
        return choice(obj.state, RoundState)

    @staticmethod
    def resolve_units(obj) -> int:
        return obj.n


class RoundDetail(RoundOut):
    # A round with ``grade_counts`` set.
    grades: dict[str, int]  # units per grade (excellent, good, pass, fail)

    @staticmethod
    def resolve_grades(obj) -> dict[str, int]:
        return obj.grade_counts


class RoundClosedOut(RoundDetail):
    counts: dict[str, int]  # graded, short (too few reviewers), warned, cases (new candidates)


class RoundIn(Schema):
    year: int = Field(ge=2000, le=2100)
    title: str = Field(max_length=60)
    tiers: list[TierName] = list(Tier.values)


class EvaluationOut(Schema):
    # An ``Evaluation`` with ``sheets_n`` and ``mine`` (the caller's sheets) counted.
    id: int
    round_id: int
    unit: UnitRef
    tier: str
    tier_label: str
    score: Decimal | None
    spread: Decimal | None
    grade: str
    grade_label: str
    stars_after: int | None
    outcome: str
    sheet_count: int
    mine: bool  # the caller has submitted a sheet

    @staticmethod
    def resolve_tier_label(obj) -> str:
        return choice(obj.tier, Tier)

    @staticmethod
    def resolve_grade_label(obj) -> str:
        return grade_label(obj)

    @staticmethod
    def resolve_sheet_count(obj) -> int:
        return obj.sheets_n

    @staticmethod
    def resolve_mine(obj) -> bool:
        return bool(obj.mine)


class ItemOut(Schema):
    id: int
    title: str
    max_points: int
    have: str


class SheetOut(Schema):
    id: int
    reviewer_id: int
    reviewer: str
    total: Decimal
    comment: str
    submitted_at: dt.datetime
    points: dict[int, Decimal]  # rubric item id → points

    @staticmethod
    def resolve_reviewer(obj) -> str:
        return str(obj.reviewer)

    @staticmethod
    def resolve_points(obj) -> dict[int, Decimal]:
        return {x.item_id: x.points for x in obj.scores.all()}


class PreviewOut(Schema):
    score: Decimal
    spread: Decimal


class EvaluationDetail(EvaluationOut):
    # An ``Evaluation`` with ``sheet_list`` and ``item_list`` set, for the caller in the context.
    round: str
    round_state: str
    may_score: bool  # the caller may submit (or replace) a sheet now
    items: list[ItemOut]  # what to score on
    sheets: list[SheetOut]
    preview: PreviewOut | None  # the result from the sheets so far

    @staticmethod
    def resolve_round(obj) -> str:
        return obj.round.title

    @staticmethod
    def resolve_round_state(obj) -> str:
        return obj.round.state

    @staticmethod
    def resolve_may_score(obj, context) -> bool:
        return evaluation.may_score(context["request"].user, obj) and obj.round.state == RoundState.OPEN

    @staticmethod
    def resolve_items(obj) -> list:
        return obj.item_list

    @staticmethod
    def resolve_sheets(obj) -> list:
        return obj.sheet_list

    @staticmethod
    def resolve_preview(obj) -> dict | None:
        totals = [s.total for s in obj.sheet_list]
        preview = evaluation.aggregate(totals, obj.round.aggregation) if totals else None
        return None if preview is None else {"score": preview[0], "spread": preview[1]}


class SheetIn(Schema):
    points: ItemPoints  # rubric item id → points (0 to the item's points), every item
    comment: str = ""


# --- Candidates for promotion or removal ---------------------------------------------------------------


class CaseOut(Schema):
    id: int
    unit: UnitSummary
    kind: str
    kind_label: str
    from_tier: str
    to_tier: str
    evaluation_id: int | None
    why: str
    state: str
    state_label: str
    decided_by: str | None
    decided_on: dt.date | None
    decision_reason: str
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return choice(obj.kind, CaseKind)

    @staticmethod
    def resolve_state_label(obj) -> str:
        return choice(obj.state, CaseState)

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return str(obj.decided_by) if obj.decided_by_id else None


class DecisionIn(Schema):
    decision: Literal["accept", "decline"]
    reason: str


# --- Funding -----------------------------------------------------------------------------------------


class PlanOut(Schema):
    # A ``FundingPlan`` with ``n`` (allocations) counted.
    id: int
    year: int
    budget: Decimal
    grant_new_studio: Decimal
    grant_reconfirmed_studio: Decimal
    tier_weights: dict[str, str]
    grade_weights: dict[str, str]
    state: str
    state_label: str
    note: str
    created_by: str
    approved_by: str | None
    approved_at: dt.datetime | None
    units: int

    @staticmethod
    def resolve_tier_weights(obj) -> dict[str, str]:
        return {str(k): str(v) for k, v in (obj.tier_weights or {}).items()}

    @staticmethod
    def resolve_grade_weights(obj) -> dict[str, str]:
        return {str(k): str(v) for k, v in (obj.grade_weights or {}).items()}

    @staticmethod
    def resolve_state_label(obj) -> str:
        return choice(obj.state, PlanState)

    @staticmethod
    def resolve_created_by(obj) -> str:
        return str(obj.created_by)

    @staticmethod
    def resolve_approved_by(obj) -> str | None:
        return str(obj.approved_by) if obj.approved_by_id else None

    @staticmethod
    def resolve_units(obj) -> int:
        return obj.n


class AllocationOut(Schema):
    # An ``Allocation`` with its unit, ``paid`` summed.
    id: int
    unit: UnitRef
    amount: Decimal
    basis: str
    paid: Decimal

    @staticmethod
    def resolve_paid(obj) -> Decimal:
        return money(obj.paid)


class PlanDetail(PlanOut):
    # A plan with ``allocation_list`` set.
    total: Decimal  # the shares added up: always the budget
    allocations: list[AllocationOut]  # largest first

    @staticmethod
    def resolve_total(obj) -> Decimal:
        return money(sum((a.amount for a in obj.allocation_list), Decimal(0)))

    @staticmethod
    def resolve_allocations(obj) -> list:
        return obj.allocation_list


class PlanIn(Schema):
    year: int = Field(ge=2000, le=2100)
    budget: Amount  # whole yuan
    grant_new_studio: Amount | None = None  # default: the platform's rules
    grant_reconfirmed_studio: Amount | None = None
    tier_weights: dict[TierName, Weight] | None = None  # all three (a missing one weighs 0), or the rules'
    grade_weights: dict[Literal["excellent", "good", "pass", "fail", "none"], Weight] | None = None
    note: str = ""


class DisburseIn(Schema):
    paid_on: dt.date
    reference: str = Field("", max_length=60)
    amount: Amount | None = None  # default: all that is still to pay


class DisbursementOut(Schema):
    id: int
    allocation_id: int | None
    unit: UnitRef
    paid_on: dt.date
    amount: Decimal
    reference: str
    note: str
    reverses_id: int | None

    @staticmethod
    def resolve_amount(obj) -> Decimal:
        return money(obj.amount)
