"""Units made the way the federation makes them: applied for, approved, plaque awarded; and
evaluation rounds scored by real reviewers through the services."""

import datetime as dt
from decimal import Decimal

import pytest

from gongjiang.accounts.enums import Role
from gongjiang.archive.enums import Level
from gongjiang.platform import evaluation, services
from gongjiang.platform.enums import Have, Tier
from gongjiang.platform.models import Evaluation, EvaluationRound, PlatformPolicy, RubricItem, Unit
from tests.factories import ModelWorkerFactory

AWARDED = dt.date(2023, 3, 1)


def apply(actor, *, union, tier=Tier.STANDARD_BEARER, name="测试单位", leader=None, leader_name="", on=None):
    """An application through the service; a studio without a leader given gets a municipal model worker."""
    if leader is None and not leader_name:
        if tier == Tier.STUDIO:
            leader = ModelWorkerFactory(union=union, with_level=Level.MUNICIPAL)
        else:
            leader_name = "带头人"
    data = {"name": name, "tier": tier, "union": union, "leader": leader, "leader_name": leader_name}
    return services.apply_unit(actor=actor, data=data, on=on)


def meet_six_haves(actor, unit: Unit) -> None:
    """The unit meets the six haves (a plaque needs them)."""
    for have in Have.values:
        services.set_have(actor=actor, unit=unit, have=have, met=True, note="已落实")


def established(actor, *, on=AWARDED, stars=None, **kwargs) -> Unit:
    """apply_unit → review_unit(approve) → the six haves met → award_plaque: an established
    (ACTIVE) unit."""
    unit = apply(actor, on=on, **kwargs)
    unit = services.review_unit(actor=actor, unit=unit, approve=True, reason="", on=on)
    meet_six_haves(actor, unit)
    return services.award_plaque(actor=actor, unit=unit, on=on, stars=stars)


def points_for(evaluation_: Evaluation, total) -> dict[int, Decimal]:
    """Item points adding up to ``total``: the items filled in order, each up to its maximum."""
    left = Decimal(str(total))
    points = {}
    for item in RubricItem.objects.filter(rubric__tier=evaluation_.tier, retired=False).order_by("order", "id"):
        given = min(left, Decimal(item.max_points))
        points[item.pk] = given
        left -= given
    assert left == 0, f"{total} is more than the rubric's 100 points"
    return points


def score(reviewer, evaluation_: Evaluation, total, comment: str = "") -> None:
    evaluation.submit_sheet(
        actor=reviewer, evaluation=evaluation_, points=points_for(evaluation_, total), comment=comment
    )


def run_round(
    actor, reviewers, *, year: int, totals: dict[Unit, list], tiers=None, closed_on: dt.date | None = None
) -> tuple[EvaluationRound, dict[str, int]]:
    """Open a round, let the reviewers score (one total per reviewer, in order), close it;
    the round and the counts close_round returns."""
    rnd = evaluation.open_round(
        actor=actor, year=year, title=f"{year} 年度考评", tiers=tiers or list(Tier.values), on=dt.date(year, 11, 1)
    )
    for unit, unit_totals in totals.items():
        ev = Evaluation.objects.get(round=rnd, unit=unit)
        for reviewer, total in zip(reviewers, unit_totals, strict=False):
            score(reviewer, ev, total)
    counts = evaluation.close_round(actor=actor, rnd=rnd, on=closed_on or dt.date(year, 12, 20))
    rnd.refresh_from_db()
    return rnd, counts


@pytest.fixture
def platform_policy(db):
    return PlatformPolicy.current()


@pytest.fixture
def reviewers(make_user):
    return [make_user(Role.FEDERATION_STAFF, username=f"reviewer{n}") for n in (1, 2)]


@pytest.fixture
def municipal_worker(union_a):
    return ModelWorkerFactory(union=union_a, name="市劳模", with_level=Level.MUNICIPAL)
