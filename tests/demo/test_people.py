"""The archive's demo generator over many sizes, seeds and days, without the database: every
life and every title hold together, and at the end of 2016 the archive is the article's."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from gongjiang.accounts.demo import UNIONS
from gongjiang.archive.enums import Level
from gongjiang.archive.models import ModelWorker
from gongjiang.benefits.enums import BatchState
from gongjiang.benefits.models import Batch
from gongjiang.demo import people as demo
from gongjiang.demo.data import is_public, retirement_date, union_employers
from gongjiang.demo.loading import HONOUR_COLUMNS, WORKER_COLUMNS
from gongjiang.platform.models import Unit
from tests import demo_checks as checks

TODAY = dt.date(2026, 12, 3)


def world():
    """The demo's unions and their employers, with made-up ids."""
    names = [name for name, _short in UNIONS]
    unions = [(i + 1, name) for i, name in enumerate(names)]
    employers, where = {}, {}
    pk = 1
    for (union_pk, _name), listed in zip(unions, union_employers(names), strict=True):
        employers[union_pk] = []
        for name, kind in listed:
            employers[union_pk].append((pk, name, kind, is_public(name)))
            where[pk] = (name, union_pk)
            pk += 1
    return unions, employers, where


UNIONS_, EMPLOYERS, WHERE = world()


def plan(size: int, seed: int = 20161, today: dt.date = TODAY) -> demo.Plan:
    return demo.plan_people(size, seed=seed, today=today, unions=UNIONS_, employers=EMPLOYERS)


def rows(p: demo.Plan) -> tuple[list[checks.Person], list[checks.Title]]:
    c = {name: i for i, name in enumerate(WORKER_COLUMNS)}
    people = [
        checks.Person(
            id=r[c["id"]],
            sex=r[c["sex"]],
            birth=r[c["birth_date"]],
            status=r[c["status"]],
            retired_on=r[c["retired_on"]],
            died_on=r[c["died_on"]],
            union_id=r[c["union_id"]],
            employer=WHERE[r[c["employer_id"]]][0],
            employer_union_id=WHERE[r[c["employer_id"]]][1],
            position=r[c["position"]],
            grade=r[c["title_or_grade"]],
            highest_level=r[c["highest_level"]],
        )
        for r in p.workers
    ]
    h = {name: i for i, name in enumerate(HONOUR_COLUMNS)}
    titles = [
        checks.Title(
            person=r[h["model_worker_id"]],
            kind=r[h["kind"]],
            level=r[h["level"]],
            year=r[h["year"]],
            title=r[h["title"]],
            body=r[h["awarding_body"]],
            revoked_on=r[h["revoked_on"]],
        )
        for r in p.honours
    ]
    return people, titles


@given(
    size=st.integers(1, 1600),
    seed=st.integers(0, 2**32 - 1),
    today=st.dates(dt.date(2016, 12, 31), TODAY),
)
@settings(max_examples=25, deadline=None)
def test_every_life_and_title_holds_together_whatever_the_size_seed_and_day(size, seed, today):
    people, titles = rows(plan(size, seed, today))
    assert len(people) == size
    assert checks.statuses_follow_dates(people, today) == []
    assert checks.honours_fit_lives(people, titles, today) == []
    assert checks.titles_agree_with_levels(titles) == []
    assert checks.highest_levels_follow_titles(people, titles) == []
    assert checks.employers_fit_posts(people) == []
    # At the end of 2016 the article's people are split as the article splits them; the people
    # honoured since held no municipal or higher title then.
    later = sum(n for _lv, _y, n in demo.later_counts(size, today))
    split = checks.article_split(people, titles)
    expected = demo.level_counts(size - later)
    assert {lv: split.get(lv, 0) for lv in expected} == expected
    assert sum(n for lv, n in split.items() if lv > Level.MUNICIPAL) == later


def test_the_default_archive_is_the_articles_at_the_end_of_2016_and_larger_today():
    people, titles = rows(plan(demo.DEFAULT_SIZE))
    split = checks.article_split(people, titles)
    assert (split[Level.NATIONAL], split[Level.PROVINCIAL], split[Level.MUNICIPAL]) == (19, 483, 783)
    assert len(people) == demo.DEFAULT_SIZE == 1525
    today = {lv: sum(1 for p in people if p.highest_level == lv) for lv in (1, 2, 3)}
    assert today == {Level.NATIONAL: 23, Level.PROVINCIAL: 572, Level.MUNICIPAL: 930}
    # The rounds after 2016 honoured new people and raised earlier ones.
    after = {(t.level, t.year) for t in titles if t.year > 2016 and not checks.medal(t.kind)}
    assert {(3, 2019), (1, 2020), (2, 2021), (3, 2022), (1, 2025), (3, 2025), (2, 2026)} <= after


def test_the_same_seed_and_day_make_the_same_archive():
    first, again, other = plan(400), plan(400), plan(400, seed=7)
    assert first.workers == again.workers
    assert first.honours == again.honours
    assert first.workers != other.workers


@pytest.mark.parametrize(
    ("birth", "male", "cadre", "retires"),
    [
        (dt.date(1964, 12, 15), True, False, dt.date(2024, 12, 15)),  # before the reform: 60
        (dt.date(1965, 1, 10), True, False, dt.date(2025, 2, 10)),  # one month more
        (dt.date(1965, 5, 31), True, True, dt.date(2025, 7, 31)),  # two months more
        (dt.date(1976, 9, 1), True, False, dt.date(2039, 9, 1)),  # three years at most
        (dt.date(1969, 12, 1), False, True, dt.date(2024, 12, 1)),  # a woman cadre before the reform: 55
        (dt.date(1970, 1, 20), False, True, dt.date(2025, 2, 20)),
        (dt.date(1974, 6, 6), False, False, dt.date(2024, 6, 6)),  # another woman before the reform: 50
        (dt.date(1975, 3, 5), False, False, dt.date(2025, 5, 5)),  # one month for every two
        (dt.date(1975, 12, 31), False, False, dt.date(2026, 6, 30)),  # to the end of a shorter month
        (dt.date(1984, 12, 31), False, False, dt.date(2039, 12, 31)),  # five years at most
    ],
)
def test_retirement_follows_the_statutory_age_and_the_2025_reform(birth, male, cadre, retires):
    assert retirement_date(birth, male, cadre) == retires


def test_the_demo_cannot_run_to_a_day_in_the_future(db):

    with pytest.raises(CommandError):
        call_command("demo", today=dt.date(2999, 1, 1), stdout=StringIO())


def test_a_small_archive_to_a_shorter_day_tells_the_same_kind_of_history(db):
    """300 people, the story to the end of 2018: every check of the default demo holds."""
    today = dt.date(2018, 12, 31)
    call_command("demo", size=300, today=today, stdout=StringIO())
    assert ModelWorker.objects.count() == 300
    people, titles = checks.from_database()
    assert checks.statuses_follow_dates(people, today) == []
    assert checks.honours_fit_lives(people, titles, today) == []
    assert checks.titles_agree_with_levels(titles) == []
    assert checks.employers_fit_posts(people) == []
    assert Unit.objects.exists()
    assert checks.plaques_as_planned(today) == []
    assert checks.units_fit_people_and_trades() == []
    assert checks.six_haves_before_plaques() == []
    assert checks.rounds_and_plans_every_year(today) == []
    assert checks.standing_follows_evaluations(today) == []
    assert checks.mentorships_end_with_an_outcome(today) == []
    assert checks.results_fit_their_units(today) == []
    assert checks.inspections_put_right_in_time(today) == []
    assert checks.payments_are_owed(today) == []
    assert Batch.objects.filter(state=BatchState.CLOSED).exists()
