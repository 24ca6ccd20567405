"""The treatment area's request and response shapes, each field declared once.

Responses are read from the model objects by django-ninja: a field of the same name is read as
it is, a ``resolve_<field>`` says how the others are made. What a response schema reads is said
in a comment: a class docstring would become its description in the OpenAPI document.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema

from gongjiang.api.common import choice
from gongjiang.benefits import entitlement, selectors
from gongjiang.benefits.enums import BatchState, HoldReason, LineState, SchemeKind, SchemePeriod
from gongjiang.benefits.enums import ReportStatus as Status
from gongjiang.benefits.models import LedgerEntry, PaymentAccount, TreatmentHold
from gongjiang.core.masking import mask_account

# --- Schemes ----------------------------------------------------------------------------------


class RuleOut(Schema):
    id: int
    label: str
    effective_from: dt.date
    effective_to: dt.date | None
    statuses: list[str]
    levels: list[int]
    amounts: dict[str, Decimal]
    requires_hardship: bool

    @staticmethod
    def resolve_statuses(obj) -> list[str]:
        return list(obj.statuses or [])

    @staticmethod
    def resolve_levels(obj) -> list[int]:
        return [int(v) for v in obj.levels or []]

    @staticmethod
    def resolve_amounts(obj) -> dict[str, Decimal]:
        return {str(k): Decimal(str(v)) for k, v in (obj.amounts or {}).items()}


class SchemeOut(Schema):
    # A scheme with its rules prefetched.
    id: int
    name: str
    kind: str
    kind_label: str
    period: str
    period_label: str
    one_off_date: dt.date | None
    is_active: bool
    description: str
    rules: list[RuleOut]

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return choice(obj.kind, SchemeKind)

    @staticmethod
    def resolve_period_label(obj) -> str:
        return choice(obj.period, SchemePeriod)

    @staticmethod
    def resolve_rules(obj) -> list:
        return sorted(obj.rules.all(), key=lambda r: r.effective_from)


# --- Batches ----------------------------------------------------------------------------------


class UserRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class BatchOut(Schema):
    # A batch; ``line_counts`` where set (the detail), else no counts.
    id: int
    scheme_id: int
    scheme: str
    kind: str
    period: dt.date | None
    title: str
    state: str
    state_label: str
    line_count: int
    total: Decimal
    left_out_count: int
    prepared_by: UserRef
    submitted_by: UserRef | None
    approved_by: UserRef | None
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    paid_at: dt.datetime | None
    closed_at: dt.datetime | None
    lines_by_state: dict[str, int]

    @staticmethod
    def resolve_scheme(obj) -> str:
        return obj.scheme.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return choice(obj.state, BatchState)

    @staticmethod
    def resolve_lines_by_state(obj) -> dict[str, int]:
        return getattr(obj, "line_counts", None) or {}


class GenerateIn(Schema):
    period: dt.date


class LineOut(Schema):
    # A batch line with its model worker and union.
    id: int
    model_worker_id: int
    name: str
    union: str
    period: dt.date
    kind: str
    amount: Decimal
    level: int | None
    words: str
    bank: str
    account_number: str  # masked: the full numbers are in the bank file (audited)
    holder: str
    state: str
    state_label: str
    paid_on: dt.date | None
    reference: str
    failure_reason: str
    items: dict[str, str]
    signed_by: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.model_worker.name

    @staticmethod
    def resolve_union(obj) -> str:
        return obj.model_worker.union.name

    @staticmethod
    def resolve_account_number(obj) -> str:
        # Masked for every role, as on the page: a list is not the place for full numbers.
        return mask_account(obj.account_number)

    @staticmethod
    def resolve_state_label(obj) -> str:
        return choice(obj.state, LineState)

    @staticmethod
    def resolve_items(obj) -> dict[str, str]:
        return {str(k): str(v) for k, v in (obj.items or {}).items()}


class LeftOutOut(Schema):
    # A person left out of a batch, with their union.
    model_worker_id: int
    name: str
    union: str
    reason: str
    words: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.model_worker.name

    @staticmethod
    def resolve_union(obj) -> str:
        return obj.model_worker.union.name


class BenefitReasonIn(Schema):
    reason: str


class RemoveLineIn(Schema):
    reason: str


class ResultIn(Schema):
    line: int
    paid: bool
    paid_on: dt.date | None = None
    reference: str = ""
    reason: str = ""
    signed_by: str = ""


class ResultsIn(Schema):
    results: list[ResultIn]


class ResultsOut(Schema):
    paid: int
    failed: int
    batch: BatchOut


class PayAllIn(Schema):
    paid_on: dt.date
    reference: str = ""


# --- The ledger -------------------------------------------------------------------------------


class LedgerOut(Schema):
    # A ledger entry with its model worker and scheme.
    id: int
    model_worker_id: int
    name: str
    scheme_id: int
    scheme: str
    period: dt.date
    kind: str
    amount: Decimal
    level: int | None
    paid_on: dt.date
    batch_line_id: int | None
    reverses_id: int | None
    reference: str
    reason: str
    created_at: dt.datetime

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.model_worker.name

    @staticmethod
    def resolve_scheme(obj) -> str:
        return obj.scheme.name

    @staticmethod
    def resolve_batch_line_id(obj) -> int | None:
        return obj.line_id


# --- The 按时足额 report and arrears ---------------------------------------------------------


class ReportTotals(Schema):
    n: int
    due: Decimal
    paid: Decimal
    owed: Decimal
    over: Decimal

    @staticmethod
    def resolve_n(obj) -> int:
        return int(obj["n"])


class ReportRow(Schema):
    # A row of ``reports.on_time_report``.
    model_worker_id: int
    name: str
    period: dt.date
    status: str
    due: Decimal
    paid: Decimal
    pending: Decimal
    owed: Decimal
    over: Decimal
    first_paid: dt.date | None
    last_paid: dt.date | None
    level: int | None
    words: str

    @staticmethod
    def resolve_model_worker_id(obj) -> int:
        return obj.worker_id


class ReportOut(Schema):
    scheme_id: int
    first: dt.date
    last: dt.date
    person_periods: int
    problems: int  # missing, short, late or overpaid
    being_paid: int  # the rest is in a batch not yet paid: not a problem
    owed: Decimal
    totals: dict[str, ReportTotals]
    rows: list[ReportRow]
    next_offset: int | None


# The report's statuses as the API has always listed them (the values are benefits.enums.ReportStatus's).
REPORT_STATUS_ORDER = (Status.MISSING, Status.SHORT, Status.OVERPAID, Status.LATE, Status.IN_PROGRESS, Status.OK)
ReportStatus = Literal[tuple(s.value for s in REPORT_STATUS_ORDER)]  # type: ignore[valid-type]


class ReportQuery(Schema):
    first: dt.date
    last: dt.date
    status: list[ReportStatus] = []
    offset: int = 0
    limit: int = 100


class ArrearsIn(Schema):
    first: dt.date
    last: dt.date


# --- One person's treatment -------------------------------------------------------------------


class TreatmentSchemeOut(Schema):
    # One scheme of ``selectors.person_treatment``.
    scheme_id: int
    scheme: str
    due_now: Decimal | None
    basis_now: str
    due: Decimal
    paid: Decimal
    pending: Decimal
    owed: Decimal

    @staticmethod
    def resolve_scheme_id(obj) -> int:
        return obj["scheme"].pk

    @staticmethod
    def resolve_scheme(obj) -> str:
        return obj["scheme"].name

    @staticmethod
    def resolve_due_now(obj) -> Decimal | None:
        return obj["now"].amount if isinstance(obj["now"], entitlement.Due) else None

    @staticmethod
    def resolve_basis_now(obj) -> str:
        return obj["now"].words


class AccountOut(Schema):
    id: int
    bank: str
    account_number: str  # masked; POST …/accounts/{id}/reveal for the full number (audited)
    holder: str
    valid_from: dt.date
    ended_on: dt.date | None

    @staticmethod
    def resolve_account_number(obj) -> str:
        return mask_account(obj.account_number)


class HoldOut(Schema):
    id: int
    reason: str
    reason_label: str
    starts_on: dt.date
    ends_on: dt.date | None
    note: str

    @staticmethod
    def resolve_reason_label(obj) -> str:
        return choice(obj.reason, HoldReason)


class TreatmentOut(Schema):
    # A model worker: what they are due and were paid, their accounts and holds.
    model_worker_id: int
    schemes: list[TreatmentSchemeOut]
    payments: list[LedgerOut]
    accounts: list[AccountOut]
    holds: list[HoldOut]

    @staticmethod
    def resolve_model_worker_id(obj) -> int:
        return obj.pk

    @staticmethod
    def resolve_schemes(obj) -> list:
        return selectors.person_treatment(obj)

    @staticmethod
    def resolve_payments(obj) -> list:
        payments = LedgerEntry.objects.filter(model_worker=obj).select_related("model_worker", "scheme")
        return list(payments.order_by("-period", "-id")[:36])

    @staticmethod
    def resolve_accounts(obj) -> list:
        return list(PaymentAccount.objects.filter(model_worker=obj))

    @staticmethod
    def resolve_holds(obj) -> list:
        return list(TreatmentHold.objects.filter(model_worker=obj))


class AccountIn(Schema):
    bank: str
    account_number: str
    holder: str
    valid_from: dt.date


class AccountRevealOut(Schema):
    account_number: str


class HoldIn(Schema):
    reason: Literal["sanction", "investigation", "emigrated", "unreachable", "other"]
    starts_on: dt.date
    ends_on: dt.date | None = None
    note: str = ""


class EndHoldIn(Schema):
    ends_on: dt.date
