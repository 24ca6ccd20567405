"""Funding: the split of a budget in whole yuan (property and examples), and a year's plan from
draft to money paid and spent."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from gongjiang.core.errors import DomainError
from gongjiang.platform import funding
from gongjiang.platform.enums import PlanState, Tier
from gongjiang.platform.funding import Share, split
from gongjiang.platform.models import Allocation, Disbursement, Expense
from tests.platform.conftest import established, run_round

# --- split: the property -----------------------------------------------------------------------------

# Zero weights and no grant are common (a 不合格 unit), so they are drawn often.
weights = st.one_of(st.just(Fraction(0)), st.fractions(min_value=0, max_value=1000, max_denominator=1000))


def share_lists(grants):
    return st.lists(st.builds(Share, fixed=st.one_of(st.none(), grants), weight=weights), min_size=1, max_size=60)


shares = share_lists(st.integers(0, 2_000_000))


# Any int as a grant: the promise "none negative" holds whatever the caller passes.
@given(budget=st.integers(0, 10_000_000), shares=share_lists(st.integers(-2_000_000, 2_000_000)))
def test_split_adds_up_exactly_to_the_budget_in_whole_non_negative_yuan(budget, shares):
    amounts = split(budget, shares)
    assert len(amounts) == len(shares)
    assert sum(amounts) == budget
    assert all(type(a) is int for a in amounts)
    assert min(amounts) >= 0


@given(budget=st.integers(0, 10_000_000), shares=shares)
def test_split_pays_fixed_grants_in_full_when_the_budget_allows(budget, shares):
    fixed = sum(s.fixed for s in shares if s.fixed is not None)
    amounts = split(budget, shares)
    if fixed <= budget:
        assert all(a >= s.fixed for a, s in zip(amounts, shares, strict=True) if s.fixed is not None)
    else:
        assert all(a <= s.fixed for a, s in zip(amounts, shares, strict=True) if s.fixed is not None)


@given(budget=st.integers(0, 10_000_000), weights=st.lists(st.integers(1, 100), min_size=1, max_size=60))
def test_split_by_weight_is_within_one_yuan_of_the_exact_share(budget, weights):
    amounts = split(budget, [Share(weight=Fraction(w)) for w in weights])
    whole = sum(weights)
    assert all(abs(a - Fraction(budget * w, whole)) < 1 for a, w in zip(amounts, weights, strict=True))


# --- split: examples ------------------------------------------------------------------------------------


def test_equal_weights_give_the_odd_yuan_to_the_earlier_entry():
    assert split(100, [Share(weight=Fraction(1))] * 3) == [34, 33, 33]


def test_largest_remainder_gets_the_odd_yuan_before_order():
    # 10 × 1/6 = 1.67 and 10 × 5/6 = 8.33: the larger remainder (the first) rounds up.
    assert split(10, [Share(weight=Fraction(1)), Share(weight=Fraction(5))]) == [2, 8]
    # 10 × 5/6 = 8.33, 10 × 1/6 = 1.67: the same shares the other way round.
    assert split(10, [Share(weight=Fraction(5)), Share(weight=Fraction(1))]) == [8, 2]


def test_ties_of_remainder_go_to_the_earlier_entries():
    assert split(5, [Share(weight=Fraction(1))] * 4) == [2, 1, 1, 1]
    assert split(7, [Share(weight=Fraction(1))] * 4) == [2, 2, 2, 1]


def test_fixed_grants_first_the_rest_by_weight():
    amounts = split(1000, [Share(fixed=300), Share(weight=Fraction(2)), Share(weight=Fraction(1))])
    assert amounts == [300, 467, 233]


def test_zero_weight_gets_nothing_when_others_have_weight():
    assert split(900, [Share(weight=Fraction(0)), Share(weight=Fraction(1)), Share(weight=Fraction(2))]) == [
        0,
        300,
        600,
    ]


def test_fixed_grants_exceeding_the_budget_are_scaled_down_and_the_rest_get_nothing():
    assert split(100, [Share(fixed=60), Share(fixed=90), Share(weight=Fraction(5))]) == [40, 60, 0]


def test_fixed_grants_scaled_down_break_ties_to_the_earlier_entry():
    assert split(100, [Share(fixed=50)] * 3) == [34, 33, 33]


def test_fixed_grants_equal_to_the_budget_are_paid_exactly():
    assert split(80_000, [Share(fixed=50_000), Share(fixed=30_000), Share(weight=Fraction(1))]) == [50_000, 30_000, 0]


def test_what_is_left_with_no_weight_goes_to_the_fixed_grants_in_proportion():
    assert split(1000, [Share(fixed=300), Share(fixed=100), Share(weight=Fraction(0))]) == [750, 250, 0]


def test_a_negative_grant_counts_as_none():
    assert split(100, [Share(fixed=-5), Share(fixed=10)]) == [0, 100]


def test_all_zero_weights_share_equally():
    assert split(100, [Share(), Share(), Share()]) == [34, 33, 33]


def test_a_zero_budget_gives_nothing():
    assert split(0, [Share(fixed=50_000), Share(weight=Fraction(3))]) == [0, 0]


def test_split_refuses_a_negative_budget_and_no_shares():
    with pytest.raises(ValueError, match="negative budget"):
        split(-1, [Share()])
    with pytest.raises(ValueError, match="no units"):
        split(100, [])


# --- A year's plan ----------------------------------------------------------------------------------------


@pytest.fixture
def funded(staff_user, reviewers, union_a):
    """Units graded in the 2024 round, and a studio awarded in 2025 (the plan's year)."""
    units = {
        "old_studio": established(staff_user, union=union_a, tier=Tier.STUDIO, name="老工作室"),
        "failed_studio": established(staff_user, union=union_a, tier=Tier.STUDIO, name="不合格工作室"),
        "star_post": established(staff_user, union=union_a, tier=Tier.STAR_POST, stars=2, name="示范岗"),
        "bearer": established(staff_user, union=union_a, name="合格标兵"),
        "ungraded": established(staff_user, union=union_a, name="未评标兵"),
    }
    run_round(
        staff_user,
        reviewers,
        year=2024,
        totals={
            units["old_studio"]: [84, 84],
            units["failed_studio"]: [40, 40],
            units["star_post"]: [80, 80],
            units["bearer"]: [65, 65],
            units["ungraded"]: [70],
        },
    )
    units["new_studio"] = established(
        staff_user, union=union_a, tier=Tier.STUDIO, name="新工作室", on=dt.date(2025, 2, 1)
    )
    return units


PLAN = {"year": 2025, "budget": "200000", "grant_new_studio": "50000", "grant_reconfirmed_studio": "30000"}


def amounts(plan) -> dict[str, Decimal]:
    return {a.unit.name: a.amount for a in plan.allocations.select_related("unit")}


def test_a_plan_pays_studios_their_grants_and_shares_the_rest_by_tier_and_grade(staff_user, funded):
    with translation.override("en"):  # the basis in the msgids' words
        plan = funding.save_plan(actor=staff_user, data=PLAN)
    # Left after the grants: 200,000 − 50,000 − 30,000 = 120,000, shared by weight:
    # 不合格 studio 3 × 0, star post (良好) 2 × 1.2, 合格 bearer 1 × 1, ungraded bearer 1 × 1 → 2.4 : 1 : 1,
    # i.e. 65,454.55, 27,272.73 and 27,272.73: the two yuan left go to the larger remainders, the bearers'.
    assert amounts(plan) == {
        "新工作室": Decimal(50_000),
        "老工作室": Decimal(30_000),
        "不合格工作室": Decimal(0),
        "示范岗": Decimal(65_454),
        "合格标兵": Decimal(27_273),
        "未评标兵": Decimal(27_273),
    }
    assert sum(amounts(plan).values()) == plan.budget
    basis = {a.unit.name: a.basis for a in plan.allocations.select_related("unit")}
    assert basis["新工作室"] == "New studio: fixed grant ¥50,000"
    assert basis["老工作室"] == "Studio re-confirmed (良好): fixed grant ¥30,000"
    assert basis["示范岗"] == "Star post ★★ · 良好 · weight 2 × 1.2"
    assert basis["未评标兵"] == "Standard-bearer · not yet evaluated · weight 1 × 1"
    assert (plan.state, plan.created_by) == (PlanState.DRAFT, staff_user)


def test_a_draft_plan_is_recomputed_when_changed(staff_user, funded):
    plan = funding.save_plan(actor=staff_user, data=PLAN)
    plan = funding.save_plan(
        actor=staff_user,
        plan=plan,
        data={
            **PLAN,
            "budget": "100000",
            "tier_weights": {"studio": "3", "star_post": "1", "standard_bearer": "1"},
            "grade_weights": {"excellent": "1", "good": "1", "pass": "1", "fail": "0", "none": "1"},
        },
    )
    # 100,000 − 80,000 = 20,000 shared 1 : 1 : 1 among the star post and the two bearers; the units
    # are in tier order (bearers first), so the equal remainders' two yuan go to the bearers.
    assert amounts(plan) == {
        "新工作室": Decimal(50_000),
        "老工作室": Decimal(30_000),
        "不合格工作室": Decimal(0),
        "示范岗": Decimal(6666),
        "合格标兵": Decimal(6667),
        "未评标兵": Decimal(6667),
    }
    assert Allocation.objects.count() == 6


def test_a_budget_below_the_grants_scales_the_grants_down(staff_user, funded):
    plan = funding.save_plan(actor=staff_user, data={**PLAN, "budget": "40000"})
    assert amounts(plan) == {
        "新工作室": Decimal(25_000),
        "老工作室": Decimal(15_000),
        "不合格工作室": Decimal(0),
        "示范岗": Decimal(0),
        "合格标兵": Decimal(0),
        "未评标兵": Decimal(0),
    }


def test_a_plan_is_refused_in_part_yuan_twice_a_year_or_with_a_negative_weight(staff_user, funded):
    with pytest.raises(ValidationError) as error:
        funding.save_plan(actor=staff_user, data={**PLAN, "budget": "100000.50"})
    assert "budget" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        funding.save_plan(actor=staff_user, data={**PLAN, "grade_weights": {"excellent": "-1"}})
    assert "grade_weights" in error.value.message_dict
    funding.save_plan(actor=staff_user, data=PLAN)
    with pytest.raises(ValidationError) as error:
        funding.save_plan(actor=staff_user, data=PLAN)
    assert "year" in error.value.message_dict


def test_a_plan_with_no_established_unit_is_refused(staff_user):
    with pytest.raises(ValidationError) as error:
        funding.save_plan(actor=staff_user, data=PLAN)
    assert "budget" in error.value.message_dict


def test_a_union_does_not_make_plans(union_user, funded):
    with pytest.raises(PermissionDenied):
        funding.save_plan(actor=union_user, data=PLAN)


def test_an_approved_plan_does_not_change(staff_user, funded):
    plan = funding.approve_plan(actor=staff_user, plan=funding.save_plan(actor=staff_user, data=PLAN))
    assert (plan.state, plan.approved_by) == (PlanState.APPROVED, staff_user)
    with pytest.raises(DomainError):
        funding.save_plan(actor=staff_user, plan=plan, data={**PLAN, "budget": "1"})
    with pytest.raises(DomainError):
        funding.approve_plan(actor=staff_user, plan=plan)
    assert sum(amounts(plan).values()) == Decimal(200_000)


def test_money_is_paid_once_the_plan_is_approved_and_never_more_than_the_share(staff_user, funded):
    plan = funding.save_plan(actor=staff_user, data=PLAN)
    share = plan.allocations.get(unit=funded["star_post"])
    with pytest.raises(DomainError):
        funding.disburse(actor=staff_user, allocation=share, paid_on=dt.date(2025, 3, 1))
    funding.approve_plan(actor=staff_user, plan=plan)

    first = funding.disburse(
        actor=staff_user, allocation=share, paid_on=dt.date(2025, 3, 1), amount=Decimal(40_000), reference="  拨款 001 "
    )
    assert (first.amount, first.unit, first.reference) == (Decimal(40_000), funded["star_post"], "拨款 001")
    with pytest.raises(ValidationError) as error:
        funding.disburse(actor=staff_user, allocation=share, paid_on=dt.date(2025, 4, 1), amount=Decimal(25_455))
    assert "amount" in error.value.message_dict
    rest = funding.disburse(actor=staff_user, allocation=share, paid_on=dt.date(2025, 4, 1))
    assert rest.amount == Decimal(25_454)
    with pytest.raises(ValidationError):
        funding.disburse(actor=staff_user, allocation=share, paid_on=dt.date(2025, 5, 1), amount=Decimal(1))
    with pytest.raises(ValidationError):
        funding.disburse(
            actor=staff_user, allocation=plan.allocations.get(unit=funded["failed_studio"]), paid_on=dt.date(2025, 5, 1)
        )


def test_a_payment_is_corrected_by_a_reversing_entry(staff_user, funded):
    plan = funding.approve_plan(actor=staff_user, plan=funding.save_plan(actor=staff_user, data=PLAN))
    share = plan.allocations.get(unit=funded["bearer"])
    paid = funding.disburse(actor=staff_user, allocation=share, paid_on=dt.date(2025, 3, 1))
    with pytest.raises(ValidationError):
        funding.reverse_disbursement(actor=staff_user, disbursement=paid, reason=" ")
    reversal = funding.reverse_disbursement(actor=staff_user, disbursement=paid, reason="账号错误")
    assert (reversal.amount, reversal.reverses, reversal.note, reversal.allocation) == (
        Decimal(-27_273),
        paid,
        "账号错误",
        share,
    )
    paid.refresh_from_db()
    assert paid.amount == Decimal(27_273)
    with pytest.raises(DomainError):
        funding.reverse_disbursement(actor=staff_user, disbursement=paid, reason="再次冲正")
    with pytest.raises(DomainError):
        funding.reverse_disbursement(actor=staff_user, disbursement=reversal, reason="冲正的冲正")
    # Paid again, to the right account: the share is open again after the reversal.
    again = funding.disburse(actor=staff_user, allocation=share, paid_on=dt.date(2025, 3, 10))
    assert again.amount == Decimal(27_273)
    assert Disbursement.objects.filter(unit=funded["bearer"]).count() == 3


def test_a_units_funds_are_what_it_received_less_what_it_spent(staff_user, funded):
    plan = funding.approve_plan(actor=staff_user, plan=funding.save_plan(actor=staff_user, data=PLAN))
    unit = funded["new_studio"]
    share = plan.allocations.get(unit=unit)
    paid = funding.disburse(actor=staff_user, allocation=share, paid_on=dt.date(2025, 3, 1), amount=Decimal(20_000))
    funding.disburse(actor=staff_user, allocation=share, paid_on=dt.date(2025, 6, 1), amount=Decimal(30_000))
    funding.reverse_disbursement(actor=staff_user, disbursement=paid, reason="重复拨付")
    funding.add_expense(
        actor=staff_user, unit=unit, spent_on=dt.date(2025, 7, 1), amount=Decimal("1234.50"), purpose="购买设备"
    )
    wrong = funding.add_expense(
        actor=staff_user, unit=unit, spent_on=dt.date(2025, 7, 2), amount=Decimal(999), purpose="录错"
    )
    funding.void_expense(actor=staff_user, expense=wrong, reason="录入错误")

    assert funding.funds_of(unit) == {
        "received": Decimal(30_000),
        "spent": Decimal("1234.50"),
        "balance": Decimal("28765.50"),
    }
    wrong = Expense.objects.get(pk=wrong.pk)
    assert (wrong.amount, wrong.void_reason, wrong.voided_at is not None) == (Decimal(999), "录入错误", True)
    assert Expense.objects.filter(unit=unit).count() == 2


def test_a_unit_with_nothing_has_nothing(staff_user, union_a):
    unit = established(staff_user, union=union_a)
    assert funding.funds_of(unit) == {"received": Decimal(0), "spent": Decimal(0), "balance": Decimal(0)}


def test_an_expense_needs_an_amount_a_purpose_and_a_past_date(staff_user, union_a):
    unit = established(staff_user, union=union_a)
    with pytest.raises(ValidationError) as error:
        funding.add_expense(actor=staff_user, unit=unit, spent_on=dt.date(2999, 1, 1), amount=Decimal(0), purpose=" ")
    assert set(error.value.message_dict) == {"amount", "purpose", "spent_on"}
    assert not Expense.objects.exists()


def test_a_void_needs_a_reason(staff_user, union_a):
    unit = established(staff_user, union=union_a)
    expense = funding.add_expense(
        actor=staff_user, unit=unit, spent_on=dt.date(2025, 7, 1), amount=Decimal(10), purpose="打印"
    )
    with pytest.raises(ValidationError):
        funding.void_expense(actor=staff_user, expense=expense, reason="")
    assert Expense.objects.get(pk=expense.pk).voided_at is None
