"""The demo's care: the article's 2016 in its own sentences, from the records, and every year
since played consistently — places never over a batch's capacity and equal to the invitations
holding one, stays for the working front line, no one invited or visited who was dead or held no
title on the day, nothing attended, visited or resolved after the demo's today.

The demo is built once for the module (default size, its history run to 2026-12-03) inside a
transaction rolled back at its end, as tests/demo/test_demo.py does.
"""

import datetime as dt
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from gongjiang.accounts.enums import OrganisationKind
from gongjiang.accounts.models import AuditEntry, Organisation, User
from gongjiang.care.enums import HOLDS_PLACE, CampaignKind, InvitationState, NeedSource, NeedState, Occasion
from gongjiang.care.models import Batch, Campaign, Invitation, Need, NeedStep, PlanEntry, Visit, VisitPlan
from gongjiang.care.visit_selectors import overdue_needs
from gongjiang.demo.care import load_people, play_care

pytestmark = [pytest.mark.xdist_group("demo"), pytest.mark.django_db]
TODAY = dt.date(2026, 12, 3)
YEARS = list(range(2016, 2027))
CHECKUPS_2016 = "4月中下旬区总工会组织两批160名劳模免费体检。"
STAYS_2016 = "分别于5月、8月组织两批60名基层一线的劳模先进进行疗休养。"
VISITS_2016 = (
    "走访慰问劳模129人次（春节61人次、五一61人次、必访：生活困难4人次、必访：患重病或住院3人次），"
    "涉及73人，其中重点走访慰问生活困难和患重病的劳模109人次。"
)
NEEDS_2016 = "为劳模办实事18件，已办结18件，逾期未办结0件。"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", today=TODAY, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def people(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return load_people()


# --- The article's year -----------------------------------------------------------------------


def test_the_care_page_for_2016_states_the_articles_sentences_from_the_records(demo, client):
    client.force_login(User.objects.get(username="staff"))
    response = client.get("/care/year/", {"year": 2016})
    assert response.status_code == 200
    assert response.context["sentences"] == [
        CHECKUPS_2016,
        STAYS_2016,
        VISITS_2016,
        "4月下旬召开“弘扬'工匠精神'，当好时代劳模”座谈会，30名劳模参加。",
        "5月中旬组织40名劳模开展古运河一日游。",
        "基层工会举办联谊活动一场，劳模参加12人次。",
        NEEDS_2016,
    ]
    page = response.content.decode()
    for sentence in (CHECKUPS_2016, STAYS_2016, VISITS_2016, NEEDS_2016):
        assert f"<p>{sentence}</p>" in page


def test_2016_check_ups_are_two_april_batches_of_80_with_declined_places_taken_from_the_waiting_list(demo):
    batches = list(Batch.objects.filter(campaign__kind=CampaignKind.CHECKUP, campaign__year=2016))
    assert [(b.name, b.starts_on, b.ends_on, b.capacity, b.taken) for b in batches] == [
        ("第一批", dt.date(2016, 4, 18), dt.date(2016, 4, 20), 80, 80),
        ("第二批", dt.date(2016, 4, 25), dt.date(2016, 4, 27), 80, 80),
    ]
    assert {b.place for b in batches} == {"无锡市第二人民医院体检中心"}
    states = [Counter(b.invitations.values_list("state", flat=True)) for b in batches]
    assert states == [{"attended": 80, "declined": 2}, {"attended": 80, "declined": 3}]
    # The waiting list took the declined places, first come first, and came.
    promoted = Invitation.objects.filter(campaign__year=2016, campaign__kind=CampaignKind.CHECKUP).exclude(
        waiting_since=None
    )
    assert Counter(promoted.values_list("batch__name", "state")) == {
        ("第一批", "attended"): 2,
        ("第二批", "attended"): 3,
    }
    follow = Invitation.objects.filter(campaign__year=2016, follow_up=True)
    assert follow.count() == 8
    assert all(0 < len(note) <= 30 for note in follow.values_list("follow_up_note", flat=True))
    assert all(
        r.startswith("从未参加体检")
        for r in Invitation.objects.filter(campaign__year=2016, campaign__kind=CampaignKind.CHECKUP).values_list(
            "reason", flat=True
        )
    )


def test_2016_stays_are_30_in_may_and_30_in_august_all_front_line_at_work_and_never_sent_before(demo, people):
    batches = list(Batch.objects.filter(campaign__kind=CampaignKind.STAY, campaign__year=2016))
    assert [(b.starts_on, b.ends_on, b.capacity, b.taken, b.cost_per_person) for b in batches] == [
        (dt.date(2016, 5, 16), dt.date(2016, 5, 22), 30, 30, 2600),
        (dt.date(2016, 8, 15), dt.date(2016, 8, 21), 30, 30, 2600),
    ]
    assert all("心理健康辅导" in b.programme and "饮食健康指导" in b.programme for b in batches)
    came = Invitation.objects.filter(campaign__kind=CampaignKind.STAY, campaign__year=2016, state="attended")
    pks = list(came.values_list("model_worker_id", flat=True))
    assert len(set(pks)) == 60
    assert all(people[pk].front_line and people[pk].working(dt.date(2016, 12, 31)) for pk in pks)
    assert not Campaign.objects.filter(kind=CampaignKind.STAY, year__lt=2016).exists()


def test_2016_visits_are_before_the_spring_festival_and_may_day_and_focus_on_hardship_and_illness(demo, people):
    sf = Visit.objects.filter(occasion=Occasion.SPRING_FESTIVAL, visited_on__year=2016)
    days = sorted(set(sf.values_list("visited_on", flat=True)))
    assert (days[0], days[-1]) == (dt.date(2016, 1, 21), dt.date(2016, 2, 4))
    may = Visit.objects.filter(occasion=Occasion.MAY_DAY, visited_on__year=2016)
    assert {d.month for d in may.values_list("visited_on", flat=True)} == {4}
    reasons = Counter(
        PlanEntry.objects.filter(plan__year=2016, plan__occasion=Occasion.MAY_DAY).values_list("reason", flat=True)
    )
    assert reasons["一线劳模"] == 8
    assert sum(n for r, n in reasons.items() if "生活困难" in r or "患重病" in r) == 53


# --- Every year, consistently ------------------------------------------------------------------


def test_every_year_has_its_campaigns_plans_and_visits(demo):
    assert sorted(Campaign.objects.values_list("year", "kind")) == [
        (y, k) for y in YEARS for k in (CampaignKind.CHECKUP, CampaignKind.STAY)
    ]
    assert sorted(VisitPlan.objects.values_list("year", "occasion")) == [
        (y, o) for y in YEARS for o in (Occasion.MAY_DAY, Occasion.SPRING_FESTIVAL)
    ]
    attended = Counter(Invitation.objects.filter(state="attended").values_list("campaign__year", "campaign__kind"))
    assert [attended[(y, CampaignKind.CHECKUP)] for y in YEARS] == [
        160,
        166,
        177,
        156,
        166,
        176,
        156,
        166,
        176,
        156,
        166,
    ]
    assert [attended[(y, CampaignKind.STAY)] for y in YEARS] == [60, 56, 56, 56, 28, 56, 56, 56, 56, 56, 56]
    assert (Visit.objects.count(), PlanEntry.objects.count(), Need.objects.count(), NeedStep.objects.count()) == (
        2012,
        1939,
        333,
        577,
    )


def test_places_taken_are_the_invitations_holding_one_and_never_above_capacity(demo):
    holding = Counter(Invitation.objects.filter(state__in=HOLDS_PLACE).values_list("batch_id", flat=True))
    for batch in Batch.objects.all():
        assert batch.taken == holding[batch.pk], batch
        assert batch.taken <= batch.capacity, batch


def test_no_one_is_invited_who_was_dead_or_untitled_on_the_batchs_days_and_nothing_attended_after_today(demo, people):
    rows = list(Invitation.objects.values_list("model_worker_id", "batch__starts_on", "batch__ends_on", "state"))
    assert [
        (pk, starts) for pk, starts, ends, _s in rows if not (people[pk].alive(ends) and people[pk].titled(starts))
    ] == []
    answered = (InvitationState.ATTENDED, InvitationState.ABSENT, InvitationState.DECLINED)
    assert [(pk, ends) for pk, _starts, ends, state in rows if state in answered and ends > TODAY] == []
    visits = Visit.objects.values_list("model_worker_id", "visited_on")
    assert [(pk, day) for pk, day in visits if not (people[pk].alive(day) and people[pk].titled(day))] == []
    assert not Visit.objects.filter(visited_on__gt=TODAY).exists()
    assert not Need.objects.filter(raised_on__gt=TODAY).exists()
    assert not Need.objects.filter(resolved_on__gt=TODAY).exists()
    assert not NeedStep.objects.filter(on__gt=TODAY).exists()


def test_every_stay_goes_to_the_working_front_line_and_to_nobody_twice_within_two_years(demo, people):
    came = Invitation.objects.filter(campaign__kind=CampaignKind.STAY, state="attended")
    years = defaultdict(list)
    for pk, year, ends in came.values_list("model_worker_id", "campaign__year", "batch__ends_on"):
        p = people[pk]
        assert (p.front_line, p.working(ends), p.working(dt.date(year, 12, 31))) == (True, True, True), (pk, year)
        years[pk].append(year)
    assert all(b - a >= 2 for ys in years.values() for a, b in zip(sorted(ys), sorted(ys)[1:], strict=False))


def test_retired_people_are_not_invited_to_check_ups_two_years_running(demo, people):
    invited = defaultdict(set)
    for pk, year, starts in Invitation.objects.filter(campaign__kind=CampaignKind.CHECKUP).values_list(
        "model_worker_id", "campaign__year", "batch__starts_on"
    ):
        invited[year].add(pk)
        if not people[pk].working(starts):
            assert pk not in invited[year - 1], (pk, year)


def test_planned_visits_are_linked_to_their_visit_and_gone_to_by_the_federation_or_the_persons_union(demo):
    federation = Organisation.objects.get(kind=OrganisationKind.FEDERATION)
    union_user = User.objects.get(username="union")
    for entry in PlanEntry.objects.select_related("plan", "visit", "model_worker"):
        assert entry.visit is not None
        assert (entry.visit.model_worker_id, entry.visit.occasion) == (entry.model_worker_id, entry.plan.occasion)
        assert entry.visit.visited_on.year == entry.plan.year
        assert entry.assigned_to_id in (federation.pk, entry.model_worker.union_id)
        if entry.assigned_to_id != federation.pk:
            assert entry.model_worker.union_id == union_user.organisation_id
            assert entry.visit.recorded_by == union_user
    assert not Visit.objects.filter(health="").exists()
    assert Counter(Visit.objects.values_list("mode", flat=True)) == {"home": 1878, "hospital": 134}


def test_needs_are_followed_to_resolution_and_the_last_weeks_are_open_some_overdue_for_the_staff(demo):
    staff = User.objects.get(username="staff")
    for need in Need.objects.select_related("visit"):
        if need.source == NeedSource.VISIT:
            assert need.visit.model_worker_id == need.model_worker_id
            assert need.raised_on == need.visit.visited_on
        if need.state == NeedState.RESOLVED:
            assert (bool(need.resolution), bool(need.satisfaction)) == (True, True)
            assert need.raised_on <= need.resolved_on
    assert Counter(Need.objects.values_list("source", "state")) == {
        ("visit", "resolved"): 297,
        ("phone", "resolved"): 33,
        ("phone", "open"): 3,
    }
    assert overdue_needs(staff, today=TODAY).count() == 2


def test_each_load_is_one_audit_entry_and_the_demo_plays_care_once(demo):
    entries = AuditEntry.objects.filter(object_type__in=["care.campaign", "care.visit", "care.need"])
    assert list(entries.order_by("id").values_list("object_type", "object_repr")) == [
        ("care.campaign", "演示数据：22个体检和疗休养项目"),
        ("care.visit", "演示数据：22个走访慰问计划、2012次走访"),
        ("care.need", "演示数据：333件办实事"),
    ]
    assert play_care(today=TODAY) == 0
