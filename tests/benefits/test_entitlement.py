"""The entitlement engine against an independent reading of rules.md, month by month."""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from gongjiang.archive.enums import HonourKind, Status
from gongjiang.benefits import entitlement, periods
from gongjiang.benefits.entitlement import Due, Facts, HonourFact, LeftOut, RuleView
from gongjiang.benefits.models import Scheme

SCHEME = Scheme(pk=1, name="津贴", kind="honour_allowance", period="monthly")


def rule(
    pk=1,
    start=dt.date(2016, 1, 1),
    end=None,
    statuses=("retired",),
    levels=(1, 2, 3),
    amounts=None,
    before=None,
    supplements=None,
    medal=None,
):
    return RuleView(
        id=pk,
        label=f"标准{pk}",
        effective_from=start,
        effective_to=end,
        statuses=frozenset(statuses),
        levels=frozenset(levels),
        amounts=amounts or {1: Decimal("300"), 2: Decimal("200"), 3: Decimal("80")},
        supplement_before_year=before,
        supplements=supplements or {},
        medal_level=medal,
        requires_hardship=False,
        hardship_categories=frozenset(),
        income_line_working=None,
        income_line_retired=None,
        income_cap=None,
    )


def month_key(d):
    return (d.year, d.month)


def oracle(f: Facts, rules: list[RuleView], month: dt.date) -> Decimal:
    """rules.md, read literally, one month at a time."""
    m = month_key(month)
    if f.died_on and month_key(f.died_on) < m:  # ends with the month of death
        return Decimal(0)
    in_force = [r for r in rules if r.effective_from <= month and (r.effective_to is None or month <= r.effective_to)]
    if not in_force:
        return Decimal(0)
    r = in_force[0]
    retired = f.retired_on is not None and month_key(f.retired_on) < m  # from the month after retirement
    if ("retired" if retired else "working") not in r.statuses:
        return Decimal(0)
    last_day = periods.end_of(month, "monthly")
    if any(s <= last_day and (e is None or e >= month) for s, e, _w in f.holds):
        return Decimal(0)
    held = [
        h for h in f.honours if h.year <= month.year and not (h.revoked_on is not None and month_key(h.revoked_on) < m)
    ]  # ends with the month of revocation
    levels = [h.level for h in held if h.kind in ("model_worker", "advanced_worker")]
    levels += [r.medal_level for h in held if h.kind == "may_day_medal" and r.medal_level]
    if not levels:
        return Decimal(0)
    top = min(levels)  # the highest level only: no stacking
    if top not in r.levels:
        return Decimal(0)
    amount = r.amounts[top]
    if r.supplement_before_year and top in r.supplements:
        early = [
            h
            for h in held
            if h.year < r.supplement_before_year
            and (
                (h.kind in ("model_worker", "advanced_worker") and h.level == top)
                or (h.kind == "may_day_medal" and r.medal_level == top)
            )
        ]
        if early:
            amount += r.supplements[top]
    return amount


def test_the_rule_in_words():
    f = Facts(worker_id=1, retired_on=dt.date(2015, 5, 20), honours=[HonourFact("model_worker", 1, 1988, None)])
    due = entitlement.evaluate(f, SCHEME, [rule(before=1990, supplements={1: Decimal("50")})], dt.date(2016, 3, 1))
    assert due == Due(Decimal("350.00"), 1, 1, "退休 · 全国劳模 · 标准1 · 1990 年前称号补贴 ¥50 ¥350")


def test_the_allowance_starts_the_month_after_retirement():
    f = Facts(worker_id=1, retired_on=dt.date(2020, 6, 30), honours=[HonourFact("model_worker", 2, 2001, None)])
    assert entitlement.evaluate(f, SCHEME, [rule()], dt.date(2020, 6, 1)) == LeftOut(
        "status", "退休后次月起发放（退休于 2020-06-30）"
    )
    assert entitlement.evaluate(f, SCHEME, [rule()], dt.date(2020, 7, 1)).amount == Decimal("200.00")


def test_the_allowance_ends_with_the_month_of_death_and_of_revocation():
    f = Facts(
        worker_id=1,
        retired_on=dt.date(2010, 1, 1),
        died_on=dt.date(2021, 3, 31),
        honours=[HonourFact("model_worker", 1, 2005, dt.date(2020, 8, 12)), HonourFact("model_worker", 3, 1999, None)],
    )
    ev = lambda m: entitlement.evaluate(f, SCHEME, [rule()], m)  # noqa: E731
    assert ev(dt.date(2020, 8, 1)).amount == Decimal("300.00")  # the month of revocation still counts
    assert ev(dt.date(2020, 9, 1)).amount == Decimal("80.00")  # then the lower title
    assert ev(dt.date(2021, 3, 1)).amount == Decimal("80.00")  # the month of death counts
    assert ev(dt.date(2021, 4, 1)) == LeftOut("deceased", "已去世（2021-03-31）")


def test_a_hold_stops_treatment_for_the_months_it_covers():
    f = Facts(
        worker_id=1,
        retired_on=dt.date(2010, 1, 1),
        honours=[HonourFact("model_worker", 1, 2005, None)],
        holds=[(dt.date(2021, 2, 10), dt.date(2021, 4, 5), "接受调查")],
    )
    ev = lambda m: entitlement.evaluate(f, SCHEME, [rule()], m)  # noqa: E731
    assert [isinstance(ev(dt.date(2021, m, 1)), Due) for m in range(1, 6)] == [True, False, False, False, True]


def test_the_may_day_medal_counts_only_where_the_standard_says():
    f = Facts(worker_id=1, retired_on=dt.date(2010, 1, 1), honours=[HonourFact("may_day_medal", 1, 2005, None)])
    assert isinstance(entitlement.evaluate(f, SCHEME, [rule()], dt.date(2021, 1, 1)), LeftOut)
    assert entitlement.evaluate(f, SCHEME, [rule(medal=2)], dt.date(2021, 1, 1)).amount == Decimal("200.00")


def test_hardship_aid_is_the_shortfall_below_the_line_up_to_the_cap():
    hardship_rule = RuleView(
        id=2,
        label="2025 年标准",
        effective_from=dt.date(2025, 1, 1),
        effective_to=None,
        statuses=frozenset({"working", "retired"}),
        levels=frozenset({1, 2, 3}),
        amounts={},
        supplement_before_year=None,
        supplements={},
        medal_level=None,
        requires_hardship=True,
        hardship_categories=frozenset(),
        income_line_working=Decimal("6566"),
        income_line_retired=Decimal("3552"),
        income_cap=Decimal("1000"),
    )
    scheme = Scheme(pk=2, name="帮扶", kind="hardship_aid", period="monthly")

    def aid(income, retired=True, open_file=True):
        f = Facts(
            worker_id=1,
            retired_on=dt.date(2010, 1, 1) if retired else None,
            honours=[HonourFact("model_worker", 3, 2005, None)],
            hardship=("general", dt.date(2024, 1, 1), None, Decimal(income)) if open_file else None,
        )
        return entitlement.evaluate(f, scheme, [hardship_rule], dt.date(2025, 6, 1))

    assert aid("3000").amount == Decimal("552.00")
    assert aid("2000").amount == Decimal("1000.00")  # capped
    assert aid("6000", retired=False).amount == Decimal("566.00")
    assert aid("3600").reason == "income"
    assert aid("3000", open_file=False).reason == "hardship"


def test_hardship_aid_for_a_past_month_follows_the_spell_that_covered_it():
    """The file was closed in 2025-04 and reopened in 2025-09: its dates say 2025-09 onwards, but
    the spells say the person was in hardship in January to March too, and not from April to August."""
    hardship_rule = RuleView(
        id=2,
        label="2025 年标准",
        effective_from=dt.date(2025, 1, 1),
        effective_to=None,
        statuses=frozenset({"retired"}),
        levels=frozenset({1, 2, 3}),
        amounts={},
        supplement_before_year=None,
        supplements={},
        medal_level=None,
        requires_hardship=True,
        hardship_categories=frozenset(),
        income_line_working=None,
        income_line_retired=Decimal("3552"),
        income_cap=Decimal("1000"),
    )
    scheme = Scheme(pk=2, name="帮扶", kind="hardship_aid", period="monthly")
    f = Facts(
        worker_id=1,
        retired_on=dt.date(2010, 1, 1),
        honours=[HonourFact("model_worker", 3, 2005, None)],
        hardship=("general", dt.date(2025, 9, 1), None, Decimal("3000")),
        spells=[(dt.date(2024, 6, 1), dt.date(2025, 4, 1)), (dt.date(2025, 9, 1), None)],
    )
    due = {m: entitlement.evaluate(f, scheme, [hardship_rule], dt.date(2025, m, 1)) for m in range(1, 13)}
    assert [m for m, d in due.items() if isinstance(d, Due)] == [1, 2, 3, 9, 10, 11, 12]
    assert due[2].amount == Decimal("552.00")
    assert due[6].reason == "hardship"
    assert {dt.date(2024, 6, 1), dt.date(2025, 4, 1), dt.date(2025, 9, 1)} <= entitlement.breakpoints(
        f, [hardship_rule]
    )
    months = [dt.date(2025, m, 1) for m in range(1, 13)]
    stretches = [(a.month, b.month) for a, b, _due in entitlement.segments(f, scheme, [hardship_rule], months)]
    assert stretches == [(1, 3), (9, 12)]


dates = st.dates(min_value=dt.date(2014, 1, 1), max_value=dt.date(2024, 12, 31))
honours = st.lists(
    st.builds(
        HonourFact,
        kind=st.sampled_from(["model_worker", "advanced_worker", "may_day_medal", "other"]),
        level=st.integers(1, 4),
        year=st.integers(1980, 2024),
        revoked_on=st.one_of(st.none(), dates),
    ),
    max_size=4,
)
facts = st.builds(
    Facts,
    worker_id=st.just(1),
    retired_on=st.one_of(st.none(), dates),
    died_on=st.one_of(st.none(), dates),
    honours=honours,
    holds=st.lists(
        st.tuples(dates, st.one_of(st.none(), dates), st.just("暂停")).filter(lambda h: h[1] is None or h[1] >= h[0]),
        max_size=2,
    ),
)
amounts = st.fixed_dictionaries({1: st.integers(100, 500), 2: st.integers(50, 300), 3: st.integers(10, 200)}).map(
    lambda d: {k: Decimal(v) for k, v in d.items()}
)
rule_sets = st.tuples(
    amounts,
    amounts,
    st.sampled_from([None, 1990, 2000]),
    st.sampled_from([None, 1, 2]),
    st.integers(0, 100).map(lambda n: periods.add_months(dt.date(2016, 1, 1), n)),
).map(
    lambda t: (
        [
            rule(
                1,
                dt.date(2016, 1, 1),
                t[4] - dt.timedelta(days=1),
                amounts=t[0],
                before=t[2],
                supplements={1: Decimal(50), 2: Decimal(30), 3: Decimal(20)},
                medal=t[3],
            ),
            rule(2, t[4], None, amounts=t[1], before=t[2], supplements={1: Decimal(60), 2: Decimal(40)}, medal=t[3]),
        ]
        if t[4] > dt.date(2016, 1, 1)
        else [rule(2, dt.date(2016, 1, 1), None, amounts=t[1], medal=t[3])]
    )
)


@settings(max_examples=300, deadline=None)
@given(f=facts, rules=rule_sets)
def test_entitlement_is_what_rules_md_says_in_every_month(f, rules):
    span = periods.between(dt.date(2016, 1, 1), dt.date(2025, 12, 1), "monthly")
    expected = {m: oracle(f, rules, m) for m in span}
    by_month = {
        m: (r.amount if isinstance(r, Due) else Decimal(0))
        for m in span
        for r in [entitlement.evaluate(f, SCHEME, rules, m)]
    }
    assert by_month == expected
    # Evaluating once per stretch of equal entitlement gives the same months and amounts.
    from_segments = dict.fromkeys(span, Decimal(0))
    for first, last, due in entitlement.segments(f, SCHEME, rules, span):
        for m in span[span.index(first) : span.index(last) + 1]:
            from_segments[m] = due.amount
    assert from_segments == expected


def test_a_status_that_is_not_paid_says_so():
    f = Facts(worker_id=1, retired_on=None, honours=[HonourFact(HonourKind.MODEL_WORKER, 1, 2005, None)])
    assert entitlement.evaluate(f, SCHEME, [rule()], dt.date(2021, 1, 1)) == LeftOut("status", "在职，不在发放范围")
    assert Status.RETIRED in rule().statuses
