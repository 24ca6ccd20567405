"""The visit and need pages: a visit that raises a need followed to resolution, scope, query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongjiang.care.enums import Occasion
from gongjiang.care.models import Need, Visit
from gongjiang.care.services import needs, visits
from tests.care.conftest import person
from tests.care.test_visits import FINDINGS

pytestmark = pytest.mark.django_db


def test_a_visit_raises_a_need_followed_to_resolution_through_the_pages(client, staff_user, union_user, union_a):
    worker = person(union_a, name="陈师傅")
    plan = visits.create_plan(actor=staff_user, occasion=Occasion.SPRING_FESTIVAL, year=2026)
    client.force_login(union_user)
    page = client.get(reverse("care:plan", args=[plan.pk])).content.decode()
    assert "陈师傅" in page
    client.post(reverse("care:plan_add", args=[plan.pk]), {"person": [worker.pk], "reason": ["从未走访"]})
    entry = plan.entries.get()
    data = {**FINDINGS, "visited_on": "2026-01-20"}
    response = client.post(reverse("care:visit_create", args=[worker.pk]) + f"?entry={entry.pk}", data)
    visit = Visit.objects.get()
    assert response["Location"] == visit.get_absolute_url()
    assert visit.occasion == Occasion.SPRING_FESTIVAL
    response = client.post(
        reverse("care:need_create", args=[worker.pk]) + f"?visit={visit.pk}",
        {"source": "visit", "description": "希望协调加装电梯", "holder": union_user.pk, "deadline": "2027-03-01"},
    )
    need = Need.objects.get()
    client.post(reverse("care:need_step", args=[need.pk]), {"on": "2026-12-01", "note": "已与社区联系"})
    response = client.post(
        reverse("care:need_resolve", args=[need.pk]), {"resolution": "社区已立项", "satisfaction": "very"}, follow=True
    )
    body = response.content.decode()
    assert "诉求已办结。" in body
    assert "非常满意" in body
    assert "已与社区联系" in body


def test_another_unions_visit_and_need_are_not_found(client, staff_user, union_user, union_b):
    other = person(union_b, name="他会")
    visit = visits.record_visit(actor=staff_user, model_worker=other, data={**FINDINGS, "occasion": "routine"})
    need = needs.raise_need(
        actor=staff_user,
        model_worker=other,
        source="phone",
        description="医药费",
        holder=staff_user,
        deadline=dt.date(2027, 1, 1),
    )
    client.force_login(union_user)
    assert client.get(reverse("care:visit", args=[visit.pk])).status_code == 404
    assert client.get(reverse("care:need", args=[need.pk])).status_code == 404
    assert client.post(reverse("care:need_step", args=[need.pk]), {"on": "2026-12-01", "note": "x"}).status_code == 404
    assert "他会" not in client.get(reverse("care:needs") + "?show=all").content.decode()


@pytest.mark.parametrize("rows", [1, 12])
def test_the_visit_pages_make_a_fixed_number_of_queries(client, staff_user, union_a, rows):
    plan = visits.create_plan(actor=staff_user, occasion=Occasion.MAY_DAY, year=2026)
    made = []
    for i in range(rows):
        worker = person(union_a, name=f"劳模{i}")
        person(union_a, name=f"待访{i}")
        entry = visits.add_to_plan(actor=staff_user, plan=plan, model_worker=worker)
        visit = visits.record_visit(actor=staff_user, model_worker=worker, data=FINDINGS, entry=entry)
        made.append(
            needs.raise_need(
                actor=staff_user,
                model_worker=worker,
                source="visit",
                visit=visit,
                description="加装电梯",
                holder=staff_user,
                deadline=dt.date(2027, 1, 1),
            )
        )
        needs.add_step(actor=staff_user, need=made[-1], on=dt.date(2026, 12, 1), note="联系社区")
    client.force_login(staff_user)
    client.get(reverse("care:plans"))
    expected = {
        reverse("care:plans"): 8,
        reverse("care:plan", args=[plan.pk]): 10,
        reverse(
            "care:visit", args=[visit.pk]
        ): 9,  # the visit, its needs, the hardship file (for the form), what was given
        reverse("care:needs") + "?show=all": 8,
        reverse("care:need", args=[made[-1].pk]): 7,
    }
    found = {}
    for url in expected:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        found[url] = len(ctx.captured_queries)
    assert found == expected
