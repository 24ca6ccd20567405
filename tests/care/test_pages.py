"""The care pages: who may open them, what they show, and a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongjiang.care.enums import InvitationState
from gongjiang.care.models import Invitation
from gongjiang.care.services import invitations
from tests.care.conftest import checkup, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(staff_user, union_a):
    campaign, batch = checkup(staff_user, year=2026, places=3, starts=dt.date(2026, 4, 18))
    return campaign, batch


def fill(staff_user, batch, union, n, *, start=0):
    for i in range(n):
        invitations.invite(actor=staff_user, batch=batch, model_worker=person(union, name=f"劳模{start + i}"))


@pytest.mark.parametrize(
    ("role_user", "codes"),
    [
        ("admin_user", (200, 200, 200, 200, 200, 200)),
        ("staff_user", (200, 200, 200, 200, 200, 200)),
        ("union_user", (200, 403, 200, 403, 200, 403)),
        ("auditor_user", (200, 403, 200, 403, 200, 403)),
        ("leader_user", (403, 403, 403, 403, 403, 403)),
        ("worker_user", (403, 403, 403, 403, 403, 403)),
    ],
)
def test_who_opens_which_care_page(client, request, planned, role_user, codes):
    campaign, batch = planned
    user = request.getfixturevalue(role_user)
    client.force_login(user)
    urls = [
        reverse("care:checkups"),
        reverse("care:checkup_create"),
        reverse("care:campaign", args=[campaign.pk]),
        reverse("care:batch_create", args=[campaign.pk]),
        reverse("care:batch", args=[batch.pk]),
        reverse("care:rule_create"),
    ]
    assert tuple(client.get(u).status_code for u in urls) == codes


def test_anonymous_goes_to_the_login_page(client, planned):
    response = client.get(reverse("care:checkups"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_campaign_page_suggests_and_invites_and_refuses_a_full_batch_in_chinese(
    client, staff_user, union_a, planned
):
    campaign, batch = planned
    fill(staff_user, batch, union_a, 3)
    late = person(union_a, name="迟到")
    client.force_login(staff_user)
    page = client.get(reverse("care:campaign", args=[campaign.pk])).content.decode()
    assert "迟到" in page
    assert "从未参加体检；在职劳模每1年一次；65岁" in page
    assert "列入第一批候补" in page
    response = client.post(reverse("care:invite", args=[batch.pk]), {"person": late.pk}, follow=True)
    assert "第一批名额已满（3个名额），没有空余名额了。可改为列入候补名单。" in response.content.decode()
    response = client.post(reverse("care:invite", args=[batch.pk]), {"person": late.pk, "waiting": "1"}, follow=True)
    assert "迟到已列入第一批候补名单。" in response.content.decode()
    first = Invitation.objects.filter(batch=batch, state=InvitationState.INVITED).earliest("id")
    response = client.post(reverse("care:answer", args=[first.pk]), {"answer": "decline"}, follow=True)
    assert "空出的名额已递补给候补的迟到。" in response.content.decode()


def test_a_union_cannot_reach_another_unions_invitation(client, staff_user, union_user, union_b, planned):
    _campaign, batch = planned
    other = invitations.invite(actor=staff_user, batch=batch, model_worker=person(union_b, name="他会"))
    client.force_login(union_user)
    assert client.post(reverse("care:answer", args=[other.pk]), {"answer": "accept"}).status_code == 404
    assert "他会" not in client.get(reverse("care:batch", args=[batch.pk])).content.decode()


def test_attendance_through_the_page_keeps_the_flag(client, staff_user, union_a, planned):
    _campaign, batch = planned
    fill(staff_user, batch, union_a, 1)
    inv = Invitation.objects.get()
    client.force_login(staff_user)
    client.post(reverse("care:attendance", args=[inv.pk]), {"attended": "yes", "follow_up": "on", "note": "建议复查"})
    inv.refresh_from_db()
    assert (inv.state, inv.follow_up, inv.follow_up_note) == ("attended", True, "建议复查")


@pytest.mark.parametrize("rows", [1, 12])
def test_the_care_pages_make_a_fixed_number_of_queries(client, staff_user, union_a, planned, rows):
    campaign, batch = planned
    batch.capacity = 20
    batch.save()
    fill(staff_user, batch, union_a, rows)
    for i in range(rows):
        person(union_a, name=f"待邀{i}")
    waiting = person(union_a, name="候补")
    invitations.invite(actor=staff_user, batch=batch, model_worker=waiting, waiting=True)
    client.force_login(staff_user)
    client.get(reverse("care:checkups"))  # the session and the user, once
    expected = {
        reverse("care:checkups"): 5,
        reverse("care:campaign", args=[campaign.pk]): 12,
        reverse("care:batch", args=[batch.pk]): 10,
        reverse("care:rules"): 6,
    }
    found = {}
    for url in expected:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        found[url] = len(ctx.captured_queries)
    assert found == expected
