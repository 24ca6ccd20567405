"""`manage.py demo` tells one history, and the seed article is its 2016.

The demo is built once for this module (default size, its history run to 2026-12-03) and every
record of it is checked: no title after death, before 18 or after retirement; titles only in
their level's rounds and named for their level; statuses that follow the dates; employers that
fit their union and people's posts; units whose tier, stars and status follow their evaluations;
a round and a funding plan every year; mentoring that ends with an outcome; payments that the
entitlement rules owe. And the figures: the article's as of 2016, and today's, exactly.
"""

import datetime as dt
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from gongjiang.accounts.models import User
from gongjiang.archive.enums import Level, Status
from gongjiang.archive.models import HardshipFile, HardshipSpell, Honour, ModelWorker
from gongjiang.benefits import reports
from gongjiang.benefits.enums import BatchState, SchemeKind
from gongjiang.benefits.models import Batch, LedgerEntry, Scheme
from gongjiang.demo.platform_data import AWARDS, COLLECTIVE_HONOURS, INDIVIDUAL_HONOURS
from gongjiang.platform.enums import (
    CaseKind,
    CaseState,
    InspectionState,
    MentorshipState,
    PlanState,
    RoundState,
    UnitStatus,
)
from gongjiang.platform.models import (
    Case,
    EvaluationRound,
    FundingPlan,
    Inspection,
    Mentorship,
    UnitHave,
)
from tests import demo_checks as checks
from tests.api.conftest import ApiClient, token_for

pytestmark = [pytest.mark.xdist_group("demo"), pytest.mark.django_db]
TODAY = dt.date(2026, 12, 3)
ARTICLE = "市以上劳模 <strong>1,285</strong> 人（其中：全国劳模 <strong>19</strong> 人；省（部）级劳模 <strong>483</strong> 人；市级劳模 <strong>783</strong> 人）"
PLATFORM_2016 = "全区已建立 9 个工作室、14 个星级示范岗和 23 个标兵。"
RESULTS_2015_2016 = (
    "各工作室、星级示范岗主持或完成各级课题 32 项，完成自主开发新产品、技术 32 项，"
    "获得各类科技奖项 51 项，获得集体、个人荣誉 211 次。"
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The default demo, built once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", today=TODAY, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def archive(demo):
    return checks.from_database()


# --- The article, and today ---------------------------------------------------------------------


def test_as_of_2016_12_31_the_dashboard_states_the_articles_sentence(demo, client):
    client.force_login(User.objects.get(username="admin"))
    response = client.get("/reports/", {"as_of": "2016-12-31"})
    h = response.context["d"].headline
    assert (h.national, h.provincial, h.municipal, h.municipal_and_above) == (19, 483, 783, 1285)
    # Of those honoured since, 43 held a district title then and 9 a May Day medal only; the
    # others were not yet honoured, and not yet in the archive.
    none = sum(levels.get(Level.NONE, 0) for levels in response.context["d"].by_status.values())
    assert (h.district, none, response.context["d"].total_records) == (43, 9, 1337)
    assert ARTICLE in response.content.decode()
    api = ApiClient(client, token_for(User.objects.get(username="staff")))
    body = api.get("/stats/dashboard?as_of=2016-12-31").json()
    assert body["sentence"] == "市以上劳模 1285 人（其中：全国劳模 19 人；省（部）级劳模 483 人；市级劳模 783 人）"


def test_hardship_is_counted_as_of_a_past_date_from_each_files_spell(demo, client):
    client.force_login(User.objects.get(username="admin"))
    files = dict(HardshipFile.objects.values_list("model_worker_id", "established_on"))
    spells = dict(HardshipSpell.objects.values_list("model_worker_id", "entered_on"))
    assert spells == files
    then = client.get("/reports/", {"as_of": "2016-12-31"}).context["d"].in_hardship
    now = client.get("/reports/").context["d"].in_hardship
    assert (then, now) == (53, 89)


def test_today_the_archive_is_larger_and_counted_the_same_way(demo, client):
    client.force_login(User.objects.get(username="admin"))
    h = client.get("/reports/").context["d"].headline
    assert (h.national, h.provincial, h.municipal, h.municipal_and_above) == (23, 572, 930, 1525)
    statuses = Counter(ModelWorker.objects.values_list("status", flat=True))
    assert statuses == {Status.RETIRED: 906, Status.WORKING: 481, Status.DECEASED: 138}


def test_at_the_end_of_2016_the_platform_is_the_articles_and_today_it_is_larger(demo, client):
    staff = User.objects.get(username="staff")
    api = ApiClient(client, token_for(staff))
    body = api.get("/stats/platform?year=2016&results_from=2015&results_to=2016").json()
    assert (body["year"], body["studios"], body["star_posts"], body["standard_bearers"]) == (2016, 9, 14, 23)
    assert body["sentence"] == PLATFORM_2016
    assert body["results_sentence"] == RESULTS_2015_2016
    assert body["target"]["name"] == "十三五"
    assert (body["target"]["studios"], body["target"]["star_posts"], body["target"]["standard_bearers"]) == (
        20,
        50,
        100,
    )
    # Nothing before 2015: the article's two years are everything up to 2016.
    assert api.get("/stats/platform?year=2016").json()["results_sentence"] == RESULTS_2015_2016
    client.force_login(staff)
    page = client.get("/platform/", {"year": 2016, "results_from": 2015, "results_to": 2016}).content.decode()
    assert PLATFORM_2016 in page
    assert RESULTS_2015_2016 in page
    assert "2016 年底" in page

    now = api.get("/stats/platform").json()
    assert (now["year"], now["studios"], now["star_posts"], now["standard_bearers"]) == (None, 20, 36, 50)
    assert now["results"] == {
        "projects": 375,
        "products": 375,
        "awards": 565,
        "honours": 2355,
        "patents": 232,
        "papers": 282,
    }
    assert now["target"]["name"] == "十五五"
    assert now["units_by_year"]["2016"] == {"studio": 9, "star_post": 14, "standard_bearer": 23}
    assert now["units_by_year"]["2020"] == {"studio": 14, "star_post": 25, "standard_bearer": 38}


# --- People and their titles ----------------------------------------------------------------------


def test_no_title_after_death_or_retirement_before_18_or_outside_its_levels_rounds(archive):
    people, titles = archive
    assert checks.honours_fit_lives(people, titles, TODAY) == []
    assert checks.highest_levels_follow_titles(people, titles) == []


def test_titles_are_named_for_their_level_and_kind(archive):
    _people, titles = archive
    assert checks.titles_agree_with_levels(titles) == []
    # One decision a round: everyone honoured at a level in a year shares its document number.
    numbers = defaultdict(set)
    for h in Honour.objects.values("awarding_body", "kind", "year", "document_number"):
        numbers[(h["awarding_body"], h["kind"] == "may_day_medal", h["year"])].add(h["document_number"])
    assert {key: len(n) for key, n in numbers.items() if len(n) != 1} == {}


def test_statuses_follow_the_dates(archive):
    people, _titles = archive
    assert checks.statuses_follow_dates(people, TODAY) == []
    assert not HardshipFile.objects.filter(is_active=True, model_worker__status=Status.DECEASED).exists()
    assert not HardshipFile.objects.filter(established_on__gt=TODAY).exists()


def test_employers_belong_to_the_union_and_posts_to_the_employers_trade(archive):
    people, _titles = archive
    assert checks.employers_fit_posts(people) == []


# --- The platform's units ---------------------------------------------------------------------------


def test_plaques_were_awarded_from_2014_and_every_year_since(demo):
    assert checks.plaques_as_planned(TODAY) == []
    assert (sum(AWARDS[2014]), sum(AWARDS[2015]), sum(AWARDS[2016])) == (27, 14, 6)


def test_units_work_in_their_employers_trade_led_by_people_who_could_lead_them(demo):
    assert checks.units_fit_people_and_trades() == []


def test_every_plaque_followed_the_six_haves_met(demo):
    assert checks.six_haves_before_plaques() == []
    assert UnitHave.objects.filter(unit__status=UnitStatus.REMOVED, met=False).count() == 3


def test_every_year_has_its_round_and_its_funding_plan(demo):
    assert checks.rounds_and_plans_every_year(TODAY) == []
    assert EvaluationRound.objects.get(year=TODAY.year).state == RoundState.OPEN
    assert FundingPlan.objects.get(year=TODAY.year).state == PlanState.DRAFT


def test_tiers_stars_and_status_follow_the_evaluations(demo):
    assert checks.standing_follows_evaluations(TODAY) == []
    decided = Counter(Case.objects.values_list("kind", "state"))
    assert decided == {
        (CaseKind.PROMOTE, CaseState.ACCEPTED): 14,
        (CaseKind.PROMOTE, CaseState.DECLINED): 3,
        (CaseKind.REMOVE, CaseState.ACCEPTED): 3,
    }


def test_mentorships_whose_term_has_passed_have_ended_with_an_outcome(demo):
    assert checks.mentorships_end_with_an_outcome(TODAY) == []
    states = set(Mentorship.objects.values_list("state", flat=True))
    assert states == {MentorshipState.ACTIVE, MentorshipState.COMPLETED, MentorshipState.ENDED}


def test_results_fall_in_the_years_their_unit_held_a_plaque_and_are_named_for_their_level(demo):
    assert checks.results_fit_their_units(TODAY) == []
    assert set(COLLECTIVE_HONOURS) == set(INDIVIDUAL_HONOURS)


def test_inspections_were_put_right_within_their_deadline(demo):
    assert checks.inspections_put_right_in_time(TODAY) == []
    assert Inspection.objects.filter(state=InspectionState.OPEN).count() == 1


# --- Treatment ----------------------------------------------------------------------------------


def test_payments_are_what_the_entitlement_rules_owe(demo):
    allowance = Scheme.objects.get(kind=SchemeKind.HONOUR_ALLOWANCE)
    assert allowance.ledger_from == dt.date(TODAY.year, 1, 1)
    batches = {b.period.month: b.state for b in Batch.objects.filter(scheme=allowance, kind="regular")}
    assert batches == {**dict.fromkeys(range(1, 12), BatchState.CLOSED), 12: BatchState.SUBMITTED}
    assert checks.payments_are_owed(TODAY) == []
    report = reports.on_time_report(allowance, dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 11, 30))
    assert report.totals["overpaid"]["n"] == 0
    # What is short is January and February, paid before the standard was raised back to January.
    short = reports.on_time_report(
        allowance, dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 11, 30), rows=True, statuses=["short"]
    ).rows
    assert {r.period.month for r in short} == {1, 2}
    assert not LedgerEntry.objects.filter(model_worker__died_on__lt=dt.date(TODAY.year, 1, 1)).exists()
