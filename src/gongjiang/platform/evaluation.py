"""Evaluations (考评) and what follows from them: the rubric per tier, rounds, reviewers'
sheets, the result (mean or median, with the spread), the grade, a star post's stars, and the
rules of promotion and elimination, which make candidates that the federation decides.

The arithmetic and the rules are pure functions (``aggregate``, ``grade_for``, ``stars_for``,
``consequences``) so they can be tested over many rounds without a database.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import User
from gongjiang.accounts.permissions import Actor, require, user_of
from gongjiang.core.errors import DomainError
from gongjiang.platform.enums import (
    ESTABLISHED,
    NEXT_TIER,
    Aggregation,
    CaseKind,
    CaseState,
    EventKind,
    Grade,
    Have,
    RoundState,
    Tier,
    UnitStatus,
)
from gongjiang.platform.models import (
    Case,
    Evaluation,
    EvaluationRound,
    ItemScore,
    PlatformPolicy,
    Rubric,
    RubricItem,
    ScoreSheet,
    TierSpan,
    Unit,
)
from gongjiang.platform.services.awards import new_plaque
from gongjiang.platform.services.common import clean_text
from gongjiang.platform.services.units import check_leader, lock_unit, record_event

Perm = permissions.Perm
TWO = Decimal("0.01")

DEFAULT_RUBRICS: dict[str, list[tuple[str, int, str]]] = {
    Tier.STUDIO: [
        ("有团队：领头人与团队结构", 10, Have.TEAM),
        ("有场地：固定活动场所与设施", 8, Have.VENUE),
        ("有经费：经费落实与规范使用", 8, Have.FUNDS),
        ("有管理：制度、例会与台账", 12, Have.MANAGEMENT),
        ("有标志：统一标志与展示", 5, Have.SIGN),
        ("有成效：课题、新产品新技术、专利", 27, Have.RESULTS),
        ("名师带徒与人才培养", 15, ""),
        ("科技奖项与荣誉", 10, ""),
        ("辐射带动与宣传", 5, ""),
    ],
    Tier.STAR_POST: [
        ("有团队：岗位团队与分工", 10, Have.TEAM),
        ("有场地：岗位阵地", 8, Have.VENUE),
        ("有经费：经费落实", 7, Have.FUNDS),
        ("有管理：岗位规范与记录", 15, Have.MANAGEMENT),
        ("有标志：统一标志", 5, Have.SIGN),
        ("有成效：岗位创新成果", 25, Have.RESULTS),
        ("传帮带", 15, ""),
        ("服务质量与群众评价", 15, ""),
    ],
    Tier.STANDARD_BEARER: [
        ("有团队：带动身边职工", 5, Have.TEAM),
        ("有场地：岗位练兵场所", 5, Have.VENUE),
        ("有经费：单位支持", 5, Have.FUNDS),
        ("有管理：个人计划与记录", 10, Have.MANAGEMENT),
        ("有标志：标兵标识", 5, Have.SIGN),
        ("有成效：技术革新与成果", 30, Have.RESULTS),
        ("技能水平与竞赛", 25, ""),
        ("职业道德与示范作用", 15, ""),
    ],
}


# --- Pure rules --------------------------------------------------------------------------------


def aggregate(totals: list[Decimal], method: str) -> tuple[Decimal, Decimal]:
    """The unit's score from its reviewers' totals (mean or median) and the spread (max − min),
    both to two places."""
    if not totals:
        raise ValueError("no totals")
    values = [Decimal(t) for t in totals]
    score = statistics.median(values) if method == Aggregation.MEDIAN else sum(values) / len(values)
    return Decimal(score).quantize(TWO, ROUND_HALF_UP), (max(values) - min(values)).quantize(TWO)


def grade_for(score: Decimal, policy: PlatformPolicy) -> str:
    if score >= policy.band_excellent:
        return Grade.EXCELLENT
    if score >= policy.band_good:
        return Grade.GOOD
    if score >= policy.band_pass:
        return Grade.PASS
    return Grade.FAIL


def stars_for(score: Decimal, policy: PlatformPolicy) -> int:
    """A star post's stars follow its score: one star for each threshold reached (0 below the first)."""
    return sum(1 for t in (policy.star_thresholds or [])[: policy.max_stars] if score >= Decimal(t))


@dataclass(frozen=True)
class Consequence:
    """What the rules say after a round: a new star count, a warning, back to active, a candidate."""

    stars: int | None = None
    warn: bool = False
    rectified: bool = False
    case: str | None = None  # CaseKind
    to_tier: str | None = None
    why: str = ""


def consequences(
    *, tier: str, stars: int | None, status: str, grades: list[str], score: Decimal, policy: PlatformPolicy
) -> Consequence:
    """The rules of promotion and elimination for one unit, given its grades in the rounds at
    this tier, oldest first, this round's last. Defaults (all in the policy):

    * a standard-bearer graded 优秀 ``promote_rounds`` (2) rounds running → candidate for star post;
    * a star post with all its stars graded 优秀 → candidate for studio;
    * 不合格 once → a warning and a deadline to put things right;
    * 不合格 ``remove_after_fails`` (2) rounds running → candidate for plaque removal;
    * a warned unit graded 合格 or better → put right.
    """
    grade = grades[-1]
    new_stars = None
    if tier == Tier.STAR_POST:
        earned = stars_for(score, policy)
        if earned >= 1 and earned != stars:
            new_stars = earned
    current_stars = new_stars or stars
    fails = 0
    for g in reversed(grades):
        if g != Grade.FAIL:
            break
        fails += 1
    if grade == Grade.FAIL:
        if fails >= policy.remove_after_fails:
            return Consequence(
                stars=new_stars, case=CaseKind.REMOVE, why=_("不合格 %(n)s rounds running") % {"n": fails}
            )
        return Consequence(stars=new_stars, warn=True, why=_("不合格: put right by the deadline"))
    rectified = status == UnitStatus.WARNED
    if grade == Grade.EXCELLENT:
        if tier == Tier.STANDARD_BEARER:
            excellent = 0
            for g in reversed(grades):
                if g != Grade.EXCELLENT:
                    break
                excellent += 1
            if excellent >= policy.promote_rounds:
                return Consequence(
                    stars=new_stars,
                    rectified=rectified,
                    case=CaseKind.PROMOTE,
                    to_tier=Tier.STAR_POST,
                    why=_("优秀 %(n)s rounds running") % {"n": excellent},
                )
        if tier == Tier.STAR_POST and current_stars == policy.max_stars:
            return Consequence(
                stars=new_stars,
                rectified=rectified,
                case=CaseKind.PROMOTE,
                to_tier=Tier.STUDIO,
                why=_("%(n)s-star post graded 优秀") % {"n": policy.max_stars},
            )
    return Consequence(stars=new_stars, rectified=rectified)


# --- Rubrics -----------------------------------------------------------------------------------


def ensure_rubrics() -> dict[str, Rubric]:
    """Each tier has a rubric; the defaults above until the federation edits them."""
    out = {}
    for tier, items in DEFAULT_RUBRICS.items():
        rubric, created = Rubric.objects.get_or_create(tier=tier)
        if created:
            RubricItem.objects.bulk_create(
                [RubricItem(rubric=rubric, order=i, title=t, max_points=p, have=h) for i, (t, p, h) in enumerate(items)]
            )
        out[tier] = rubric
    return out


def check_rubric(items: list[dict]) -> None:
    errors = []
    if any(not clean_text(i.get("title")) for i in items):
        errors.append(_("Every item needs a title."))
    if any(int(i.get("max_points") or 0) <= 0 for i in items):
        errors.append(_("Every item is worth at least one point."))
    total = sum(int(i.get("max_points") or 0) for i in items)
    if total != 100:
        errors.append(_("The items add up to %(n)s points; they must add up to 100.") % {"n": total})
    missing = [Have(h).label for h in Have.values if h not in {i.get("have") for i in items}]
    if missing:
        errors.append(_("The six haves must be among the items; missing: %(m)s.") % {"m": "、".join(map(str, missing))})
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_rubric(*, actor: Actor, tier: str, items: list[dict]) -> Rubric:
    """Replace a tier's items. Items no longer used are retired, not deleted: closed rounds'
    sheets still point at them."""
    require(actor, Perm.MANAGE_PLATFORM)
    check_rubric(items)
    rubric = ensure_rubrics()[tier]
    if EvaluationRound.objects.filter(state=RoundState.OPEN, evaluations__tier=tier).exists():
        raise DomainError(_("A round is being scored with this rubric: close it first."), code="conflict")
    before = [str(i) for i in rubric.items.filter(retired=False)]
    rubric.items.filter(retired=False).update(retired=True)
    RubricItem.objects.bulk_create(
        [
            RubricItem(
                rubric=rubric,
                order=n,
                title=clean_text(i["title"])[:60],
                max_points=int(i["max_points"]),
                have=i.get("have") or "",
            )
            for n, i in enumerate(items)
        ]
    )
    rubric.save()
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=rubric,
        changes={"items": [before, [f"{clean_text(i['title'])}（{i['max_points']}）" for i in items]]},
    )
    return rubric


# --- Rounds and sheets -------------------------------------------------------------------------


@transaction.atomic
def open_round(*, actor: User, year: int, title: str, tiers: list[str], on: dt.date | None = None) -> EvaluationRound:
    """A round for every established unit of the tiers (warned ones included)."""
    require(actor, Perm.MANAGE_PLATFORM)
    title = clean_text(title)
    if not title:
        raise ValidationError({"title": [_("Give the round a title, e.g. 2026 年度考评.")]})
    if EvaluationRound.objects.filter(title=title).exists():
        raise ValidationError({"title": [_("There is already a round with this title.")]})
    tiers = [t for t in tiers if t in Tier.values]
    if not tiers:
        raise ValidationError({"tiers": [_("Choose at least one tier.")]})
    ensure_rubrics()
    policy = PlatformPolicy.current()
    rnd = EvaluationRound.objects.create(
        year=year,
        title=title,
        aggregation=policy.aggregation,
        opened_on=on or timezone.localdate(),
        created_by=actor,
    )
    units = Unit.objects.filter(tier__in=tiers, status__in=ESTABLISHED).values_list("pk", "tier")
    Evaluation.objects.bulk_create(
        [Evaluation(round=rnd, unit_id=pk, tier=tier) for pk, tier in units], batch_size=2000
    )
    record(actor=actor, action=AuditAction.CREATE, obj=rnd, detail={"tiers": tiers, "units": len(units)})
    return rnd


def ev_items(ev: Evaluation):
    """The items to score on: the tier's current items while the round is open; once it is
    closed, the items its sheets were scored on (a rubric edited later does not rewrite them)."""
    if ev.round.state != RoundState.OPEN:
        used = RubricItem.objects.filter(pk__in=ItemScore.objects.filter(sheet__evaluation=ev).values("item_id"))
        if used.exists():
            return used.order_by("order", "id")
    return RubricItem.objects.filter(rubric__tier=ev.tier, retired=False)


def may_score(user, evaluation: Evaluation) -> bool:
    """A reviewer scores any unit but one they lead; a leader never scores their own unit."""
    return permissions.has_perm(user, Perm.SCORE_UNITS) and not (
        user.model_worker_id and evaluation.unit.leader_id == user.model_worker_id
    )


@transaction.atomic
def submit_sheet(*, actor: User, evaluation: Evaluation, points: dict[int, Decimal], comment: str = "") -> ScoreSheet:
    """A reviewer's scores, item by item (0 to the item's points); a second submission replaces
    the first while the round is open."""
    evaluation = Evaluation.objects.select_related("round", "unit").get(pk=evaluation.pk)
    if not may_score(actor, evaluation):
        raise PermissionDenied(_("You may not score this unit."))
    if evaluation.round.state != RoundState.OPEN:
        raise DomainError(_("The round is closed."), code="conflict")
    items = list(RubricItem.objects.filter(rubric__tier=evaluation.tier, retired=False))
    errors = {}
    clean = {}
    for item in items:
        value = points.get(item.pk)
        try:
            value = Decimal(str(value)).quantize(Decimal("0.1")) if value not in (None, "") else None
        except ArithmeticError:
            value = None
        if value is None:
            errors[f"item_{item.pk}"] = [_("Score this item.")]
        elif not 0 <= value <= item.max_points:
            errors[f"item_{item.pk}"] = [_("From 0 to %(n)s points.") % {"n": item.max_points}]
        else:
            clean[item] = value
    if errors:
        raise ValidationError(errors)
    total = sum(clean.values(), Decimal(0))
    sheet, created = ScoreSheet.objects.update_or_create(
        evaluation=evaluation, reviewer=actor, defaults={"total": total, "comment": (comment or "").strip()}
    )
    sheet.scores.all().delete()  # the sheet's own lines, replaced while the round is open
    ItemScore.objects.bulk_create([ItemScore(sheet=sheet, item=item, points=value) for item, value in clean.items()])
    record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=evaluation,
        object_repr=f"{evaluation.round} · {evaluation.unit}",
        detail={"total": str(total)},
    )
    return sheet


@transaction.atomic
def close_round(*, actor: Actor, rnd: EvaluationRound, on: dt.date | None = None) -> dict[str, int]:
    """Results for every unit with enough reviewers, then the rules: stars, warnings, units put
    right, and candidates for promotion or removal. Returns counts for the message."""
    require(actor, Perm.MANAGE_PLATFORM)
    rnd = EvaluationRound.objects.select_for_update().get(pk=rnd.pk)
    if rnd.state != RoundState.OPEN:
        raise DomainError(_("The round is closed."), code="conflict")
    on = on or timezone.localdate()
    policy = PlatformPolicy.current()
    counts = {"graded": 0, "short": 0, "warned": 0, "cases": 0}
    evaluations = list(rnd.evaluations.select_related("unit").prefetch_related("sheets"))
    history = _grade_history([e.unit_id for e in evaluations], before=rnd)
    for ev in evaluations:
        totals = [s.total for s in ev.sheets.all()]
        if len(totals) < policy.min_reviewers:
            ev.outcome = _("Fewer than %(n)s reviewers: no result") % {"n": policy.min_reviewers}
            ev.save(update_fields=["outcome"])
            counts["short"] += 1
            continue
        ev.score, ev.spread = aggregate(totals, rnd.aggregation)
        ev.grade = grade_for(ev.score, policy)
        unit = lock_unit(ev.unit)
        if unit.is_established and unit.tier == ev.tier:
            grades = [g for t, g in history.get(unit.pk, []) if t == ev.tier] + [ev.grade]
            what = consequences(
                tier=ev.tier, stars=unit.stars, status=unit.status, grades=grades, score=ev.score, policy=policy
            )
        else:
            # Removed or promoted while the round was open: the result stays on record, but the
            # rules of the tier it was evaluated at no longer apply to the unit.
            what = Consequence()
        ev.outcome = _apply(actor, unit, ev, what, policy, on, counts)
        ev.stars_after = unit.stars
        ev.save(update_fields=["score", "spread", "grade", "outcome", "stars_after"])
        counts["graded"] += 1
    rnd.state, rnd.closed_on, rnd.closed_by = RoundState.CLOSED, on, user_of(actor)
    rnd.save(update_fields=["state", "closed_on", "closed_by"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=rnd,
        changes={"state": [RoundState.OPEN, RoundState.CLOSED]},
        detail=counts,
    )
    return counts


def _grade_history(unit_ids: list[int], *, before: EvaluationRound) -> dict[int, list[tuple[str, str]]]:
    """Each unit's (tier, grade) in closed rounds before this one, oldest first."""
    out: dict[int, list[tuple[str, str]]] = {}
    rows = (
        Evaluation.objects.filter(unit_id__in=unit_ids, round__state=RoundState.CLOSED, round_id__lt=before.pk)
        .exclude(grade="")
        .order_by("round__closed_on", "round_id")
        .values_list("unit_id", "tier", "grade")
    )
    for unit_id, tier, grade in rows:
        out.setdefault(unit_id, []).append((tier, grade))
    return out


def _apply(
    actor: Actor, unit: Unit, ev: Evaluation, what: Consequence, policy: PlatformPolicy, on: dt.date, counts: dict
) -> str:
    said = []  # what followed from the grade (the grade itself is shown beside it)
    record_event(
        unit, EventKind.GRADED, actor=actor, on=on, after=f"{ev.get_grade_display()} {ev.score}", reason=str(ev.round)
    )
    if what.stars is not None:
        record_event(
            unit,
            EventKind.STARS,
            actor=actor,
            on=on,
            before="★" * (unit.stars or 0),
            after="★" * what.stars,
            reason=_("Stars follow the score %(s)s") % {"s": ev.score},
        )
        said.append(_("stars %(a)s → %(b)s") % {"a": unit.stars or 0, "b": what.stars})
        unit.stars = what.stars
    if what.warn and unit.status != UnitStatus.WARNED:
        unit.status, unit.status_since = UnitStatus.WARNED, on
        unit.warning_deadline = on + dt.timedelta(days=policy.warning_days)
        record_event(
            unit,
            EventKind.WARNED,
            actor=actor,
            on=on,
            before=UnitStatus.ACTIVE.label,
            after=UnitStatus.WARNED.label,
            reason=_("%(why)s, by %(d)s") % {"why": what.why, "d": unit.warning_deadline},
        )
        said.append(_("warned, to put right by %(d)s") % {"d": unit.warning_deadline})
        counts["warned"] += 1
    elif what.rectified:
        unit.status, unit.status_since, unit.warning_deadline = UnitStatus.ACTIVE, on, None
        record_event(
            unit,
            EventKind.RECTIFIED,
            actor=actor,
            on=on,
            before=UnitStatus.WARNED.label,
            after=UnitStatus.ACTIVE.label,
            reason=str(ev.round),
        )
        said.append(_("put right"))
    unit.save()
    if what.case:
        _case, created = Case.objects.get_or_create(
            unit=unit,
            kind=what.case,
            state=CaseState.PENDING,
            defaults={"from_tier": ev.tier, "to_tier": what.to_tier or "", "evaluation": ev, "why": what.why[:200]},
        )
        if created:
            counts["cases"] += 1
        said.append(_("candidate for promotion") if what.case == CaseKind.PROMOTE else _("candidate for removal"))
    return "；".join(said)[:200]


# --- Re-review and decisions -------------------------------------------------------------------


@transaction.atomic
def re_review(*, actor: Actor, unit: Unit, passed: bool, note: str, on: dt.date | None = None) -> Unit:
    """复审 of a warned unit: passing puts it right; failing makes it a candidate for removal."""
    require(actor, Perm.MANAGE_PLATFORM)
    unit = lock_unit(unit)
    if unit.status != UnitStatus.WARNED:
        raise DomainError(_("Only a warned unit is re-reviewed."), code="conflict")
    on = on or timezone.localdate()
    if passed:
        unit.status, unit.status_since, unit.warning_deadline = UnitStatus.ACTIVE, on, None
        unit.save()
        record_event(
            unit,
            EventKind.RECTIFIED,
            actor=actor,
            on=on,
            before=UnitStatus.WARNED.label,
            after=UnitStatus.ACTIVE.label,
            reason=clean_text(note) or _("Passed the re-review"),
        )
    else:
        record_event(unit, EventKind.RE_REVIEW_FAILED, actor=actor, on=on, reason=clean_text(note))
        Case.objects.get_or_create(
            unit=unit,
            kind=CaseKind.REMOVE,
            state=CaseState.PENDING,
            defaults={"from_tier": unit.tier, "why": _("Failed the re-review")},
        )
    record(actor=actor, action=AuditAction.UPDATE, obj=unit, detail={"re_review": passed, "note": clean_text(note)})
    return unit


@transaction.atomic
def decide_case(*, actor: Actor, case: Case, accept: bool, reason: str, on: dt.date | None = None) -> Case:
    """The federation decides a candidate, with a reason. Promotion moves the unit up a tier with
    a new plaque; removal takes the plaque away. A removed unit keeps its record and history."""
    require(actor, Perm.MANAGE_PLATFORM)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.state != CaseState.PENDING:
        raise DomainError(_("This candidate has been decided."), code="conflict")
    if not clean_text(reason):
        raise ValidationError({"reason": [_("Give the reason for the decision.")]})
    on = on or timezone.localdate()
    unit = lock_unit(case.unit)
    if accept:
        if case.kind == CaseKind.PROMOTE:
            _promote(actor, unit, case, on, reason)
        else:
            _remove(actor, unit, on, reason)
    else:
        record_event(
            unit, EventKind.CASE_DECLINED, actor=actor, on=on, before=case.get_kind_display(), reason=clean_text(reason)
        )
    case.state = CaseState.ACCEPTED if accept else CaseState.DECLINED
    case.decided_by, case.decided_on, case.decision_reason = user_of(actor), on, clean_text(reason)
    case.save()
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=unit,
        changes={"case": [CaseState.PENDING, case.state]},
        detail={"kind": case.kind, "reason": clean_text(reason)},
    )
    return case


def _promote(actor: Actor, unit: Unit, case: Case, on: dt.date, reason: str) -> None:
    if not unit.is_established or unit.tier != case.from_tier or case.to_tier != NEXT_TIER.get(Tier(unit.tier)):
        raise DomainError(_("The unit is no longer where this candidate found it."), code="conflict")
    check_leader(case.to_tier, unit.leader, unit.leader_name, PlatformPolicy.current())
    before = unit.get_tier_display()
    old_number = unit.plaque_number
    unit.tier = case.to_tier
    unit.stars = 1 if unit.tier == Tier.STAR_POST else None
    unit.plaque_number = new_plaque(unit, unit.tier, on)
    unit.awarded_on, unit.status, unit.status_since, unit.warning_deadline = on, UnitStatus.ACTIVE, on, None
    unit.save()
    record_event(
        unit,
        EventKind.PROMOTED,
        actor=actor,
        on=on,
        before=before,
        after=unit.get_tier_display(),
        reason=f"{case.why}；{clean_text(reason)}",
    )
    record_event(unit, EventKind.AWARDED, actor=actor, on=on, before=old_number or "", after=unit.plaque_number)


def _remove(actor: Actor, unit: Unit, on: dt.date, reason: str) -> None:
    if unit.status == UnitStatus.REMOVED:
        raise DomainError(_("The plaque has been removed already."), code="conflict")
    before = unit.get_status_display()
    unit.status, unit.status_since, unit.warning_deadline = UnitStatus.REMOVED, on, None
    unit.save()
    TierSpan.objects.filter(unit=unit, ends_on__isnull=True).update(ends_on=on)
    record_event(
        unit,
        EventKind.REMOVED,
        actor=actor,
        on=on,
        before=before,
        after=UnitStatus.REMOVED.label,
        reason=clean_text(reason),
    )
