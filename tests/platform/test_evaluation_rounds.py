"""Evaluation rounds on a real database: who is in a round, the reviewers' sheets, and what the
rules do to the units over consecutive rounds, up to the federation's decisions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from gongjiang.accounts.enums import Role
from gongjiang.archive.enums import Level
from gongjiang.core.errors import DomainError
from gongjiang.platform import evaluation, services
from gongjiang.platform.enums import CaseKind, CaseState, EventKind, Grade, RoundState, Tier, UnitStatus
from gongjiang.platform.models import Case, Evaluation, ItemScore, RubricItem, ScoreSheet, TierSpan, Unit
from tests.factories import ModelWorkerFactory
from tests.platform.conftest import apply, established, points_for, run_round, score


def kinds(unit: Unit) -> list[str]:
    return list(unit.events.order_by("id").values_list("kind", flat=True))


def result(rnd, unit: Unit) -> tuple:
    ev = Evaluation.objects.get(round=rnd, unit=unit)
    return ev.score, ev.spread, ev.grade, ev.stars_after


def spans(unit: Unit) -> list[tuple]:
    return list(unit.spans.order_by("starts_on", "id").values_list("tier", "plaque_number", "starts_on", "ends_on"))


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


CREATED = [EventKind.APPLIED, EventKind.APPROVED, EventKind.AWARDED]


# --- Opening a round -------------------------------------------------------------------------------


def test_open_round_takes_the_established_units_of_the_chosen_tiers_only(staff_user, reviewers, union_a):
    bearer = established(staff_user, union=union_a, name="在册标兵")
    warned = established(staff_user, union=union_a, tier=Tier.STAR_POST, name="被警示的示范岗")
    run_round(staff_user, reviewers, year=2023, totals={warned: [50, 50]}, tiers=[Tier.STAR_POST])
    assert fresh(warned).status == UnitStatus.WARNED
    established(staff_user, union=union_a, tier=Tier.STUDIO, name="工作室")
    apply(staff_user, union=union_a, name="申报中")
    approved = apply(staff_user, union=union_a, name="待授牌")
    services.review_unit(actor=staff_user, unit=approved, approve=True, reason="")
    rejected = apply(staff_user, union=union_a, name="未通过")
    services.review_unit(actor=staff_user, unit=rejected, approve=False, reason="材料不全")

    rnd = evaluation.open_round(
        actor=staff_user,
        year=2024,
        title="2024 年度考评",
        tiers=[Tier.STANDARD_BEARER, Tier.STAR_POST],
        on=dt.date(2024, 11, 1),
    )

    assert (rnd.state, rnd.opened_on, rnd.year) == (RoundState.OPEN, dt.date(2024, 11, 1), 2024)
    assert sorted(rnd.evaluations.values_list("unit__name", "tier")) == [
        ("在册标兵", Tier.STANDARD_BEARER),
        ("被警示的示范岗", Tier.STAR_POST),
    ]
    assert Evaluation.objects.get(round=rnd, unit=bearer).grade == ""


def test_open_round_refuses_a_title_used_before_and_no_tier(staff_user):
    evaluation.open_round(actor=staff_user, year=2024, title="2024 年度考评", tiers=[Tier.STUDIO])
    with pytest.raises(ValidationError) as taken:
        evaluation.open_round(actor=staff_user, year=2025, title=" 2024  年度考评 ", tiers=[Tier.STUDIO])
    assert "title" in taken.value.message_dict
    with pytest.raises(ValidationError) as no_tier:
        evaluation.open_round(actor=staff_user, year=2025, title="2025 年度考评", tiers=["nonsense"])
    assert "tiers" in no_tier.value.message_dict


def test_only_the_federation_opens_a_round(union_user):
    with pytest.raises(PermissionDenied):
        evaluation.open_round(actor=union_user, year=2024, title="2024 年度考评", tiers=[Tier.STUDIO])


# --- Score sheets ------------------------------------------------------------------------------------


@pytest.fixture
def bearer_evaluation(staff_user, union_a):
    unit = established(staff_user, union=union_a, name="标兵")
    rnd = evaluation.open_round(actor=staff_user, year=2024, title="2024 年度考评", tiers=[Tier.STANDARD_BEARER])
    return Evaluation.objects.get(round=rnd, unit=unit)


def bearer_items() -> list[RubricItem]:
    return list(RubricItem.objects.filter(rubric__tier=Tier.STANDARD_BEARER, retired=False).order_by("order", "id"))


def test_a_sheet_adds_up_the_items(bearer_evaluation, reviewers):
    points = {item.pk: Decimal(item.max_points) - Decimal("0.5") for item in bearer_items()}  # 8 items
    sheet = evaluation.submit_sheet(actor=reviewers[0], evaluation=bearer_evaluation, points=points, comment=" 好 ")
    assert (sheet.total, sheet.comment) == (Decimal("96.0"), "好")
    assert sheet.scores.count() == 8


def test_a_sheet_missing_an_item_is_refused_item_by_item(bearer_evaluation, reviewers):
    items = bearer_items()
    points = {item.pk: Decimal(1) for item in items[1:]}
    points[items[2].pk] = ""
    with pytest.raises(ValidationError) as refused:
        evaluation.submit_sheet(actor=reviewers[0], evaluation=bearer_evaluation, points=points)
    assert set(refused.value.message_dict) == {f"item_{items[0].pk}", f"item_{items[2].pk}"}
    assert not ScoreSheet.objects.exists()


def test_a_sheet_above_an_items_points_or_below_zero_is_refused(bearer_evaluation, reviewers):
    items = bearer_items()
    points = {item.pk: Decimal(item.max_points) for item in items}
    points[items[0].pk] = Decimal(items[0].max_points) + Decimal("0.1")
    points[items[1].pk] = Decimal("-1")
    points[items[2].pk] = "lots"
    with pytest.raises(ValidationError) as refused:
        evaluation.submit_sheet(actor=reviewers[0], evaluation=bearer_evaluation, points=points)
    assert set(refused.value.message_dict) == {f"item_{items[0].pk}", f"item_{items[1].pk}", f"item_{items[2].pk}"}
    assert not ScoreSheet.objects.exists()


def test_a_second_sheet_from_the_same_reviewer_replaces_the_first(bearer_evaluation, reviewers):
    score(reviewers[0], bearer_evaluation, 90)
    score(reviewers[0], bearer_evaluation, "72.5", comment="改分")
    sheet = ScoreSheet.objects.get()
    assert (sheet.reviewer, sheet.total, sheet.comment) == (reviewers[0], Decimal("72.5"), "改分")
    assert ItemScore.objects.count() == 8
    assert sum(ItemScore.objects.values_list("points", flat=True)) == Decimal("72.5")


def test_two_reviewers_have_a_sheet_each(bearer_evaluation, reviewers):
    score(reviewers[0], bearer_evaluation, 90)
    score(reviewers[1], bearer_evaluation, 80)
    assert sorted(bearer_evaluation.sheets.values_list("total", flat=True)) == [Decimal(80), Decimal(90)]


def test_a_units_own_leader_may_not_score_it_even_as_federation_staff(staff_user, union_a, make_user):
    leader = ModelWorkerFactory(union=union_a, with_level=Level.MUNICIPAL)
    unit = established(staff_user, union=union_a, tier=Tier.STUDIO, leader=leader)
    other = established(staff_user, union=union_a, tier=Tier.STUDIO)
    rnd = evaluation.open_round(actor=staff_user, year=2024, title="2024 年度考评", tiers=[Tier.STUDIO])
    own_staff = make_user(Role.FEDERATION_STAFF, model_worker=leader)
    own = Evaluation.objects.get(round=rnd, unit=unit)

    assert evaluation.may_score(own_staff, own) is False
    with pytest.raises(PermissionDenied):
        evaluation.submit_sheet(actor=own_staff, evaluation=own, points=points_for(own, 90))
    # The same reviewer scores a unit someone else leads.
    score(own_staff, Evaluation.objects.get(round=rnd, unit=other), 90)
    assert not own.sheets.exists()


def test_a_studio_leader_does_not_score_at_all(staff_user, union_a, make_user):
    leader = ModelWorkerFactory(union=union_a, with_level=Level.MUNICIPAL)
    established(staff_user, union=union_a, tier=Tier.STUDIO, leader=leader)
    other = established(staff_user, union=union_a, tier=Tier.STUDIO)
    rnd = evaluation.open_round(actor=staff_user, year=2024, title="2024 年度考评", tiers=[Tier.STUDIO])
    leader_user = make_user(Role.STUDIO_LEADER, model_worker=leader)
    ev = Evaluation.objects.get(round=rnd, unit=other)
    with pytest.raises(PermissionDenied):
        evaluation.submit_sheet(actor=leader_user, evaluation=ev, points=points_for(ev, 90))


def test_no_scoring_after_the_round_is_closed(bearer_evaluation, reviewers, staff_user):
    score(reviewers[0], bearer_evaluation, 90)
    evaluation.close_round(actor=staff_user, rnd=bearer_evaluation.round, on=dt.date(2024, 12, 20))
    with pytest.raises(DomainError) as closed:
        score(reviewers[0], bearer_evaluation, 50)
    assert closed.value.code == "conflict"
    assert ScoreSheet.objects.get().total == Decimal(90)


def test_a_round_is_closed_once(bearer_evaluation, staff_user):
    evaluation.close_round(actor=staff_user, rnd=bearer_evaluation.round, on=dt.date(2024, 12, 20))
    with pytest.raises(DomainError):
        evaluation.close_round(actor=staff_user, rnd=bearer_evaluation.round, on=dt.date(2024, 12, 21))


# --- Closing a round ------------------------------------------------------------------------------


def test_a_unit_with_fewer_reviewers_than_needed_gets_no_result(staff_user, reviewers, union_a):
    unit = established(staff_user, union=union_a, name="只有一位评委")
    with translation.override("en"):  # the stored outcome in the msgid's words
        rnd, counts = run_round(staff_user, reviewers, year=2024, totals={unit: [95]})
    ev = Evaluation.objects.get(round=rnd, unit=unit)
    assert (ev.score, ev.spread, ev.grade, ev.stars_after) == (None, None, "", None)
    assert ev.outcome == "Fewer than 2 reviewers: no result"
    assert counts == {"graded": 0, "short": 1, "warned": 0, "cases": 0}
    assert kinds(unit) == CREATED
    assert (rnd.state, rnd.closed_on, rnd.closed_by) == (RoundState.CLOSED, dt.date(2024, 12, 20), staff_user)


def test_the_round_uses_the_median_when_the_policy_says_so(staff_user, make_user, union_a, platform_policy):
    platform_policy.aggregation = "median"
    platform_policy.save()
    three = [make_user(Role.FEDERATION_STAFF, username=f"r{n}") for n in range(3)]
    unit = established(staff_user, union=union_a)
    rnd, _counts = run_round(staff_user, three, year=2024, totals={unit: [90, 85, 70]})
    assert rnd.aggregation == "median"
    assert result(rnd, unit) == (Decimal("85.00"), Decimal("20.00"), Grade.GOOD, None)


def test_three_rounds_of_evaluations_and_decisions(staff_user, reviewers, union_a, municipal_worker):
    """The rules over three consecutive rounds, two reviewers each, and the federation's decisions."""
    bearer = established(staff_user, union=union_a, name="标兵甲")
    failing = established(staff_user, union=union_a, tier=Tier.STAR_POST, stars=2, name="示范岗乙")
    recovering = established(staff_user, union=union_a, tier=Tier.STAR_POST, stars=1, name="示范岗丙")
    studio = established(staff_user, union=union_a, tier=Tier.STUDIO, leader=municipal_worker, name="工作室丁")
    assert [u.plaque_number for u in (bearer, failing, recovering, studio)] == [
        "LX-BB-2023-001",
        "LX-SFG-2023-001",
        "LX-SFG-2023-002",
        "LX-GZS-2023-001",
    ]

    # Round 1: the bearer 优秀 once, both star posts 不合格, the studio has one reviewer only.
    r1, counts = run_round(
        staff_user,
        reviewers,
        year=2023,
        totals={bearer: [92, 94], failing: [55, 50], recovering: [58, 56], studio: [88]},
    )
    assert counts == {"graded": 3, "short": 1, "warned": 2, "cases": 0}
    assert result(r1, bearer) == (Decimal("93.00"), Decimal("2.00"), Grade.EXCELLENT, None)
    assert result(r1, failing) == (Decimal("52.50"), Decimal("5.00"), Grade.FAIL, 2)
    assert result(r1, recovering) == (Decimal("57.00"), Decimal("2.00"), Grade.FAIL, 1)
    assert result(r1, studio) == (None, None, "", None)
    assert fresh(bearer).status == UnitStatus.ACTIVE
    failing = fresh(failing)
    assert (failing.status, failing.status_since, failing.warning_deadline, failing.stars) == (
        UnitStatus.WARNED,
        dt.date(2023, 12, 20),
        dt.date(2024, 3, 19),
        2,
    )
    assert fresh(recovering).warning_deadline == dt.date(2023, 12, 20) + dt.timedelta(days=90)
    assert not Case.objects.exists()

    # Round 2: the bearer 优秀 again → candidate; 示范岗乙 不合格 again → candidate for removal;
    # 示范岗丙 合格 → put right; the studio 良好.
    r2, counts = run_round(
        staff_user,
        reviewers,
        year=2024,
        totals={bearer: [95, 91], failing: [58, 40], recovering: [70, 72], studio: [85, 83]},
    )
    assert counts == {"graded": 4, "short": 0, "warned": 0, "cases": 2}
    assert result(r2, bearer) == (Decimal("93.00"), Decimal("4.00"), Grade.EXCELLENT, None)
    assert result(r2, failing) == (Decimal("49.00"), Decimal("18.00"), Grade.FAIL, 2)
    assert result(r2, recovering) == (Decimal("71.00"), Decimal("2.00"), Grade.PASS, 1)
    assert result(r2, studio) == (Decimal("84.00"), Decimal("2.00"), Grade.GOOD, None)
    promote = Case.objects.get(unit=bearer)
    assert (promote.kind, promote.state, promote.from_tier, promote.to_tier, promote.evaluation) == (
        CaseKind.PROMOTE,
        CaseState.PENDING,
        Tier.STANDARD_BEARER,
        Tier.STAR_POST,
        Evaluation.objects.get(round=r2, unit=bearer),
    )
    remove = Case.objects.get(unit=failing)
    assert (remove.kind, remove.state, remove.from_tier, remove.to_tier) == (
        CaseKind.REMOVE,
        CaseState.PENDING,
        Tier.STAR_POST,
        "",
    )
    failing = fresh(failing)
    assert (failing.status, failing.warning_deadline) == (UnitStatus.WARNED, dt.date(2024, 3, 19))
    recovering = fresh(recovering)
    assert (recovering.status, recovering.status_since, recovering.warning_deadline, recovering.stars) == (
        UnitStatus.ACTIVE,
        dt.date(2024, 12, 20),
        None,
        1,
    )

    # The federation decides: the bearer becomes a star post with a new plaque; 示范岗乙 loses its plaque.
    decided = dt.date(2025, 1, 10)
    evaluation.decide_case(actor=staff_user, case=promote, accept=True, reason="连续两年优秀", on=decided)
    evaluation.decide_case(actor=staff_user, case=remove, accept=True, reason="连续两年不合格", on=decided)
    bearer = fresh(bearer)
    assert (bearer.tier, bearer.stars, bearer.status, bearer.plaque_number, bearer.awarded_on) == (
        Tier.STAR_POST,
        1,
        UnitStatus.ACTIVE,
        "LX-SFG-2025-001",
        decided,
    )
    assert spans(bearer) == [
        (Tier.STANDARD_BEARER, "LX-BB-2023-001", dt.date(2023, 3, 1), decided),
        (Tier.STAR_POST, "LX-SFG-2025-001", decided, None),
    ]
    promote.refresh_from_db()
    assert (promote.state, promote.decided_by, promote.decided_on, promote.decision_reason) == (
        CaseState.ACCEPTED,
        staff_user,
        decided,
        "连续两年优秀",
    )
    failing = fresh(failing)
    assert (failing.status, failing.status_since, failing.warning_deadline, failing.plaque_number) == (
        UnitStatus.REMOVED,
        decided,
        None,
        "LX-SFG-2023-001",
    )
    assert spans(failing) == [(Tier.STAR_POST, "LX-SFG-2023-001", dt.date(2023, 3, 1), decided)]

    # Round 3: the removed unit is out; the new star post earns a second star; 示范岗丙 优秀 with
    # three stars → candidate for studio; the studio 不合格 → warned.
    r3, counts = run_round(
        staff_user, reviewers, year=2025, totals={bearer: [85, 83], recovering: [91, 95], studio: [60, 59]}
    )
    assert counts == {"graded": 3, "short": 0, "warned": 1, "cases": 1}
    assert not Evaluation.objects.filter(round=r3, unit=failing).exists()
    assert Evaluation.objects.get(round=r3, unit=bearer).tier == Tier.STAR_POST
    assert result(r3, bearer) == (Decimal("84.00"), Decimal("2.00"), Grade.GOOD, 2)
    assert result(r3, recovering) == (Decimal("93.00"), Decimal("4.00"), Grade.EXCELLENT, 3)
    assert result(r3, studio) == (Decimal("59.50"), Decimal("1.00"), Grade.FAIL, None)
    assert fresh(bearer).stars == 2
    assert fresh(recovering).stars == 3
    to_studio = Case.objects.get(unit=recovering)
    assert (to_studio.kind, to_studio.state, to_studio.from_tier, to_studio.to_tier) == (
        CaseKind.PROMOTE,
        CaseState.PENDING,
        Tier.STAR_POST,
        Tier.STUDIO,
    )
    studio = fresh(studio)
    assert (studio.status, studio.warning_deadline) == (UnitStatus.WARNED, dt.date(2026, 3, 20))
    assert not Case.objects.filter(unit=studio).exists()

    assert kinds(bearer) == [
        *CREATED,
        EventKind.GRADED,
        EventKind.GRADED,
        EventKind.PROMOTED,
        EventKind.AWARDED,
        EventKind.GRADED,
        EventKind.STARS,
    ]
    assert kinds(failing) == [*CREATED, EventKind.GRADED, EventKind.WARNED, EventKind.GRADED, EventKind.REMOVED]
    assert kinds(recovering) == [
        *CREATED,
        EventKind.GRADED,
        EventKind.WARNED,
        EventKind.GRADED,
        EventKind.RECTIFIED,
        EventKind.GRADED,
        EventKind.STARS,
    ]
    assert kinds(studio) == [*CREATED, EventKind.GRADED, EventKind.GRADED, EventKind.WARNED]
    stars_event = bearer.events.get(kind=EventKind.STARS)
    assert (stars_event.before, stars_event.after, stars_event.on) == ("★", "★★", dt.date(2025, 12, 20))
    promoted = bearer.events.get(kind=EventKind.PROMOTED)
    assert promoted.on == decided
    assert list(bearer.events.filter(kind=EventKind.AWARDED).order_by("id").values_list("before", "after")) == [
        ("", "LX-BB-2023-001"),
        ("LX-BB-2023-001", "LX-SFG-2025-001"),
    ]

    # 示范岗丙 is led by someone outside the archive: it cannot become a studio.
    with pytest.raises(ValidationError) as refused:
        evaluation.decide_case(
            actor=staff_user, case=to_studio, accept=True, reason="三星优秀", on=dt.date(2026, 1, 10)
        )
    assert "leader" in refused.value.message_dict
    to_studio.refresh_from_db()
    assert to_studio.state == CaseState.PENDING
    recovering = fresh(recovering)
    assert (recovering.tier, recovering.stars, recovering.plaque_number) == (Tier.STAR_POST, 3, "LX-SFG-2023-002")


# --- Decisions -------------------------------------------------------------------------------------


def three_star_candidate(actor, reviewers, union, **kwargs) -> Case:
    unit = established(actor, union=union, tier=Tier.STAR_POST, stars=3, name="三星示范岗", **kwargs)
    run_round(actor, reviewers, year=2024, totals={unit: [92, 96]})
    return Case.objects.get(unit=unit, kind=CaseKind.PROMOTE)


def test_promotion_to_studio_is_refused_for_a_district_model_worker(staff_user, reviewers, union_a):
    district = ModelWorkerFactory(union=union_a, with_level=Level.DISTRICT)
    case = three_star_candidate(staff_user, reviewers, union_a, leader=district)
    with pytest.raises(ValidationError) as refused:
        evaluation.decide_case(actor=staff_user, case=case, accept=True, reason="三星优秀", on=dt.date(2025, 1, 10))
    assert "leader" in refused.value.message_dict
    assert fresh(case.unit).tier == Tier.STAR_POST
    assert TierSpan.objects.filter(unit=case.unit).count() == 1


def test_promotion_to_studio_is_refused_for_a_model_worker_of_no_level(staff_user, reviewers, union_a):
    case = three_star_candidate(staff_user, reviewers, union_a, leader=ModelWorkerFactory(union=union_a))
    with pytest.raises(ValidationError):
        evaluation.decide_case(actor=staff_user, case=case, accept=True, reason="三星优秀", on=dt.date(2025, 1, 10))


def test_a_three_star_post_led_by_a_municipal_model_worker_becomes_a_studio(
    staff_user, reviewers, union_a, municipal_worker
):
    case = three_star_candidate(staff_user, reviewers, union_a, leader=municipal_worker)
    evaluation.decide_case(actor=staff_user, case=case, accept=True, reason="三星优秀", on=dt.date(2025, 1, 10))
    unit = fresh(case.unit)
    assert (unit.tier, unit.stars, unit.status, unit.plaque_number) == (
        Tier.STUDIO,
        None,
        UnitStatus.ACTIVE,
        "LX-GZS-2025-001",
    )
    assert spans(unit) == [
        (Tier.STAR_POST, "LX-SFG-2023-001", dt.date(2023, 3, 1), dt.date(2025, 1, 10)),
        (Tier.STUDIO, "LX-GZS-2025-001", dt.date(2025, 1, 10), None),
    ]


def test_a_declined_candidate_leaves_the_unit_as_it_was(staff_user, reviewers, union_a):
    unit = established(staff_user, union=union_a, name="标兵")
    run_round(staff_user, reviewers, year=2023, totals={unit: [90, 90]})
    run_round(staff_user, reviewers, year=2024, totals={unit: [95, 95]})
    case = Case.objects.get(unit=unit, state=CaseState.PENDING)
    evaluation.decide_case(actor=staff_user, case=case, accept=False, reason="名额已满", on=dt.date(2025, 1, 10))
    case.refresh_from_db()
    assert (case.state, case.decided_by, case.decided_on, case.decision_reason) == (
        CaseState.DECLINED,
        staff_user,
        dt.date(2025, 1, 10),
        "名额已满",
    )
    unit = fresh(unit)
    assert (unit.tier, unit.status, unit.plaque_number) == (Tier.STANDARD_BEARER, UnitStatus.ACTIVE, "LX-BB-2023-001")
    assert spans(unit) == [(Tier.STANDARD_BEARER, "LX-BB-2023-001", dt.date(2023, 3, 1), None)]
    declined = unit.events.order_by("-id").first()
    assert (declined.kind, declined.on, declined.reason, declined.actor) == (
        EventKind.CASE_DECLINED,
        dt.date(2025, 1, 10),
        "名额已满",
        staff_user,
    )


def test_a_declined_removal_keeps_the_plaque(staff_user, reviewers, union_a):
    unit = established(staff_user, union=union_a, tier=Tier.STAR_POST)
    run_round(staff_user, reviewers, year=2023, totals={unit: [40, 40]})
    run_round(staff_user, reviewers, year=2024, totals={unit: [40, 40]})
    case = Case.objects.get(unit=unit, kind=CaseKind.REMOVE)
    evaluation.decide_case(actor=staff_user, case=case, accept=False, reason="给予整改机会", on=dt.date(2025, 1, 10))
    unit = fresh(unit)
    assert (unit.status, unit.plaque_number) == (UnitStatus.WARNED, "LX-SFG-2023-001")
    assert unit.spans.get().ends_on is None
    assert kinds(unit)[-1] == EventKind.CASE_DECLINED


def test_a_decision_needs_a_reason_and_is_made_once(staff_user, reviewers, union_a):
    unit = established(staff_user, union=union_a, tier=Tier.STAR_POST)
    run_round(staff_user, reviewers, year=2023, totals={unit: [40, 40]})
    run_round(staff_user, reviewers, year=2024, totals={unit: [40, 40]})
    case = Case.objects.get(unit=unit)
    with pytest.raises(ValidationError) as no_reason:
        evaluation.decide_case(actor=staff_user, case=case, accept=True, reason="  ")
    assert "reason" in no_reason.value.message_dict
    evaluation.decide_case(actor=staff_user, case=case, accept=True, reason="连续两年不合格", on=dt.date(2025, 1, 10))
    with pytest.raises(DomainError):
        evaluation.decide_case(actor=staff_user, case=case, accept=False, reason="再议")


def test_a_removed_unit_keeps_its_record_and_is_left_out_of_later_rounds(staff_user, reviewers, union_a):
    unit = established(staff_user, union=union_a)
    run_round(staff_user, reviewers, year=2023, totals={unit: [50, 50]})
    run_round(staff_user, reviewers, year=2024, totals={unit: [50, 50]})
    evaluation.decide_case(
        actor=staff_user,
        case=Case.objects.get(unit=unit),
        accept=True,
        reason="连续两年不合格",
        on=dt.date(2025, 1, 10),
    )
    rnd = evaluation.open_round(actor=staff_user, year=2025, title="2025 年度考评", tiers=list(Tier.values))
    assert not rnd.evaluations.exists()
    unit = fresh(unit)
    assert (unit.status, unit.evaluations.count(), unit.spans.get().ends_on) == (
        UnitStatus.REMOVED,
        2,
        dt.date(2025, 1, 10),
    )


# --- Re-review ----------------------------------------------------------------------------------------


@pytest.fixture
def warned_unit(staff_user, reviewers, union_a):
    unit = established(staff_user, union=union_a, tier=Tier.STAR_POST, stars=1)
    run_round(staff_user, reviewers, year=2024, totals={unit: [50, 54]})
    return fresh(unit)


def test_a_warned_unit_that_passes_the_re_review_is_put_right(staff_user, warned_unit):
    assert (warned_unit.status, warned_unit.warning_deadline) == (UnitStatus.WARNED, dt.date(2025, 3, 20))
    evaluation.re_review(actor=staff_user, unit=warned_unit, passed=True, note="已整改", on=dt.date(2025, 3, 1))
    unit = fresh(warned_unit)
    assert (unit.status, unit.status_since, unit.warning_deadline) == (UnitStatus.ACTIVE, dt.date(2025, 3, 1), None)
    event = unit.events.order_by("-id").first()
    assert (event.kind, event.reason) == (EventKind.RECTIFIED, "已整改")
    assert not Case.objects.exists()


def test_a_warned_unit_that_fails_the_re_review_is_a_candidate_for_removal(staff_user, warned_unit):
    evaluation.re_review(actor=staff_user, unit=warned_unit, passed=False, note="仍未整改", on=dt.date(2025, 3, 25))
    unit = fresh(warned_unit)
    assert unit.status == UnitStatus.WARNED
    event = unit.events.order_by("-id").first()
    assert (event.kind, event.reason, event.on) == (EventKind.RE_REVIEW_FAILED, "仍未整改", dt.date(2025, 3, 25))
    case = Case.objects.get(unit=unit)
    assert (case.kind, case.state, case.from_tier, case.evaluation) == (
        CaseKind.REMOVE,
        CaseState.PENDING,
        Tier.STAR_POST,
        None,
    )


def test_failing_the_re_review_twice_makes_one_candidate(staff_user, warned_unit):
    evaluation.re_review(actor=staff_user, unit=warned_unit, passed=False, note="仍未整改")
    evaluation.re_review(actor=staff_user, unit=warned_unit, passed=False, note="仍未整改")
    assert Case.objects.filter(unit=warned_unit, state=CaseState.PENDING).count() == 1


def test_only_a_warned_unit_is_re_reviewed(staff_user, union_a):
    unit = established(staff_user, union=union_a)
    with pytest.raises(DomainError):
        evaluation.re_review(actor=staff_user, unit=unit, passed=True, note="")


# --- Decisions taken while the next round is being scored -----------------------------------------------


def open_and_score(actor, reviewers, *, year: int, totals: dict):
    rnd = evaluation.open_round(actor=actor, year=year, title=f"{year} 年度考评", tiers=list(Tier.values))
    for unit, unit_totals in totals.items():
        ev = Evaluation.objects.get(round=rnd, unit=unit)
        for reviewer, total in zip(reviewers, unit_totals, strict=True):
            score(reviewer, ev, total)
    return rnd


def test_a_unit_removed_while_a_round_is_open_stays_removed_when_the_round_closes(staff_user, reviewers, union_a):
    unit = established(staff_user, union=union_a, tier=Tier.STAR_POST)
    run_round(staff_user, reviewers, year=2023, totals={unit: [40, 40]})
    run_round(staff_user, reviewers, year=2024, totals={unit: [40, 40]})
    r3 = open_and_score(staff_user, reviewers, year=2025, totals={unit: [40, 40]})
    evaluation.decide_case(
        actor=staff_user,
        case=Case.objects.get(unit=unit),
        accept=True,
        reason="连续两年不合格",
        on=dt.date(2025, 12, 1),
    )

    evaluation.close_round(actor=staff_user, rnd=r3, on=dt.date(2025, 12, 20))

    unit = fresh(unit)
    assert (unit.status, unit.status_since, unit.warning_deadline) == (UnitStatus.REMOVED, dt.date(2025, 12, 1), None)
    assert result(r3, unit) == (Decimal("40.00"), Decimal("0.00"), Grade.FAIL, 1)  # the result stays on record
    assert kinds(unit)[-2:] == [EventKind.REMOVED, EventKind.GRADED]
    assert not Case.objects.filter(unit=unit, state=CaseState.PENDING).exists()


def test_a_unit_promoted_while_a_round_is_open_is_not_a_candidate_again_for_the_tier_it_left(
    staff_user, reviewers, union_a
):
    unit = established(staff_user, union=union_a)
    run_round(staff_user, reviewers, year=2023, totals={unit: [95, 95]})
    run_round(staff_user, reviewers, year=2024, totals={unit: [95, 95]})
    r3 = open_and_score(staff_user, reviewers, year=2025, totals={unit: [95, 95]})
    evaluation.decide_case(
        actor=staff_user, case=Case.objects.get(unit=unit), accept=True, reason="连续两年优秀", on=dt.date(2025, 12, 1)
    )

    evaluation.close_round(actor=staff_user, rnd=r3, on=dt.date(2025, 12, 20))

    unit = fresh(unit)
    assert (unit.tier, unit.stars, unit.status) == (Tier.STAR_POST, 1, UnitStatus.ACTIVE)
    assert result(r3, unit) == (Decimal("95.00"), Decimal("0.00"), Grade.EXCELLENT, 1)
    assert not Case.objects.filter(unit=unit, state=CaseState.PENDING).exists()
