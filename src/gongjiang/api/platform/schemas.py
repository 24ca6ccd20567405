"""The platform's request and response shapes for units and what they keep (the team,
achievements, mentoring, expenses), each field declared once; ``running_schemas`` has those of
the platform's running (rounds, score sheets, candidates, funding).

Responses are read from the model objects (and the selectors' overviews) by django-ninja:
a field of the same name is read as it is, a ``resolve_<field>`` says how the others are made.
What each response schema reads is said in a comment: a class docstring would become the
schema's description in the OpenAPI document.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from gongjiang.api.common import Amount, choice
from gongjiang.api.platform.common import TierName, money
from gongjiang.platform import funding, services
from gongjiang.platform.enums import (
    AchievementKind,
    CaseKind,
    EventKind,
    Grade,
    MemberRole,
    MentorshipState,
    Tier,
    UnitStatus,
)


def grade_label(obj) -> str:
    """The grade's label, or nothing before a grade is given."""
    return choice(obj.grade, Grade) if obj.grade else ""


# --- Units ----------------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class UnitRef(Schema):
    id: int
    name: str
    title: str
    tier: str


class UnitSummary(Schema):
    id: int
    name: str
    title: str  # the name as on the plaque, with a star post's stars
    tier: str
    tier_label: str
    stars: int | None
    status: str
    status_label: str
    status_since: dt.date | None
    leader_id: int | None  # the model worker, when the leader is in the archive
    leader: str
    union: Ref
    employer: str
    field: str
    plaque_number: str | None
    awarded_on: dt.date | None
    warning_deadline: dt.date | None
    version: int

    @staticmethod
    def resolve_tier_label(obj) -> str:
        return choice(obj.tier, Tier)

    @staticmethod
    def resolve_status_label(obj) -> str:
        return choice(obj.status, UnitStatus)

    @staticmethod
    def resolve_leader(obj) -> str:
        return obj.leader_display

    @staticmethod
    def resolve_employer(obj) -> str:
        return obj.employer.name if obj.employer_id else ""


class HaveEvidence(Schema):
    id: int
    name: str
    caption: str
    size: int

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.original_name


class HaveOut(Schema):
    # One ``selectors.HaveRow``.
    have: str
    label: str
    met: bool
    note: str
    evidence: list[HaveEvidence]

    @staticmethod
    def resolve_have(obj) -> str:
        return obj.key

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.label)


class MemberOut(Schema):
    id: int
    name: str
    model_worker_id: int | None
    role: str
    role_label: str
    position: str
    joined_on: dt.date | None
    left_on: dt.date | None
    note: str

    @staticmethod
    def resolve_role_label(obj) -> str:
        return choice(obj.role, MemberRole)


class EventOut(Schema):
    kind: str
    kind_label: str
    on: dt.date
    before: str
    after: str
    reason: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return choice(obj.kind, EventKind)


class SpanOut(Schema):
    tier: str
    plaque_number: str
    starts_on: dt.date
    ends_on: dt.date | None


class UnitEvaluationOut(Schema):
    id: int
    round_id: int
    round: str
    tier: str
    score: Decimal | None
    spread: Decimal | None
    grade: str
    grade_label: str
    outcome: str

    @staticmethod
    def resolve_round(obj) -> str:
        return obj.round.title

    @staticmethod
    def resolve_grade_label(obj) -> str:
        return grade_label(obj)


class FundsOut(Schema):
    # ``funding.funds_of``: yuan to two places.
    received: Decimal
    spent: Decimal
    balance: Decimal

    @staticmethod
    def resolve_received(obj) -> Decimal:
        return money(obj["received"])

    @staticmethod
    def resolve_spent(obj) -> Decimal:
        return money(obj["spent"])

    @staticmethod
    def resolve_balance(obj) -> Decimal:
        return money(obj["balance"])


class PendingCaseOut(Schema):
    id: int
    kind: str
    kind_label: str
    to_tier: str
    why: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return choice(obj.kind, CaseKind)


class UnitDetail(UnitSummary):
    # A ``selectors.UnitOverview`` (which reads as its unit), for the caller in the context.
    venue: str
    founded_on: dt.date | None
    description: str
    may_keep: bool  # members, achievements, mentoring, expenses, the six haves
    may_edit: bool  # what the unit is (PATCH)
    haves: list[HaveOut]
    haves_met: int
    members: list[MemberOut]
    achievement_counts: dict[str, int]
    funds: FundsOut
    evaluations: list[UnitEvaluationOut]  # the latest ten
    pending_cases: list[PendingCaseOut]
    spans: list[SpanOut]  # the plaques it held, tier by tier
    events: list[EventOut]  # the latest fifty, newest first

    @staticmethod
    def resolve_may_keep(obj, context) -> bool:
        return services.may_keep_unit(context["request"].user, obj.unit)

    @staticmethod
    def resolve_may_edit(obj, context) -> bool:
        return services.may_edit_unit(context["request"].user, obj.unit)

    @staticmethod
    def resolve_haves(obj) -> list:
        return obj.have_rows

    @staticmethod
    def resolve_funds(obj) -> dict:
        return funding.funds_of(obj.unit)


class UnitFilters(Schema):
    q: str = ""
    tier: Literal["", "studio", "star_post", "standard_bearer"] = ""
    stars: int | None = None
    # "" is the established units (active or warned), as on the page; "all" is every status.
    status: Literal["", "all", "applying", "approved", "rejected", "active", "warned", "removed"] = ""
    union: int | None = None


class UnitIn(Schema):
    name: str = Field(max_length=100)
    tier: TierName
    leader: int | None = None  # a model worker's record number
    leader_name: str = Field("", max_length=50)  # or a name, for someone not in the archive
    union: int
    employer: int | None = None
    field: str = Field("", max_length=60)
    venue: str = Field("", max_length=200)
    founded_on: dt.date | None = None
    description: str = ""


class UnitPatch(Schema):
    version: int | None = None  # the version read: a change made meanwhile answers 409
    name: str | None = Field(None, max_length=100)
    leader: int | None = None
    leader_name: str | None = Field(None, max_length=50)
    union: int | None = None
    employer: int | None = None
    field: str | None = Field(None, max_length=60)
    venue: str | None = Field(None, max_length=200)
    founded_on: dt.date | None = None
    description: str | None = None


class ReviewIn(Schema):
    decision: Literal["approve", "reject"]
    reason: str = ""  # required to reject


class AwardIn(Schema):
    on: dt.date
    stars: int | None = Field(None, ge=1, le=9)  # a star post's stars (1 unless given)
    # Needed only to award before the six haves are all met; kept in the unit's history.
    override_reason: str = Field("", max_length=500)


class ReReviewIn(Schema):
    passed: bool
    note: str = ""


class HaveIn(Schema):
    met: bool
    note: str = ""


class MemberIn(Schema):
    model_worker: int | None = None
    name: str = Field("", max_length=50)  # for someone not in the archive
    position: str = Field("", max_length=60)
    joined_on: dt.date | None = None
    note: str = Field("", max_length=200)


class EndMemberIn(Schema):
    left_on: dt.date


# --- Achievements ----------------------------------------------------------------------------------


class AchievementOut(Schema):
    id: int
    unit_id: int | None
    kind: str
    kind_label: str
    title: str
    level: str
    role: str
    project_status: str
    scope: str
    issuer: str
    year: int
    achieved_on: dt.date | None
    person_id: int | None
    person: str
    note: str
    voided: bool
    void_reason: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return choice(obj.kind, AchievementKind)

    @staticmethod
    def resolve_person(obj) -> str:
        return obj.owner

    @staticmethod
    def resolve_voided(obj) -> bool:
        return obj.voided_at is not None


class AchievementPage(Schema):
    items: list[AchievementOut]
    next: str | None
    count: int
    count_capped: bool
    counts: dict[str, int]  # as the article counts them, voided ones left out


class AchievementIn(Schema):
    kind: Literal["project", "product", "award", "honour", "patent", "paper"]
    title: str = Field(max_length=200)
    year: int = Field(ge=1949)
    achieved_on: dt.date | None = None
    level: Literal["", "national", "provincial", "municipal", "district", "enterprise"] = ""
    issuer: str = Field("", max_length=100)
    role: Literal["", "led", "took_part"] = ""  # a research project: led or took part
    project_status: Literal["", "ongoing", "completed"] = ""  # a research project
    scope: Literal["", "collective", "individual"] = ""  # an honour
    person: int | None = None  # a model worker's record number
    person_name: str = Field("", max_length=50)
    note: str = ""


class VoidIn(Schema):
    reason: str = Field(max_length=200)


# --- Mentoring (名师带徒) ---------------------------------------------------------------------------


class MentorshipOut(Schema):
    id: int
    unit_id: int | None
    master_id: int | None
    master_name: str
    apprentice_name: str
    agreed_on: dt.date
    ends_on: dt.date
    goals: str
    state: str
    state_label: str
    contest_place: str
    grade_reached: str
    outcome_on: dt.date | None
    reward: str

    @staticmethod
    def resolve_state_label(obj) -> str:
        return choice(obj.state, MentorshipState)


class MentorshipIn(Schema):
    master: int | None = None  # a model worker's record number
    master_name: str = Field("", max_length=50)
    apprentice_name: str = Field(max_length=50)
    agreed_on: dt.date
    ends_on: dt.date
    goals: str


class OutcomeIn(Schema):
    state: Literal["active", "completed", "ended"]  # completed, or ended early
    contest_place: str = Field("", max_length=100)
    grade_reached: str = Field("", max_length=60)
    outcome_on: dt.date | None = None
    reward: str = Field("", max_length=100)


# --- Expenses ----------------------------------------------------------------------------------------


class ExpenseOut(Schema):
    id: int
    unit_id: int
    spent_on: dt.date
    amount: Decimal
    purpose: str
    has_receipt: bool
    voided: bool
    void_reason: str

    @staticmethod
    def resolve_amount(obj) -> Decimal:
        return money(obj.amount)

    @staticmethod
    def resolve_has_receipt(obj) -> bool:
        return bool(obj.receipt)

    @staticmethod
    def resolve_voided(obj) -> bool:
        return obj.voided_at is not None


class ExpensePage(Schema):
    items: list[ExpenseOut]
    next: str | None
    count: int
    count_capped: bool
    funds: FundsOut


class ExpenseIn(Schema):
    spent_on: dt.date
    amount: Amount
    purpose: str = Field(max_length=200)
