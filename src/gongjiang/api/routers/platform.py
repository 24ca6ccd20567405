"""The 三创 platform (studios, star posts, standard-bearers): units from application to plaque,
the six haves and the team, achievements, mentoring, expenses, evaluation rounds and score
sheets, candidates for promotion or removal, and funding plans.

Every endpoint reads through the pages' scoped querysets (``selectors.visible_units``,
``visible_model_workers``) and their permission rules, and changes state only through the
platform's services, so a union's token reaches its own units only and a reviewer never
scores a unit they lead.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import WithJsonSchema

from gongjiang.accounts.models import Organisation
from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import (
    ERRORS,
    WRITE_ERRORS,
    Amount,
    Page,
    choice,
    decimal_input,
    decimal_schema,
    page,
    require,
)
from gongjiang.archive.selectors import visible_model_workers
from gongjiang.platform import evaluation, funding, plaques, selectors, services
from gongjiang.platform.enums import (
    AchievementKind,
    CaseKind,
    CaseState,
    EventKind,
    Grade,
    Have,
    MemberRole,
    MentorshipState,
    PlanState,
    RoundState,
    Tier,
    UnitStatus,
)
from gongjiang.platform.evaluation import ev_items
from gongjiang.platform.models import (
    Achievement,
    Allocation,
    Case,
    Disbursement,
    Evaluation,
    EvaluationRound,
    Expense,
    FundingPlan,
    Mentorship,
    ScoreSheet,
    Unit,
    UnitMember,
)

router = Router(tags=["三创平台"])

TierName = Literal["studio", "star_post", "standard_bearer"]
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
CENTS = Decimal("0.01")


def _money(value) -> Decimal:
    """Yuan to two places (SQLite's sums drop trailing zeros)."""
    return Decimal(value or 0).quantize(CENTS)


def _funds(unit: Unit) -> dict[str, Decimal]:
    return {k: _money(v) for k, v in funding.funds_of(unit).items()}


# --- Who may (the pages' rules) -----------------------------------------------------------------


def _require_reader(request) -> None:
    """Rounds, candidates and funding: the federation, its reviewers and the auditor."""
    require(request, Perm.VIEW_PLATFORM)
    if not selectors.may_read_running(request.user):
        raise PermissionDenied(_("You may not do this."))


UNIT_RELATED = ("leader", "union", "employer")


def _unit(request, pk: int, *, keep: bool = False) -> Unit:
    """A unit the user may see (another's is a 404); with ``keep``, one they may keep (else 403)."""
    require(request, Perm.VIEW_PLATFORM)
    unit = get_object_or_404(selectors.visible_units(request.user).select_related(*UNIT_RELATED), pk=pk)
    if keep and not services.may_keep_unit(request.user, unit):
        raise PermissionDenied(_("You may not change this unit."))
    return unit


def _pick(qs, pk: int | None, field: str):
    """The object a body refers to by id, from what the user may choose (as the forms' pickers)."""
    if pk is None:
        return None
    found = qs.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("Choose one of the allowed values.")]})
    return found


def _person(request, pk: int | None, field: str):
    return _pick(visible_model_workers(request.user), pk, field)


# Every active union; the service refuses one outside the user's scope, with its own message.
UNIONS = Organisation.objects.filter(parent__isnull=False, is_active=True)


# --- Output ----------------------------------------------------------------------------------------


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


class HaveEvidence(Schema):
    id: int
    name: str
    caption: str
    size: int


class HaveOut(Schema):
    have: str
    label: str
    met: bool
    note: str
    evidence: list[HaveEvidence]


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


class EventOut(Schema):
    kind: str
    kind_label: str
    on: dt.date
    before: str
    after: str
    reason: str


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


class FundsOut(Schema):
    received: Decimal
    spent: Decimal
    balance: Decimal


class PendingCaseOut(Schema):
    id: int
    kind: str
    kind_label: str
    to_tier: str
    why: str


class UnitDetail(UnitSummary):
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


def unit_ref(u: Unit) -> dict:
    return {"id": u.pk, "name": u.name, "title": u.title, "tier": u.tier}


def unit_summary(u: Unit) -> dict:
    return {
        "id": u.pk,
        "name": u.name,
        "title": u.title,
        "tier": u.tier,
        "tier_label": choice(u.tier, Tier),
        "stars": u.stars,
        "status": u.status,
        "status_label": choice(u.status, UnitStatus),
        "status_since": u.status_since,
        "leader_id": u.leader_id,
        "leader": u.leader_display,
        "union": {"id": u.union_id, "name": u.union.name},
        "employer": u.employer.name if u.employer_id else "",
        "field": u.field,
        "plaque_number": u.plaque_number,
        "awarded_on": u.awarded_on,
        "warning_deadline": u.warning_deadline,
        "version": u.version,
    }


def member_out(m: UnitMember) -> dict:
    return {
        "id": m.pk,
        "name": m.name,
        "model_worker_id": m.model_worker_id,
        "role": m.role,
        "role_label": choice(m.role, MemberRole),
        "position": m.position,
        "joined_on": m.joined_on,
        "left_on": m.left_on,
        "note": m.note,
    }


def unit_detail(request, unit: Unit) -> dict:
    """What the unit's page shows, for anyone who may see the unit."""
    user = request.user
    haves = {h.have: h for h in unit.haves.all()}
    evidence = list(unit.evidence.filter(withdrawn_at__isnull=True, achievement__isnull=True).order_by("have", "id"))
    return {
        **unit_summary(unit),
        "venue": unit.venue,
        "founded_on": unit.founded_on,
        "description": unit.description,
        "may_keep": services.may_keep_unit(user, unit),
        "may_edit": services.may_edit_unit(user, unit),
        "haves": [
            {
                "have": h,
                "label": choice(h, Have),
                "met": bool(haves[h].met) if h in haves else False,
                "note": haves[h].note if h in haves else "",
                "evidence": [
                    {"id": e.pk, "name": e.original_name, "caption": e.caption, "size": e.size}
                    for e in evidence
                    if e.have == h
                ],
            }
            for h in Have.values
        ],
        "haves_met": sum(1 for h in haves.values() if h.met),
        "members": [member_out(m) for m in unit.members.order_by("left_on", "role", "id")],
        "achievement_counts": selectors.achievement_counts(unit.achievements.all()),
        "funds": _funds(unit),
        "evaluations": [
            {
                "id": ev.pk,
                "round_id": ev.round_id,
                "round": ev.round.title,
                "tier": ev.tier,
                "score": ev.score,
                "spread": ev.spread,
                "grade": ev.grade,
                "grade_label": choice(ev.grade, Grade) if ev.grade else "",
                "outcome": ev.outcome,
            }
            for ev in unit.evaluations.select_related("round").order_by("-round_id")[:10]
        ],
        "pending_cases": [
            {"id": c.pk, "kind": c.kind, "kind_label": choice(c.kind, CaseKind), "to_tier": c.to_tier, "why": c.why}
            for c in unit.cases.filter(state=CaseState.PENDING).order_by("id")
        ],
        "spans": [
            {"tier": s.tier, "plaque_number": s.plaque_number, "starts_on": s.starts_on, "ends_on": s.ends_on}
            for s in unit.spans.order_by("starts_on", "id")
        ],
        "events": [
            {
                "kind": e.kind,
                "kind_label": choice(e.kind, EventKind),
                "on": e.on,
                "before": e.before,
                "after": e.after,
                "reason": e.reason,
            }
            for e in unit.events.order_by("-id")[:50]
        ],
    }


def _detail(request, pk: int) -> dict:
    return unit_detail(request, _unit(request, pk))


# --- Units: list, apply, edit, review, plaque ---------------------------------------------------


UnitPage = Page[UnitSummary]


class UnitFilters(Schema):
    q: str = ""
    tier: Literal["", "studio", "star_post", "standard_bearer"] = ""
    stars: int | None = None
    # "" is the established units (active or warned), as on the page; "all" is every status.
    status: Literal["", "all", "applying", "approved", "rejected", "active", "warned", "removed"] = ""
    union: int | None = None


@router.get(
    "/platform/units",
    response={200: UnitPage, **ERRORS},
    summary="载体列表（工作室、星级示范岗、标兵；默认只列已建立的；游标分页）",
)
def units(request, f: Query[UnitFilters], cursor: str = "", limit: int = 50):
    require(request, Perm.VIEW_PLATFORM)
    qs = selectors.visible_units(request.user).select_related(*UNIT_RELATED)
    qs = selectors.filter_units(qs, status=f.status, tier=f.tier, q=f.q, stars=f.stars, union=f.union)
    return page(qs, ["-id"], cursor=cursor, limit=limit, serialize=unit_summary)


@router.get(
    "/platform/units/{int:unit_id}",
    response={200: UnitDetail, **ERRORS},
    summary="载体详情（六有、团队、考评、经费、历程）",
)
def unit(request, unit_id: int):
    return _detail(request, unit_id)


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


@router.post(
    "/platform/units",
    response={201: UnitDetail, **WRITE_ERRORS},
    summary="申报创建载体（区总工会，或基层工会为本会申报）",
)
def apply_unit(request, payload: UnitIn):
    require(request, Perm.APPLY_UNITS)
    data = payload.dict()
    data["leader"] = _person(request, payload.leader, "leader")
    data["union"] = _pick(UNIONS, payload.union, "union")
    data["employer"] = _pick(selectors.visible_employers(request.user), payload.employer, "employer")
    created = services.apply_unit(actor=request.user, data=data)
    return Status(201, _detail(request, created.pk))


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


@router.patch(
    "/platform/units/{int:unit_id}",
    response={200: UnitDetail, **WRITE_ERRORS},
    summary="修改载体信息（区总工会；基层工会仅限审核中的本会申报；只改给出的字段）",
)
def update_unit(request, unit_id: int, payload: UnitPatch):
    found = _unit(request, unit_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    if "leader" in data:
        data["leader"] = _person(request, data["leader"], "leader")
    if "union" in data:
        data["union"] = _pick(UNIONS, data["union"], "union")
    if "employer" in data:
        data["employer"] = _pick(selectors.visible_employers(request.user), data["employer"], "employer")
    for key in ("name", "leader_name", "field", "venue", "description"):
        if key in data and data[key] is None:
            data[key] = ""
    services.update_unit(actor=request.user, unit=found, data=data, version=version)
    return _detail(request, unit_id)


class ReviewIn(Schema):
    decision: Literal["approve", "reject"]
    reason: str = ""  # required to reject


@router.post(
    "/platform/units/{int:unit_id}/review",
    response={200: UnitDetail, **WRITE_ERRORS},
    summary="审核申报（通过待授牌，或不通过并说明理由）",
)
def review_unit(request, unit_id: int, payload: ReviewIn):
    require(request, Perm.MANAGE_PLATFORM)
    services.review_unit(
        actor=request.user,
        unit=_unit(request, unit_id),
        approve=payload.decision == "approve",
        reason=payload.reason,
    )
    return _detail(request, unit_id)


class AwardIn(Schema):
    on: dt.date
    stars: int | None = Field(None, ge=1, le=9)  # a star post's stars (1 unless given)
    # Needed only to award before the six haves are all met; kept in the unit's history.
    override_reason: str = Field("", max_length=500)


@router.post(
    "/platform/units/{int:unit_id}/award",
    response={200: UnitDetail, **WRITE_ERRORS},
    summary="授牌（统一编号，自授牌日起已建立）",
)
def award_plaque(request, unit_id: int, payload: AwardIn):
    require(request, Perm.MANAGE_PLATFORM)
    services.award_plaque(
        actor=request.user,
        unit=_unit(request, unit_id),
        on=payload.on,
        stars=payload.stars,
        override_reason=payload.override_reason,
    )
    return _detail(request, unit_id)


class ReReviewIn(Schema):
    passed: bool
    note: str = ""


@router.post(
    "/platform/units/{int:unit_id}/re-review",
    response={200: UnitDetail, **WRITE_ERRORS},
    summary="复审被警示的载体（通过即整改完成；不通过成为摘牌候选）",
)
def re_review(request, unit_id: int, payload: ReReviewIn):
    require(request, Perm.MANAGE_PLATFORM)
    evaluation.re_review(actor=request.user, unit=_unit(request, unit_id), passed=payload.passed, note=payload.note)
    return _detail(request, unit_id)


@router.get(
    "/platform/units/{int:unit_id}/plaque.pdf",
    response={200: None, **ERRORS},
    summary="荣誉证书与牌匾（PDF，统一样式）",
)
def unit_plaque(request, unit_id: int):
    return plaques.pdf_response(_unit(request, unit_id))


# --- The six haves and the team ----------------------------------------------------------------------


class HaveIn(Schema):
    met: bool
    note: str = ""


@router.put(
    "/platform/units/{int:unit_id}/haves/{have}",
    response={200: UnitDetail, **WRITE_ERRORS},
    summary="六有之一：是否达到、如何达到（team/venue/funds/management/sign/results）",
)
def set_have(request, unit_id: int, have: str, payload: HaveIn):
    found = _unit(request, unit_id, keep=True)
    if have not in Have.values:
        raise Http404
    services.set_have(actor=request.user, unit=found, have=have, met=payload.met, note=payload.note)
    return _detail(request, unit_id)


class MemberIn(Schema):
    model_worker: int | None = None
    name: str = Field("", max_length=50)  # for someone not in the archive
    position: str = Field("", max_length=60)
    joined_on: dt.date | None = None
    note: str = Field("", max_length=200)


@router.post("/platform/units/{int:unit_id}/members", response={201: MemberOut, **WRITE_ERRORS}, summary="添加团队成员")
def add_member(request, unit_id: int, payload: MemberIn):
    found = _unit(request, unit_id, keep=True)
    member = services.add_member(
        actor=request.user,
        unit=found,
        model_worker=_person(request, payload.model_worker, "model_worker"),
        name=payload.name,
        position=payload.position,
        joined_on=payload.joined_on,
        note=payload.note,
    )
    return Status(201, member_out(member))


class EndMemberIn(Schema):
    left_on: dt.date


@router.post(
    "/platform/members/{int:member_id}/end",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="成员离开团队（记录保留；领头人随载体信息修改而更换）",
)
def end_member(request, member_id: int, payload: EndMemberIn):
    member = get_object_or_404(UnitMember.objects.select_related("unit"), pk=member_id)
    _unit(request, member.unit_id, keep=True)
    return member_out(services.end_member(actor=request.user, member=member, left_on=payload.left_on))


# --- Achievements --------------------------------------------------------------------------------------


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


def achievement_out(a: Achievement) -> dict:
    return {
        "id": a.pk,
        "unit_id": a.unit_id,
        "kind": a.kind,
        "kind_label": choice(a.kind, AchievementKind),
        "title": a.title,
        "level": a.level,
        "role": a.role,
        "project_status": a.project_status,
        "scope": a.scope,
        "issuer": a.issuer,
        "year": a.year,
        "achieved_on": a.achieved_on,
        "person_id": a.person_id,
        "person": a.owner,
        "note": a.note,
        "voided": a.voided_at is not None,
        "void_reason": a.void_reason,
    }


class AchievementPage(Schema):
    items: list[AchievementOut]
    next: str | None
    count: int
    count_capped: bool
    counts: dict[str, int]  # as the article counts them, voided ones left out


@router.get(
    "/platform/units/{int:unit_id}/achievements",
    response={200: AchievementPage, **ERRORS},
    summary="载体的成果（课题、新产品新技术、科技奖项、荣誉、专利、论文）",
)
def achievements(
    request,
    unit_id: int,
    kind: Literal["", "project", "product", "award", "honour", "patent", "paper"] = "",
    cursor: str = "",
    limit: int = 50,
):
    found = _unit(request, unit_id)
    qs = found.achievements.select_related("person")
    if kind:
        qs = qs.filter(kind=kind)
    return {
        **page(qs, ["-year", "-id"], cursor=cursor, limit=limit, serialize=achievement_out),
        "counts": selectors.achievement_counts(found.achievements.all()),
    }


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


@router.post(
    "/platform/units/{int:unit_id}/achievements",
    response={201: AchievementOut, **WRITE_ERRORS},
    summary="登记成果",
)
def add_achievement(request, unit_id: int, payload: AchievementIn):
    found = _unit(request, unit_id, keep=True)
    data = payload.dict()
    data["person"] = _person(request, payload.person, "person")
    item = services.add_achievement(actor=request.user, data={**data, "unit": found})
    return Status(201, achievement_out(item))


class VoidIn(Schema):
    reason: str = Field(max_length=200)


@router.post(
    "/platform/achievements/{int:achievement_id}/void",
    response={200: AchievementOut, **WRITE_ERRORS},
    summary="作废误登的成果（记录保留，不再计数）",
)
def void_achievement(request, achievement_id: int, payload: VoidIn):
    item = get_object_or_404(Achievement.objects.select_related("person"), pk=achievement_id, unit__isnull=False)
    _unit(request, item.unit_id, keep=True)
    return achievement_out(services.void_achievement(actor=request.user, achievement=item, reason=payload.reason))


# --- Mentoring (名师带徒) -----------------------------------------------------------------------------


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


def mentorship_out(m: Mentorship) -> dict:
    return {
        "id": m.pk,
        "unit_id": m.unit_id,
        "master_id": m.master_id,
        "master_name": m.master_name,
        "apprentice_name": m.apprentice_name,
        "agreed_on": m.agreed_on,
        "ends_on": m.ends_on,
        "goals": m.goals,
        "state": m.state,
        "state_label": choice(m.state, MentorshipState),
        "contest_place": m.contest_place,
        "grade_reached": m.grade_reached,
        "outcome_on": m.outcome_on,
        "reward": m.reward,
    }


MentorshipPage = Page[MentorshipOut]


@router.get(
    "/platform/units/{int:unit_id}/mentorships",
    response={200: MentorshipPage, **ERRORS},
    summary="载体的师带徒协议",
)
def mentorships(request, unit_id: int, cursor: str = "", limit: int = 50):
    found = _unit(request, unit_id)
    return page(found.mentorships.all(), ["-agreed_on", "-id"], cursor=cursor, limit=limit, serialize=mentorship_out)


class MentorshipIn(Schema):
    master: int | None = None  # a model worker's record number
    master_name: str = Field("", max_length=50)
    apprentice_name: str = Field(max_length=50)
    agreed_on: dt.date
    ends_on: dt.date
    goals: str


@router.post(
    "/platform/units/{int:unit_id}/mentorships",
    response={201: MentorshipOut, **WRITE_ERRORS},
    summary="登记师带徒协议",
)
def add_mentorship(request, unit_id: int, payload: MentorshipIn):
    found = _unit(request, unit_id, keep=True)
    item = services.add_mentorship(
        actor=request.user,
        unit=found,
        master=_person(request, payload.master, "master"),
        master_name=payload.master_name,
        apprentice_name=payload.apprentice_name,
        agreed_on=payload.agreed_on,
        ends_on=payload.ends_on,
        goals=payload.goals,
    )
    return Status(201, mentorship_out(item))


def _mentorship(request, pk: int) -> tuple[Mentorship, Unit]:
    item = get_object_or_404(Mentorship, pk=pk, unit__isnull=False)
    return item, _unit(request, item.unit_id)


@router.get(
    "/platform/mentorships/{int:mentorship_id}", response={200: MentorshipOut, **ERRORS}, summary="一份师带徒协议"
)
def mentorship(request, mentorship_id: int):
    return mentorship_out(_mentorship(request, mentorship_id)[0])


class OutcomeIn(Schema):
    state: Literal["active", "completed", "ended"]  # completed, or ended early
    contest_place: str = Field("", max_length=100)
    grade_reached: str = Field("", max_length=60)
    outcome_on: dt.date | None = None
    reward: str = Field("", max_length=100)


@router.post(
    "/platform/mentorships/{int:mentorship_id}/outcome",
    response={200: MentorshipOut, **WRITE_ERRORS},
    summary="师带徒的结果：期满完成或提前结束，竞赛名次、达到的等级、给师傅的奖励",
)
def mentorship_outcome(request, mentorship_id: int, payload: OutcomeIn):
    item, found = _mentorship(request, mentorship_id)
    if not services.may_keep_unit(request.user, found):
        raise PermissionDenied(_("You may not change this unit."))
    item = services.record_mentorship_outcome(actor=request.user, mentorship=item, **payload.dict())
    return mentorship_out(item)


# --- Expenses ---------------------------------------------------------------------------------------


class ExpenseOut(Schema):
    id: int
    unit_id: int
    spent_on: dt.date
    amount: Decimal
    purpose: str
    has_receipt: bool
    voided: bool
    void_reason: str


def expense_out(e: Expense) -> dict:
    return {
        "id": e.pk,
        "unit_id": e.unit_id,
        "spent_on": e.spent_on,
        "amount": _money(e.amount),
        "purpose": e.purpose,
        "has_receipt": bool(e.receipt),
        "voided": e.voided_at is not None,
        "void_reason": e.void_reason,
    }


class ExpensePage(Schema):
    items: list[ExpenseOut]
    next: str | None
    count: int
    count_capped: bool
    funds: FundsOut


@router.get(
    "/platform/units/{int:unit_id}/expenses",
    response={200: ExpensePage, **ERRORS},
    summary="载体的经费支出（及收到、支出、结余）",
)
def expenses(request, unit_id: int, cursor: str = "", limit: int = 50):
    found = _unit(request, unit_id)
    return {
        **page(found.expenses.all(), ["-spent_on", "-id"], cursor=cursor, limit=limit, serialize=expense_out),
        "funds": _funds(found),
    }


class ExpenseIn(Schema):
    spent_on: dt.date
    amount: Amount
    purpose: str = Field(max_length=200)


@router.post(
    "/platform/units/{int:unit_id}/expenses",
    response={201: ExpenseOut, **WRITE_ERRORS},
    summary="登记经费支出（票据请在网页上传）",
)
def add_expense(request, unit_id: int, payload: ExpenseIn):
    found = _unit(request, unit_id, keep=True)
    item = funding.add_expense(
        actor=request.user, unit=found, spent_on=payload.spent_on, amount=payload.amount, purpose=payload.purpose
    )
    return Status(201, expense_out(item))


@router.post(
    "/platform/expenses/{int:expense_id}/void",
    response={200: ExpenseOut, **WRITE_ERRORS},
    summary="作废误登的支出（记录保留，不再计入）",
)
def void_expense(request, expense_id: int, payload: VoidIn):
    item = get_object_or_404(Expense, pk=expense_id)
    _unit(request, item.unit_id, keep=True)
    return expense_out(funding.void_expense(actor=request.user, expense=item, reason=payload.reason))


# --- Evaluation rounds and score sheets ------------------------------------------------------------


class RoundOut(Schema):
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


class RoundDetail(RoundOut):
    grades: dict[str, int]  # units per grade (excellent, good, pass, fail)


class RoundClosedOut(RoundDetail):
    counts: dict[str, int]  # graded, short (too few reviewers), warned, cases (new candidates)


ROUNDS = EvaluationRound.objects.annotate(
    n=Count("evaluations", distinct=True),
    graded=Count("evaluations", filter=~Q(evaluations__grade=""), distinct=True),
)


def round_out(r: EvaluationRound) -> dict:
    return {
        "id": r.pk,
        "year": r.year,
        "title": r.title,
        "aggregation": r.aggregation,
        "state": r.state,
        "state_label": choice(r.state, RoundState),
        "opened_on": r.opened_on,
        "closed_on": r.closed_on,
        "units": r.n,
        "graded": r.graded,
    }


def round_detail(pk: int) -> dict:
    rnd = ROUNDS.get(pk=pk)
    summary = dict(
        rnd.evaluations.exclude(grade="").values_list("grade").annotate(n=Count("id")).values_list("grade", "n")
    )
    return {**round_out(rnd), "grades": {g: summary.get(g, 0) for g in Grade.values}}


def _round(request, pk: int) -> EvaluationRound:
    _require_reader(request)
    return get_object_or_404(EvaluationRound, pk=pk)


@router.get("/platform/rounds", response={200: list[RoundOut], **ERRORS}, summary="考评轮次（新的在前）")
def rounds(request):
    _require_reader(request)
    return [round_out(r) for r in ROUNDS.order_by("-id")]


class RoundIn(Schema):
    year: int = Field(ge=2000, le=2100)
    title: str = Field(max_length=60)
    tiers: list[TierName] = list(Tier.values)


@router.post(
    "/platform/rounds",
    response={201: RoundDetail, **WRITE_ERRORS},
    summary="开启一轮考评（所选层级的全部已建立载体）",
)
def open_round(request, payload: RoundIn):
    require(request, Perm.MANAGE_PLATFORM)
    rnd = evaluation.open_round(actor=request.user, year=payload.year, title=payload.title, tiers=payload.tiers)
    return Status(201, round_detail(rnd.pk))


@router.get(
    "/platform/rounds/{int:round_id}", response={200: RoundDetail, **ERRORS}, summary="一轮考评（各等次的载体数）"
)
def round_(request, round_id: int):
    return round_detail(_round(request, round_id).pk)


class EvaluationOut(Schema):
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


def evaluation_out(ev: Evaluation) -> dict:
    return {
        "id": ev.pk,
        "round_id": ev.round_id,
        "unit": unit_ref(ev.unit),
        "tier": ev.tier,
        "tier_label": choice(ev.tier, Tier),
        "score": ev.score,
        "spread": ev.spread,
        "grade": ev.grade,
        "grade_label": choice(ev.grade, Grade) if ev.grade else "",
        "stars_after": ev.stars_after,
        "outcome": ev.outcome,
        "sheet_count": ev.sheets_n,
        "mine": bool(ev.mine),
    }


EvaluationPage = Page[EvaluationOut]


def _evaluations(request):
    return Evaluation.objects.select_related("unit", "round").annotate(
        sheets_n=Count("sheets", distinct=True),
        mine=Count("sheets", filter=Q(sheets__reviewer=request.user), distinct=True),
    )


@router.get(
    "/platform/rounds/{int:round_id}/evaluations",
    response={200: EvaluationPage, **ERRORS},
    summary="一轮考评中的载体：得分、等次、评审表份数",
)
def round_evaluations(
    request,
    round_id: int,
    tier: Literal["", "studio", "star_post", "standard_bearer"] = "",
    cursor: str = "",
    limit: int = 50,
):
    rnd = _round(request, round_id)
    qs = _evaluations(request).filter(round=rnd)
    if tier:
        qs = qs.filter(tier=tier)
    return page(qs, ["id"], cursor=cursor, limit=limit, serialize=evaluation_out)


@router.post(
    "/platform/rounds/{int:round_id}/close",
    response={200: RoundClosedOut, **WRITE_ERRORS},
    summary="结束考评：计算结果，按规则调整星级、警示、产生晋级或摘牌候选",
)
def close_round(request, round_id: int):
    require(request, Perm.MANAGE_PLATFORM)
    rnd = get_object_or_404(EvaluationRound, pk=round_id)
    counts = evaluation.close_round(actor=request.user, rnd=rnd)
    return {**round_detail(rnd.pk), "counts": counts}


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


class PreviewOut(Schema):
    score: Decimal
    spread: Decimal


class EvaluationDetail(EvaluationOut):
    round: str
    round_state: str
    may_score: bool  # the caller may submit (or replace) a sheet now
    items: list[ItemOut]  # what to score on
    sheets: list[SheetOut]
    preview: PreviewOut | None  # the result from the sheets so far


def evaluation_detail(request, pk: int) -> dict:
    ev = get_object_or_404(_evaluations(request).select_related("unit__leader"), pk=pk)
    sheets = list(ev.sheets.select_related("reviewer").prefetch_related("scores").order_by("id"))
    totals = [s.total for s in sheets]
    preview = evaluation.aggregate(totals, ev.round.aggregation) if totals else None
    return {
        **evaluation_out(ev),
        "round": ev.round.title,
        "round_state": ev.round.state,
        "may_score": evaluation.may_score(request.user, ev) and ev.round.state == RoundState.OPEN,
        "items": [{"id": i.pk, "title": i.title, "max_points": i.max_points, "have": i.have} for i in ev_items(ev)],
        "sheets": [sheet_out(s) for s in sheets],
        "preview": None if preview is None else {"score": preview[0], "spread": preview[1]},
    }


def sheet_out(s: ScoreSheet) -> dict:
    return {
        "id": s.pk,
        "reviewer_id": s.reviewer_id,
        "reviewer": str(s.reviewer),
        "total": s.total,
        "comment": s.comment,
        "submitted_at": s.submitted_at,
        "points": {x.item_id: x.points for x in s.scores.all()},
    }


@router.get(
    "/platform/evaluations/{int:evaluation_id}",
    response={200: EvaluationDetail, **ERRORS},
    summary="一个载体的考评：评分项、各评审的评分表、当前结果",
)
def evaluation_(request, evaluation_id: int):
    _require_reader(request)
    return evaluation_detail(request, evaluation_id)


class SheetIn(Schema):
    points: ItemPoints  # rubric item id → points (0 to the item's points), every item
    comment: str = ""


@router.put(
    "/platform/evaluations/{int:evaluation_id}/sheet",
    response={200: EvaluationDetail, **WRITE_ERRORS},
    summary="提交（或在考评结束前替换）本人的评分表；不能为自己带领的载体评分",
)
def submit_sheet(request, evaluation_id: int, payload: SheetIn):
    _require_reader(request)
    ev = get_object_or_404(Evaluation, pk=evaluation_id)
    evaluation.submit_sheet(actor=request.user, evaluation=ev, points=payload.points, comment=payload.comment)
    return evaluation_detail(request, evaluation_id)


# --- Candidates for promotion or removal ----------------------------------------------------------


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


CASES = Case.objects.select_related("unit__leader", "unit__union", "unit__employer", "decided_by")


def case_out(c: Case) -> dict:
    return {
        "id": c.pk,
        "unit": unit_summary(c.unit),
        "kind": c.kind,
        "kind_label": choice(c.kind, CaseKind),
        "from_tier": c.from_tier,
        "to_tier": c.to_tier,
        "evaluation_id": c.evaluation_id,
        "why": c.why,
        "state": c.state,
        "state_label": choice(c.state, CaseState),
        "decided_by": str(c.decided_by) if c.decided_by_id else None,
        "decided_on": c.decided_on,
        "decision_reason": c.decision_reason,
        "created_at": c.created_at,
    }


CasePage = Page[CaseOut]


@router.get("/platform/cases", response={200: CasePage, **ERRORS}, summary="晋级与摘牌候选（新的在前）")
def cases(
    request,
    state: Literal["", "pending", "accepted", "declined"] = "",
    kind: Literal["", "promote", "remove"] = "",
    cursor: str = "",
    limit: int = 50,
):
    _require_reader(request)
    qs = CASES.all()
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return page(qs, ["-id"], cursor=cursor, limit=limit, serialize=case_out)


@router.get("/platform/cases/{int:case_id}", response={200: CaseOut, **ERRORS}, summary="一个候选")
def case(request, case_id: int):
    _require_reader(request)
    return case_out(get_object_or_404(CASES, pk=case_id))


class DecisionIn(Schema):
    decision: Literal["accept", "decline"]
    reason: str


@router.post(
    "/platform/cases/{int:case_id}/decide",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="决定候选：同意（晋级换牌，或摘牌）或不同意，均须说明理由",
)
def decide_case(request, case_id: int, payload: DecisionIn):
    require(request, Perm.MANAGE_PLATFORM)
    found = get_object_or_404(Case, pk=case_id)
    evaluation.decide_case(actor=request.user, case=found, accept=payload.decision == "accept", reason=payload.reason)
    return case_out(CASES.get(pk=case_id))


# --- Funding ---------------------------------------------------------------------------------------


class PlanOut(Schema):
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


class AllocationOut(Schema):
    id: int
    unit: UnitRef
    amount: Decimal
    basis: str
    paid: Decimal


class PlanDetail(PlanOut):
    total: Decimal  # the shares added up: always the budget
    allocations: list[AllocationOut]  # largest first


PLANS = FundingPlan.objects.select_related("created_by", "approved_by").annotate(n=Count("allocations"))


def plan_out(p: FundingPlan) -> dict:
    return {
        "id": p.pk,
        "year": p.year,
        "budget": p.budget,
        "grant_new_studio": p.grant_new_studio,
        "grant_reconfirmed_studio": p.grant_reconfirmed_studio,
        "tier_weights": {str(k): str(v) for k, v in (p.tier_weights or {}).items()},
        "grade_weights": {str(k): str(v) for k, v in (p.grade_weights or {}).items()},
        "state": p.state,
        "state_label": choice(p.state, PlanState),
        "note": p.note,
        "created_by": str(p.created_by),
        "approved_by": str(p.approved_by) if p.approved_by_id else None,
        "approved_at": p.approved_at,
        "units": p.n,
    }


def plan_detail(pk: int) -> dict:
    plan = PLANS.get(pk=pk)
    allocations = list(
        plan.allocations.select_related("unit")
        .annotate(paid=Sum("disbursements__amount"))
        .order_by("-amount", "unit_id")
    )
    return {
        **plan_out(plan),
        "total": _money(sum((a.amount for a in allocations), Decimal(0))),
        "allocations": [
            {
                "id": a.pk,
                "unit": unit_ref(a.unit),
                "amount": a.amount,
                "basis": a.basis,
                "paid": _money(a.paid),
            }
            for a in allocations
        ],
    }


@router.get("/platform/funding-plans", response={200: list[PlanOut], **ERRORS}, summary="年度经费方案（新的在前）")
def plans(request):
    _require_reader(request)
    return [plan_out(p) for p in PLANS.order_by("-year")]


@router.get(
    "/platform/funding-plans/{int:plan_id}",
    response={200: PlanDetail, **ERRORS},
    summary="一个经费方案：各载体的份额、依据与已拨付金额",
)
def plan(request, plan_id: int):
    _require_reader(request)
    return plan_detail(get_object_or_404(FundingPlan, pk=plan_id).pk)


class PlanIn(Schema):
    year: int = Field(ge=2000, le=2100)
    budget: Amount  # whole yuan
    grant_new_studio: Amount | None = None  # default: the platform's rules
    grant_reconfirmed_studio: Amount | None = None
    tier_weights: dict[TierName, Weight] | None = None  # all three (a missing one weighs 0), or the rules'
    grade_weights: dict[Literal["excellent", "good", "pass", "fail", "none"], Weight] | None = None
    note: str = ""


def _plan_data(payload: PlanIn) -> dict:
    data = payload.dict(exclude_none=True)
    for key in ("tier_weights", "grade_weights"):
        if key in data:
            data[key] = {k: str(v) for k, v in data[key].items()}
    return data


@router.post(
    "/platform/funding-plans",
    response={201: PlanDetail, **WRITE_ERRORS},
    summary="编制年度经费方案（先定额补助，余额按层级×等次权重分配，整元，合计等于预算）",
)
def create_plan(request, payload: PlanIn):
    require(request, Perm.MANAGE_PLATFORM)
    created = funding.save_plan(actor=request.user, data=_plan_data(payload))
    return Status(201, plan_detail(created.pk))


@router.put(
    "/platform/funding-plans/{int:plan_id}",
    response={200: PlanDetail, **WRITE_ERRORS},
    summary="修改草稿方案并重新计算（已批准的方案不再改变）",
)
def update_plan(request, plan_id: int, payload: PlanIn):
    require(request, Perm.MANAGE_PLATFORM)
    found = get_object_or_404(FundingPlan, pk=plan_id)
    funding.save_plan(actor=request.user, data=_plan_data(payload), plan=found)
    return plan_detail(plan_id)


@router.post(
    "/platform/funding-plans/{int:plan_id}/approve",
    response={200: PlanDetail, **WRITE_ERRORS},
    summary="批准经费方案（此后可登记拨付）",
)
def approve_plan(request, plan_id: int):
    require(request, Perm.MANAGE_PLATFORM)
    funding.approve_plan(actor=request.user, plan=get_object_or_404(FundingPlan, pk=plan_id))
    return plan_detail(plan_id)


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


@router.post(
    "/platform/allocations/{int:allocation_id}/disburse",
    response={201: DisbursementOut, **WRITE_ERRORS},
    summary="登记拨付（方案批准后；全部或部分，不超过份额）",
)
def disburse(request, allocation_id: int, payload: DisburseIn):
    require(request, Perm.MANAGE_PLATFORM)
    allocation = get_object_or_404(Allocation.objects.select_related("plan", "unit"), pk=allocation_id)
    item: Disbursement = funding.disburse(
        actor=request.user,
        allocation=allocation,
        paid_on=payload.paid_on,
        reference=payload.reference,
        amount=payload.amount,
    )
    return Status(
        201,
        {
            "id": item.pk,
            "allocation_id": item.allocation_id,
            "unit": unit_ref(allocation.unit),
            "paid_on": item.paid_on,
            "amount": _money(item.amount),
            "reference": item.reference,
            "note": item.note,
            "reverses_id": item.reverses_id,
        },
    )
