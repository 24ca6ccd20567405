"""Care's request and response shapes, each field declared once.

Responses are read from the model objects (and the selectors' rows) by django-ninja: a field of
the same name is read as it is, a ``resolve_<field>`` says how the others are made. A person is
named by id, name and union only (no identity number, no phone: nothing to mask); a check-up's
result is a follow-up flag and a note, never a medical report. What each response schema reads
is said in a comment: a class docstring would become the schema's description.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema

from gongjiang.api.common import choice, decimal_input
from gongjiang.care.enums import (
    Allowance,
    CampaignKind,
    InvitationState,
    NeedSource,
    NeedState,
    Occasion,
    Satisfaction,
    VisitMode,
)

KindName = Literal["checkup", "stay"]
OccasionName = Literal[
    "spring_festival",
    "may_day",
    "mid_autumn",
    "summer",
    "routine",
    "hardship",
    "illness",
    "sudden",
    "distress",
]
CriterionName = Literal["overdue", "never", "age", "hardship", "working"]
# A batch's cost per person: the column holds eight digits of yuan and two of fen.
Cost = decimal_input(8, 2, example="1800.00")


class CareRef(Schema):
    id: int
    name: str


class CareUserRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class CarePersonRef(Schema):
    # A ModelWorker with its union.
    id: int
    name: str
    union: CareRef


# --- Campaigns and batches -------------------------------------------------------------------


class CareCampaignOut(Schema):
    id: int
    kind: str
    kind_label: str
    year: int
    title: str
    note: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return choice(obj.kind, CampaignKind)


class CareBatchOut(Schema):
    id: int
    campaign_id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    place: str  # the institution (check-up) or the destination (stay)
    capacity: int
    taken: int
    free: int
    cost_per_person: Decimal | None
    programme: list[str]  # one item a line (a stay's lectures)

    @staticmethod
    def resolve_programme(obj) -> list[str]:
        return [line.strip() for line in obj.programme.splitlines() if line.strip()]


class CareStateCounts(Schema):
    invited: int
    accepted: int
    declined: int
    waiting: int
    attended: int
    absent: int


class CareCampaignDetail(CareCampaignOut):
    # A Campaign with ``batches_list`` and ``counts`` set by the endpoint.
    batches: list[CareBatchOut]
    counts: CareStateCounts

    @staticmethod
    def resolve_batches(obj) -> list:
        return obj.batches_list


class CareInvitationOut(Schema):
    id: int
    campaign_id: int
    batch_id: int
    person: CarePersonRef
    state: str
    state_label: str
    reason: str
    waiting_since: dt.datetime | None
    answered_at: dt.datetime | None
    follow_up: bool
    follow_up_note: str  # what care needs after a check-up; never the medical report

    @staticmethod
    def resolve_person(obj):
        return obj.model_worker

    @staticmethod
    def resolve_state_label(obj) -> str:
        return choice(obj.state, InvitationState)


class CareBatchDetail(CareBatchOut):
    # A Batch with ``counts`` and ``waiting`` (the waiting list in order) set by the endpoint.
    campaign: CareCampaignOut
    counts: CareStateCounts
    waiting: list[CareInvitationOut]


class CareCampaignIn(Schema):
    kind: KindName
    year: int
    title: str = ""
    note: str = ""


class CareBatchIn(Schema):
    name: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    place: str
    capacity: int = Field(..., le=100_000)
    cost_per_person: Cost | None = None
    programme: str = ""


class CareSuggestionOut(Schema):
    # A selectors.Suggestion.
    person: CarePersonRef
    last_year: int | None  # the last year the person attended one (none: never)
    reason: str  # why, in words, as the campaign's page says it


# --- Rules -----------------------------------------------------------------------------------


class CareRuleOut(Schema):
    id: int
    kind: str
    kind_label: str
    effective_from: dt.date
    effective_until: dt.date | None
    working_every: int | None
    retired_every: int | None
    priority: list[str]
    priority_labels: list[str]
    note: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return choice(obj.kind, CampaignKind)

    @staticmethod
    def resolve_priority_labels(obj) -> list[str]:
        return obj.priority_labels()


class CareRuleIn(Schema):
    kind: KindName
    effective_from: dt.date
    working_every: int | None = None
    retired_every: int | None = None
    priority: list[CriterionName]
    note: str = ""


class CareSuggestionsOut(Schema):
    rule: CareRuleOut | None  # the rule in effect for the campaign's year (none: no one is suggested)
    items: list[CareSuggestionOut]


class CareVisitRuleOut(Schema):
    id: int
    effective_from: dt.date
    effective_until: dt.date | None
    age_at_least: int
    months_without_visit: int


class CareVisitRuleIn(Schema):
    effective_from: dt.date
    age_at_least: int
    months_without_visit: int


# --- Invitations -----------------------------------------------------------------------------


class CareInviteIn(Schema):
    person: int
    reason: str = ""
    waiting: bool = False  # on the batch's waiting list instead of one of its places


class CareInviteOut(Schema):
    invitation: CareInvitationOut
    batch: CareBatchOut


class CareAnswerIn(Schema):
    answer: Literal["accept", "decline"]


class CareAnswerOut(Schema):
    invitation: CareInvitationOut
    promoted: list[CareInvitationOut]  # who moved up from the waiting list to the freed place
    batch: CareBatchOut


class CareAttendanceIn(Schema):
    attended: bool
    follow_up: bool = False
    note: str = ""  # a short follow-up note (no medical report)


# --- Visit plans and visits -------------------------------------------------------------------


class CarePlanOut(Schema):
    # A VisitPlan annotated by visit_selectors.plans().
    id: int
    occasion: str
    occasion_label: str
    year: int
    title: str
    entries: int
    done: int

    @staticmethod
    def resolve_occasion_label(obj) -> str:
        return choice(obj.occasion, Occasion)

    @staticmethod
    def resolve_entries(obj) -> int:
        return obj.n_entries

    @staticmethod
    def resolve_done(obj) -> int:
        return obj.n_done


class CarePlanIn(Schema):
    occasion: OccasionName
    year: int
    title: str = ""


class CareEntryOut(Schema):
    id: int
    plan_id: int
    person: CarePersonRef
    reason: str
    assigned_to: CareRef  # the organisation that goes: the federation or the person's union
    visit_id: int | None

    @staticmethod
    def resolve_person(obj):
        return obj.model_worker


class CarePlanSuggestionOut(Schema):
    person: CarePersonRef
    reason: str


class CarePlanSuggestionsOut(Schema):
    rule: CareVisitRuleOut | None
    items: list[CarePlanSuggestionOut]


class CarePlanPersonIn(Schema):
    person: int
    reason: str = ""


class CarePlanAddIn(Schema):
    people: list[CarePlanPersonIn] = Field(..., min_length=1, max_length=200)
    by_federation: bool = False  # the federation visits itself (the federation only)


class CareNeedSummary(Schema):
    id: int
    person: CarePersonRef
    source: str
    source_label: str
    visit_id: int | None
    description: str
    holder: CareUserRef
    deadline: dt.date
    overdue: bool
    state: str
    state_label: str
    raised_on: dt.date
    resolution: str
    resolved_on: dt.date | None
    satisfaction: str
    satisfaction_label: str

    @staticmethod
    def resolve_person(obj):
        return obj.model_worker

    @staticmethod
    def resolve_source_label(obj) -> str:
        return choice(obj.source, NeedSource)

    @staticmethod
    def resolve_state_label(obj) -> str:
        return choice(obj.state, NeedState)

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.state == NeedState.OPEN and obj.deadline < timezone.localdate()

    @staticmethod
    def resolve_satisfaction_label(obj) -> str:
        return choice(obj.satisfaction, Satisfaction) if obj.satisfaction else ""


class CareVisitOut(Schema):
    # A Visit with ``needs_list`` set by the endpoint.
    id: int
    person: CarePersonRef
    occasion: str
    occasion_label: str
    mode: str
    mode_label: str
    visited_on: dt.date
    visitors: str
    health: str
    family: str
    income: str
    thoughts: str
    living: str
    housing: str
    allowance: str
    allowance_label: str
    recorded_by: CareUserRef | None
    needs: list[CareNeedSummary]

    @staticmethod
    def resolve_needs(obj) -> list:
        return obj.needs_list

    @staticmethod
    def resolve_person(obj):
        return obj.model_worker

    @staticmethod
    def resolve_occasion_label(obj) -> str:
        return choice(obj.occasion, Occasion)

    @staticmethod
    def resolve_mode_label(obj) -> str:
        return choice(obj.mode, VisitMode)

    @staticmethod
    def resolve_allowance_label(obj) -> str:
        return choice(obj.allowance, Allowance)


class CareVisitIn(Schema):
    occasion: OccasionName | None = None  # taken from the plan when ``entry`` is given
    mode: Literal["home", "hospital", "phone"]
    visited_on: dt.date
    visitors: str
    health: str = ""
    family: str = ""
    income: str = ""
    thoughts: str = ""
    living: str = ""
    housing: str = ""
    allowance: Literal["arrives", "problem", "not_due", "unknown"] = "unknown"
    entry: int | None = None  # the planned visit this one makes


# --- Needs ------------------------------------------------------------------------------------


class CareStepOut(Schema):
    id: int
    on: dt.date
    note: str
    by: CareUserRef | None


class CareNeedDetail(CareNeedSummary):
    # A Need with ``steps_list`` set by the endpoint.
    steps: list[CareStepOut]

    @staticmethod
    def resolve_steps(obj) -> list:
        return obj.steps_list


class CareNeedIn(Schema):
    source: Literal["visit", "phone", "person"]
    description: str
    holder: int | None = None  # a user id; none: the caller holds it
    deadline: dt.date
    visit: int | None = None  # the visit it was raised at


class CareStepIn(Schema):
    on: dt.date
    note: str


class CareResolveIn(Schema):
    resolution: str
    satisfaction: Literal["very", "satisfied", "partly", "not"]
    on: dt.date | None = None  # the day resolved; none: today


# --- The care year ----------------------------------------------------------------------------


class CareProgrammeOut(Schema):
    batches: int
    invited: int
    attended: int
    working: int  # of those attended, working (front-line) model workers
    dates: list[dt.date]  # the batches' first days


class CareOccasionCount(Schema):
    occasion: str
    label: str
    visits: int


class CareYearOut(Schema):
    # A yearly.CareYear with ``by_occasion`` and ``sentences`` set by the endpoint.
    year: int
    checkups: CareProgrammeOut
    stays: CareProgrammeOut
    visits: int
    visits_focus: int  # to model workers in hardship or seriously ill
    people_visited: int
    by_occasion: list[CareOccasionCount]
    needs_opened: int
    needs_resolved: int
    needs_overdue: int
    sentences: list[str]  # the year in the article's words, as the care year page states it
