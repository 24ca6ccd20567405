"""The arithmetic and the rules of evaluations, as pure functions: no database."""

from decimal import Decimal

import pytest
from django.utils import translation

from gongjiang.platform.enums import Aggregation, CaseKind, Grade, Tier, UnitStatus
from gongjiang.platform.evaluation import Consequence, aggregate, consequences, grade_for, stars_for
from gongjiang.platform.models import PlatformPolicy

E, G, P, F = Grade.EXCELLENT, Grade.GOOD, Grade.PASS, Grade.FAIL


def policy(**kwargs) -> PlatformPolicy:
    """The published rules, unsaved: 90/80/60, stars at 60/80/90, two rounds to promote or remove."""
    return PlatformPolicy(star_thresholds=[60, 80, 90], **kwargs)


def bearer(grades, *, status=UnitStatus.ACTIVE, score="93", rules=None) -> Consequence:
    return consequences(
        tier=Tier.STANDARD_BEARER,
        stars=None,
        status=status,
        grades=grades,
        score=Decimal(score),
        policy=rules or policy(),
    )


def star_post(grades, *, stars, score, status=UnitStatus.ACTIVE, rules=None) -> Consequence:
    return consequences(
        tier=Tier.STAR_POST, stars=stars, status=status, grades=grades, score=Decimal(score), policy=rules or policy()
    )


# --- aggregate ----------------------------------------------------------------------------------


def test_mean_of_three_reviewers_is_rounded_to_two_places_with_the_spread():
    assert aggregate([Decimal(90), Decimal(85), Decimal(70)], Aggregation.MEAN) == (Decimal("81.67"), Decimal("20.00"))


def test_median_of_three_reviewers_is_the_middle_total():
    assert aggregate([Decimal(90), Decimal(85), Decimal(70)], Aggregation.MEDIAN) == (
        Decimal("85.00"),
        Decimal("20.00"),
    )


def test_median_of_two_reviewers_is_halfway_between():
    assert aggregate([Decimal("80.0"), Decimal("91.0")], Aggregation.MEDIAN) == (Decimal("85.50"), Decimal("11.00"))


def test_mean_rounds_half_up_not_to_even():
    # 320.1 / 4 = 80.025: half up gives 80.03 (banker's rounding would give 80.02).
    totals = [Decimal("80.1"), Decimal("80.0"), Decimal("80.0"), Decimal("80.0")]
    assert aggregate(totals, Aggregation.MEAN) == (Decimal("80.03"), Decimal("0.10"))


def test_one_reviewer_has_no_spread():
    assert aggregate([Decimal("77.5")], Aggregation.MEAN) == (Decimal("77.50"), Decimal("0.00"))


def test_aggregate_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="no totals"):
        aggregate([], Aggregation.MEAN)


# --- grade_for ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("100", E),
        ("90", E),
        ("89.99", G),
        ("80", G),
        ("79.99", P),
        ("60", P),
        ("59.99", F),
        ("0", F),
    ],
)
def test_grade_bands_include_their_lower_edge(score, grade):
    assert grade_for(Decimal(score), policy()) == grade


def test_grade_bands_follow_the_policy():
    rules = policy(band_excellent=95, band_good=85, band_pass=70)
    assert [grade_for(Decimal(s), rules) for s in ("95", "94.99", "85", "84.99", "70", "69.99")] == [E, G, G, P, P, F]


# --- stars_for ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "stars"),
    [("59.99", 0), ("60", 1), ("79.99", 1), ("80", 2), ("89.99", 2), ("90", 3), ("100", 3)],
)
def test_a_star_for_each_threshold_reached(score, stars):
    assert stars_for(Decimal(score), policy()) == stars


def test_stars_never_exceed_the_policy_maximum():
    assert stars_for(Decimal(100), policy(max_stars=2)) == 2


def test_no_thresholds_no_stars():
    assert stars_for(Decimal(100), PlatformPolicy()) == 0


# --- consequences: standard-bearers -----------------------------------------------------------------


def test_standard_bearer_excellent_once_is_nothing_yet():
    assert bearer([E]) == Consequence()


def test_standard_bearer_excellent_twice_running_is_a_candidate_for_star_post():
    with translation.override("en"):  # the reason in the msgid's words, whatever the translation
        result = bearer([E, E])
    assert (result.case, result.to_tier, result.stars, result.warn) == (CaseKind.PROMOTE, Tier.STAR_POST, None, False)
    assert result.why == "优秀 2 rounds running"


def test_standard_bearer_excellent_good_excellent_is_not_running():
    assert bearer([E, G, E]) == Consequence()


def test_standard_bearer_excellent_three_times_counts_three_rounds():
    with translation.override("en"):
        assert bearer([P, E, E, E]).why == "优秀 3 rounds running"


def test_promotion_after_three_rounds_when_the_policy_says_three():
    rules = policy(promote_rounds=3)
    assert bearer([E, E], rules=rules) == Consequence()
    assert bearer([E, E, E], rules=rules).case == CaseKind.PROMOTE


def test_standard_bearer_good_twice_is_nothing():
    assert bearer([G, G], score="85") == Consequence()


# --- consequences: star posts -------------------------------------------------------------------


def test_star_post_stars_follow_the_score_up():
    assert star_post([G], stars=1, score="85") == Consequence(stars=2)


def test_star_post_stars_follow_the_score_down():
    assert star_post([P], stars=3, score="65") == Consequence(stars=1)


def test_star_post_keeping_its_stars_changes_nothing():
    assert star_post([G], stars=2, score="80") == Consequence()


def test_star_post_below_the_first_star_keeps_its_stars_and_is_warned():
    result = star_post([F], stars=2, score="52.5")
    assert (result.stars, result.warn, result.case) == (None, True, None)


def test_star_post_reaching_three_stars_with_excellent_is_a_candidate_for_studio():
    with translation.override("en"):
        result = star_post([E], stars=2, score="92")
    assert (result.stars, result.case, result.to_tier) == (3, CaseKind.PROMOTE, Tier.STUDIO)
    assert result.why == "3-star post graded 优秀"


def test_three_star_post_graded_excellent_again_is_a_candidate_for_studio():
    result = star_post([G, E], stars=3, score="95")
    assert (result.stars, result.case, result.to_tier) == (None, CaseKind.PROMOTE, Tier.STUDIO)


def test_two_star_post_graded_excellent_below_the_third_star_is_no_candidate():
    # 优秀 from 85 but the third star at 90: 87 earns two stars, not a studio.
    rules = policy(band_excellent=85)
    assert star_post([E], stars=2, score="87", rules=rules) == Consequence()


def test_star_post_excellent_twice_without_all_its_stars_is_no_candidate():
    # Rounds of 优秀 running promote a standard-bearer; a star post needs all its stars.
    assert star_post([E, E], stars=2, score="89.5", rules=policy(band_excellent=89)) == Consequence()


# --- consequences: failing and putting right -------------------------------------------------------


def test_fail_once_is_a_warning():
    with translation.override("en"):
        result = bearer([G, F], score="55")
    assert result == Consequence(warn=True, why="不合格: put right by the deadline")


def test_fail_twice_running_is_a_candidate_for_removal():
    with translation.override("en"):
        result = bearer([F, F], status=UnitStatus.WARNED, score="40")
    assert (result.case, result.warn, result.to_tier) == (CaseKind.REMOVE, False, None)
    assert result.why == "不合格 2 rounds running"


def test_fail_pass_fail_is_a_warning_again_not_removal():
    assert bearer([F, P, F], score="50").warn is True
    assert bearer([F, P, F], score="50").case is None


def test_removal_after_three_fails_when_the_policy_says_three():
    rules = policy(remove_after_fails=3)
    assert bearer([F, F], score="40", rules=rules).warn is True
    assert bearer([F, F], score="40", rules=rules).case is None
    assert bearer([F, F, F], score="40", rules=rules).case == CaseKind.REMOVE


def test_warned_unit_graded_pass_is_put_right():
    assert bearer([F, P], status=UnitStatus.WARNED, score="61") == Consequence(rectified=True)


def test_active_unit_graded_pass_is_not_put_right():
    assert bearer([F, P], status=UnitStatus.ACTIVE, score="61") == Consequence()


def test_warned_unit_graded_excellent_twice_is_put_right_and_a_candidate():
    result = bearer([E, E], status=UnitStatus.WARNED)
    assert (result.rectified, result.case) == (True, CaseKind.PROMOTE)


def test_warned_star_post_graded_fail_again_keeps_its_stars_and_is_a_removal_candidate():
    result = star_post([F, F], stars=1, score="30", status=UnitStatus.WARNED)
    assert (result.stars, result.case, result.rectified) == (None, CaseKind.REMOVE, False)


def test_changed_bands_change_what_follows():
    # With 合格 from 70, a 65 is a failure and a warning.
    rules = policy(band_excellent=95, band_good=85, band_pass=70)
    grade = grade_for(Decimal(65), rules)
    assert grade == F
    assert bearer([grade], score="65", rules=rules).warn is True
