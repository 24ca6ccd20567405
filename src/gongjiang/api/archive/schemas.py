"""The archive's request and response shapes, each field declared once.

Responses are read from the model objects by django-ninja: a field of the same name is read as
it is, a ``resolve_<field>`` says how the others are made. What a response schema reads is said
in a comment: a class docstring would become its description in the OpenAPI document.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema

from gongjiang.accounts import permissions
from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import Amount, choice
from gongjiang.archive import selectors
from gongjiang.archive.enums import HardshipCategory, Housing, Level, Relation, Status, Verification
from gongjiang.core.masking import mask_id_number, mask_phone

# --- Who am I, organisations ------------------------------------------------------------------


class MeOut(Schema):
    # The user.
    id: int
    username: str
    display_name: str
    role: str
    organisation_id: int | None
    model_worker_id: int | None
    permissions: list[str]

    @staticmethod
    def resolve_display_name(obj) -> str:
        return str(obj)

    @staticmethod
    def resolve_permissions(obj) -> list[str]:
        return sorted(p.value for p in Perm if permissions.has_perm(obj, p))


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    kind: str
    parent_id: int | None

    @staticmethod
    def resolve_code(obj) -> str:
        return obj.code or ""


# --- Model workers ----------------------------------------------------------------------------


class UnionRef(Schema):
    id: int
    name: str


class ModelWorkerSummary(Schema):
    id: int
    name: str
    sex: str
    birth_date: dt.date
    id_number: str  # masked: POST …/reveal for the clear value (audited)
    phone: str  # masked
    union: UnionRef
    employer: str
    position: str
    status: str
    status_label: str
    highest_level: int
    highest_level_label: str
    in_hardship: bool
    archived: bool
    # pending (a union's record, counted nowhere until the federation confirms it), confirmed, rejected
    verification: str
    verification_label: str

    @staticmethod
    def resolve_id_number(obj) -> str:
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone(obj) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_employer(obj) -> str:
        return obj.employer.name if obj.employer_id else ""

    @staticmethod
    def resolve_status_label(obj) -> str:
        return choice(obj.status, Status)

    @staticmethod
    def resolve_highest_level_label(obj) -> str:
        return choice(obj.highest_level, Level) if obj.highest_level != Level.NONE else ""

    @staticmethod
    def resolve_archived(obj) -> bool:
        return obj.archived_at is not None

    @staticmethod
    def resolve_verification_label(obj) -> str:
        return choice(obj.verification, Verification)


class HonourOut(Schema):
    id: int
    title: str
    kind: str
    level: int
    awarding_body: str
    year: int
    document_number: str
    revoked_on: dt.date | None
    revocation_reason: str
    voided: bool

    @staticmethod
    def resolve_voided(obj) -> bool:
        return obj.voided_at is not None


class FamilyOut(Schema):
    id: int
    relation: str
    name: str
    birth_date: dt.date | None
    employment: str
    health: str
    monthly_income: Decimal | None
    phone: str  # masked
    removed: bool

    @staticmethod
    def resolve_phone(obj) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_removed(obj) -> bool:
        return obj.removed_at is not None


class HardshipOut(Schema):
    is_active: bool
    category: str
    established_on: dt.date
    ended_on: dt.date | None
    health: str
    serious_illness: bool
    monthly_income: Decimal | None
    family_monthly_income: Decimal | None
    family_size: int | None
    housing: str
    needs_and_wishes: str


class ModelWorkerDetail(ModelWorkerSummary):
    # A record with ``private`` set (``common.worker_detail``): its private matters (family,
    # hardship file) only for those who may see them.
    ethnicity: str
    political_affiliation: str
    education: str
    title_or_grade: str
    front_line: bool
    address: str
    retired_on: dt.date | None
    died_on: dt.date | None
    deeds: str
    remarks: str
    version: int
    honours: list[HonourOut]
    family: list[FamilyOut]
    hardship: HardshipOut | None

    @staticmethod
    def resolve_honours(obj) -> list:
        return list(obj.honours.all())

    @staticmethod
    def resolve_family(obj) -> list:
        return list(obj.family_members.all()) if obj.private else []

    @staticmethod
    def resolve_hardship(obj):
        return getattr(obj, "hardship_file", None) if obj.private else None


class WorkerFilters(Schema):
    q: str = ""
    level: Literal["", "1", "2", "3", "4", "municipal_and_above"] = ""
    status: Literal["", "working", "retired", "deceased"] = ""
    union: int | None = None
    employer: str = ""
    hardship: Literal["", "yes", "no"] = ""
    honour_kind: Literal["", "model_worker", "advanced_worker", "may_day_medal", "other"] = ""
    honour_year: int | None = None
    archived: bool = False
    sort: Literal["", "level", "name", "-birth_date", "birth_date", "-id"] = ""

    def filters(self) -> selectors.ListFilters:
        return selectors.ListFilters(
            q=self.q,
            employer=self.employer,
            level=self.level,
            status=self.status,
            union=self.union,
            hardship=self.hardship,
            honour_kind=self.honour_kind,
            honour_year=self.honour_year,
            archived=self.archived,
            sort=self.sort,
        )


class ModelWorkerIn(Schema):
    name: str
    sex: Literal["M", "F"] | None = None
    ethnicity: str = "01"
    birth_date: dt.date | None = None
    id_number: str | None = None
    political_affiliation: str = ""
    education: str = ""
    employer: str = ""
    position: str = ""
    title_or_grade: str = ""
    front_line: bool = False
    union: int
    phone: str = ""
    address: str = ""
    status: Literal["working", "retired", "deceased"] = "working"
    retired_on: dt.date | None = None
    died_on: dt.date | None = None
    deeds: str = ""
    remarks: str = ""


class ModelWorkerPatch(Schema):
    version: int | None = None
    name: str | None = None
    sex: Literal["M", "F"] | None = None
    ethnicity: str | None = None
    birth_date: dt.date | None = None
    id_number: str | None = None
    political_affiliation: str | None = None
    education: str | None = None
    employer: str | None = None
    position: str | None = None
    title_or_grade: str | None = None
    front_line: bool | None = None
    union: int | None = None
    phone: str | None = None
    address: str | None = None
    status: Literal["working", "retired", "deceased"] | None = None
    retired_on: dt.date | None = None
    died_on: dt.date | None = None
    deeds: str | None = None
    remarks: str | None = None


class ReasonIn(Schema):
    reason: str


class RevealIn(Schema):
    field: Literal["id_number", "phone"]


class RevealOut(Schema):
    field: str
    value: str


class HonourIn(Schema):
    title: str
    kind: Literal["model_worker", "advanced_worker", "may_day_medal", "other"] = "model_worker"
    level: Literal[1, 2, 3, 4]
    awarding_body: str = ""
    year: int
    document_number: str = ""
    remarks: str = ""


class RevokeIn(Schema):
    revoked_on: dt.date
    reason: str


class FamilyIn(Schema):
    relation: Literal[tuple(Relation.values)]  # type: ignore[valid-type]
    name: str
    birth_date: dt.date | None = None
    employment: str = ""
    health: str = ""
    monthly_income: Amount | None = None
    phone: str = ""
    remarks: str = ""


class HardshipIn(Schema):
    category: Literal[tuple(HardshipCategory.values)]  # type: ignore[valid-type]
    established_on: dt.date
    health: str = ""
    serious_illness: bool = False
    monthly_income: Amount | None = None
    family_monthly_income: Amount | None = None
    family_size: int | None = None
    housing: Literal[("", *Housing.values)] = ""  # type: ignore[valid-type]
    housing_note: str = ""
    needs_and_wishes: str = ""
    remarks: str = ""


# --- Export and jobs --------------------------------------------------------------------------


class ExportIn(WorkerFilters):
    columns: list[str] = []
    unmasked: bool = False


class JobOut(Schema):
    # A ``core.models.Job`` (the roster imports' too).
    id: str
    kind: str
    title: str
    status: str
    progress_done: int
    progress_total: int
    percent: int
    message: str
    result: dict
    download: str | None
    retried_as: str | None  # an interrupted job run again: the new job

    @staticmethod
    def resolve_id(obj) -> str:
        return str(obj.pk)

    @staticmethod
    def resolve_result(obj) -> dict:
        return obj.result or {}

    @staticmethod
    def resolve_download(obj) -> str | None:
        return f"/api/v1/jobs/{obj.pk}/file" if obj.result_file else None

    @staticmethod
    def resolve_retried_as(obj) -> str | None:
        return str(obj.retried_as_id) if obj.retried_as_id else None
