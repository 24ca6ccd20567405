"""The care page for a year: the article's sentences from the records, the chart, the export, and a
person's care history on the profile."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongjiang.archive.enums import Status
from gongjiang.care.enums import CampaignKind, InvitationState, Occasion
from gongjiang.care.models import Batch, Campaign, Invitation
from gongjiang.care.services import needs, visits
from gongjiang.care.yearly import care_year, sentences, when
from tests.care.conftest import person
from tests.care.test_visits import FINDINGS

pytestmark = pytest.mark.django_db


def held(kind, year, dates, people, *, places=100):
    """Batches and attendances written directly: the page reads the records, however they came."""
    campaign = Campaign.objects.create(kind=kind, year=year, title=f"{year}")
    per = len(people) // len(dates)
    for i, day in enumerate(dates):
        batch = Batch.objects.create(
            campaign=campaign, name=f"第{i + 1}批", starts_on=day, ends_on=day, place="医院", capacity=places, taken=per
        )
        for p in people[i * per : (i + 1) * per]:
            Invitation.objects.create(campaign=campaign, batch=batch, model_worker=p, state=InvitationState.ATTENDED)


def test_when_the_batches_were_is_said_as_the_article_says_it():
    assert when([dt.date(2016, 4, 15), dt.date(2016, 4, 26)]) == "4月中下旬"
    assert when([dt.date(2016, 5, 9), dt.date(2016, 8, 8)]) == "5月、8月"
    assert when([dt.date(2016, 4, 3)]) == "4月上旬"


def test_the_year_is_stated_in_the_articles_sentences(staff_user, union_a):
    people = [person(union_a, name=f"劳模{i}", status=Status.WORKING) for i in range(160)]
    held(CampaignKind.CHECKUP, 2016, [dt.date(2016, 4, 15), dt.date(2016, 4, 26)], people)
    held(CampaignKind.STAY, 2016, [dt.date(2016, 5, 9), dt.date(2016, 8, 8)], people[:60], places=30)
    data = care_year(2016, today=dt.date(2026, 12, 4))
    assert sentences(data) == [
        "4月中下旬区总工会组织两批160名劳模免费体检。",
        "分别于5月、8月组织两批60名基层一线的劳模先进进行疗休养。",
    ]


def test_visits_and_needs_are_counted_in_words(staff_user, union_a):
    poor = person(union_a, name="困难")
    poor.in_hardship = True
    poor.save(update_fields=["in_hardship"])
    other = person(union_a, name="其他")
    visits.record_visit(actor=staff_user, model_worker=poor, data={**FINDINGS, "occasion": Occasion.SPRING_FESTIVAL})
    visits.record_visit(
        actor=staff_user,
        model_worker=other,
        data={**FINDINGS, "occasion": Occasion.MAY_DAY, "visited_on": dt.date(2026, 4, 30)},
    )
    need = needs.raise_need(
        actor=staff_user,
        model_worker=poor,
        source="phone",
        description="加装电梯",
        holder=staff_user,
        deadline=dt.date(2026, 12, 31),
    )
    needs.resolve(actor=staff_user, need=need, resolution="已立项", satisfaction="satisfied")
    data = care_year(2026)
    assert sentences(data) == [
        "走访慰问劳模2人次（春节1人次、五一1人次），涉及2人，其中重点走访慰问生活困难和患重病的劳模1人次。",
        "为劳模办实事1件，已办结1件，逾期未办结0件。",
    ]


def test_the_year_page_its_chart_and_its_export(client, staff_user, union_a):
    people = [person(union_a, name=f"劳模{i}") for i in range(4)]
    held(CampaignKind.CHECKUP, 2016, [dt.date(2016, 4, 15), dt.date(2016, 4, 26)], people)
    client.force_login(staff_user)
    client.get(reverse("care:year"))
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("care:year") + "?year=2016").content.decode()
    assert len(ctx.captured_queries) == 11
    assert "4月中下旬区总工会组织两批4名劳模免费体检。" in page
    chart = client.get(reverse("care:year_chart") + "?year=2016")
    assert chart["Content-Type"] == "image/svg+xml"
    response = client.get(reverse("care:year_export") + "?year=2016")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert ["体检：已参加", 4] in rows
    assert ["4月中下旬区总工会组织两批4名劳模免费体检。", None] in rows or [
        "4月中下旬区总工会组织两批4名劳模免费体检。",
        "",
    ] in rows


@pytest.mark.parametrize("rows", [1, 6])
def test_a_persons_care_history_on_the_profile(client, staff_user, union_user, union_b, union_a, rows):
    worker = person(union_a, name="陈师傅")
    for i in range(rows):
        visits.record_visit(
            actor=staff_user,
            model_worker=worker,
            data={**FINDINGS, "occasion": "routine", "visited_on": dt.date(2026, 1, 1 + i)},
        )
        needs.raise_need(
            actor=staff_user,
            model_worker=worker,
            source="phone",
            description=f"诉求{i}",
            holder=staff_user,
            deadline=dt.date(2027, 1, 1),
        )
    client.force_login(staff_user)
    profile = client.get(reverse("archive:detail", args=[worker.pk])).content.decode()
    assert reverse("care:person", args=[worker.pk]) in profile
    client.get(reverse("care:person", args=[worker.pk]))
    with CaptureQueriesContext(connection) as ctx:
        section = client.get(reverse("care:person", args=[worker.pk]), headers={"HX-Request": "true"})
    assert len(ctx.captured_queries) == 9
    assert "诉求0" in section.content.decode()
    client.force_login(union_user)
    other = person(union_b, name="他会")
    assert client.get(reverse("care:person", args=[other.pk])).status_code == 404


def test_a_union_reads_the_year_of_its_own_people_only(client, staff_user, union_user, union_a, union_b):
    """As the dashboard counts: another union's visits, needs and check-ups are not in a union's figures."""
    ours = person(union_a, name="本会劳模", status=Status.WORKING)
    theirs = [person(union_b, name=f"外会劳模{i}", status=Status.WORKING) for i in range(3)]
    held(CampaignKind.CHECKUP, 2026, [dt.date(2026, 4, 15), dt.date(2026, 4, 26)], [ours, *theirs[:1]])
    for p in theirs:
        visits.record_visit(actor=staff_user, model_worker=p, data={**FINDINGS, "occasion": Occasion.SPRING_FESTIVAL})
    needs.raise_need(
        actor=staff_user,
        model_worker=theirs[0],
        source="phone",
        description="加装电梯",
        holder=staff_user,
        deadline=dt.date(2026, 12, 31),
    )
    everyone, mine = care_year(2026), care_year(2026, unions=[union_a.pk])
    assert (everyone.checkups.attended, everyone.people_visited, everyone.needs_opened) == (2, 3, 1)
    assert (mine.checkups.attended, mine.people_visited, mine.needs_opened) == (1, 0, 0)
    assert mine.checkups.batches == 2  # the federation's batches are the same for all
    client.force_login(staff_user)
    page = client.get(reverse("care:year") + "?year=2026").content.decode()
    assert "走访慰问劳模3人次" in page
    assert "为劳模办实事1件" in page
    client.force_login(union_user)
    page = client.get(reverse("care:year") + "?year=2026").content.decode()
    assert "走访慰问劳模3人次" not in page
    assert "为劳模办实事1件" not in page
