"""A visit's findings update the person's hardship file in one step, from the visit page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongjiang.accounts.models import AuditEntry
from gongjiang.archive import services as archive_services
from gongjiang.archive.models import HardshipFile, HardshipSpell, ModelWorker
from gongjiang.care.enums import Occasion
from gongjiang.care.services import visit_file, visits
from tests.care.conftest import person
from tests.care.test_visits import FINDINGS

pytestmark = pytest.mark.django_db

POST = {
    "is_active": "on",
    "category": "general",
    "health": "腿脚不便，需人照料",
    "monthly_income": "3100",
    "family_monthly_income": "4800",
    "family_size": "2",
    "housing": "owned",
    "housing_note": "老旧小区六楼，无电梯",
    "needs_and_wishes": "希望子女工作稳定",
    "remarks": "",
    "spell_reason": "走访发现因病致困",
}


def a_visit(actor, worker, on=dt.date(2026, 1, 20)):
    return visits.record_visit(
        actor=actor, model_worker=worker, data={**FINDINGS, "occasion": Occasion.SPRING_FESTIVAL, "visited_on": on}
    )


def test_the_form_is_prefilled_from_the_visits_headings(client, staff_user, union_a):
    worker = person(union_a)
    archive_services.save_hardship_file(
        actor=staff_user,
        worker=worker,
        data={"is_active": True, "category": "special", "established_on": dt.date(2020, 1, 1), "remarks": "低保"},
    )
    visit = a_visit(staff_user, worker)
    initial = visit_file.findings_initial(visit, HardshipFile.objects.get(model_worker=worker))
    assert initial["category"] == "special"
    assert initial["health"] == "腿脚不便"
    assert initial["housing_note"] == "老旧小区六楼，无电梯"
    assert initial["needs_and_wishes"] == "希望子女工作稳定"
    assert (
        initial["remarks"]
        == "低保\n2026-01-20走访：家庭成员：与老伴同住；收入情况：退休金每月3100元；生活情况：生活基本能自理"
    )
    client.force_login(staff_user)
    html = client.get(reverse("care:visit", args=[visit.pk])).content.decode()
    assert "根据本次走访更新困难档案" in html
    assert "腿脚不便</textarea>" in html


def test_one_submit_opens_the_file_and_a_spell_from_the_visits_day(client, union_user, union_a):
    worker = person(union_a)
    visit = a_visit(union_user, worker)
    client.force_login(union_user)
    html = client.get(reverse("care:visit", args=[visit.pk])).content.decode()
    assert "走访发现困难？根据本次走访建立困难档案" in html
    response = client.post(reverse("care:visit_update_file", args=[visit.pk]), POST)
    assert response.status_code == 302
    file = HardshipFile.objects.get(model_worker=worker)
    assert (file.is_active, file.established_on, file.family_monthly_income) == (
        True,
        dt.date(2026, 1, 20),
        Decimal("4800.00"),
    )
    assert file.per_capita_income == Decimal("2400.00")
    assert list(HardshipSpell.objects.filter(model_worker=worker).values_list("entered_on", "entry_reason")) == [
        (dt.date(2026, 1, 20), "走访发现因病致困")
    ]
    assert ModelWorker.objects.get(pk=worker.pk).in_hardship is True
    entry = AuditEntry.objects.get(object_type="archive.hardshipfile")
    assert entry.detail["source"] == f"2026-01-20走访（第{visit.pk}号）"


def test_updating_an_existing_file_changes_its_facts_and_names_the_visit(client, staff_user, union_a):
    worker = person(union_a)
    archive_services.save_hardship_file(
        actor=staff_user,
        worker=worker,
        data={"is_active": True, "category": "general", "established_on": dt.date(2021, 4, 1), "family_size": 3},
    )
    visit = a_visit(staff_user, worker)
    client.force_login(staff_user)
    client.post(reverse("care:visit_update_file", args=[visit.pk]), POST)
    file = HardshipFile.objects.get(model_worker=worker)
    assert (file.family_size, file.housing, file.established_on) == (2, "owned", dt.date(2021, 4, 1))
    assert HardshipSpell.objects.filter(model_worker=worker).count() == 1
    entry = AuditEntry.objects.filter(object_type="archive.hardshipfile").latest("pk")
    # Private facts are logged as changed, not written out.
    assert sorted(entry.changes) == [
        "family_monthly_income",
        "family_size",
        "health",
        "housing",
        "housing_note",
        "monthly_income",
        "needs_and_wishes",
    ]
    assert entry.changes["housing"] == ["", "owned"]
    profile = client.get(reverse("archive:detail", args=[worker.pk])).content.decode()
    history = profile.split('id="hardship-history"')[1].split("</ul>")[0]
    assert f"来源：2026-01-20走访（第{visit.pk}号）" in history


def test_a_closed_file_is_reopened_with_a_spell_from_the_visit(client, staff_user, union_a):
    worker = person(union_a)
    file = archive_services.save_hardship_file(
        actor=staff_user,
        worker=worker,
        data={"is_active": True, "category": "general", "established_on": dt.date(2018, 1, 1)},
    )
    archive_services.close_hardship_file(actor=staff_user, file=file, ended_on=dt.date(2022, 1, 1), reason="好转")
    visit = a_visit(staff_user, worker, on=dt.date(2026, 3, 1))
    client.force_login(staff_user)
    client.post(reverse("care:visit_update_file", args=[visit.pk]), POST)
    assert list(
        HardshipSpell.objects.filter(model_worker=worker).order_by("entered_on").values_list("entered_on", "left_on")
    ) == [(dt.date(2018, 1, 1), dt.date(2022, 1, 1)), (dt.date(2026, 3, 1), None)]


def test_a_bad_value_saves_nothing_and_shows_a_chinese_message(client, staff_user, union_a):
    worker = person(union_a)
    visit = a_visit(staff_user, worker)
    client.force_login(staff_user)
    response = client.post(
        reverse("care:visit_update_file", args=[visit.pk]), {**POST, "monthly_income": "5000", "category": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请选择困难类别。" in html
    assert not HardshipFile.objects.filter(model_worker=worker).exists()


def test_another_unions_visit_cannot_update_their_file(client, staff_user, union_user, union_b):
    worker = person(union_b, name="他会")
    visit = a_visit(staff_user, worker)
    client.force_login(union_user)
    assert client.post(reverse("care:visit_update_file", args=[visit.pk]), POST).status_code == 404
    assert client.get(reverse("care:visit_update_file", args=[visit.pk])).status_code == 405
    assert not HardshipFile.objects.filter(model_worker=worker).exists()


def test_the_auditor_sees_the_visit_without_the_form_and_cannot_post(client, staff_user, auditor_user, union_a):
    worker = person(union_a)
    visit = a_visit(staff_user, worker)
    client.force_login(auditor_user)
    html = client.get(reverse("care:visit", args=[visit.pk])).content.decode()
    assert 'id="hardship-file"' not in html
    assert client.post(reverse("care:visit_update_file", args=[visit.pk]), POST).status_code == 403


@pytest.mark.parametrize("with_file", [False, True])
def test_the_visit_page_makes_a_fixed_number_of_queries(client, staff_user, union_a, with_file):
    worker = person(union_a)
    if with_file:
        archive_services.save_hardship_file(
            actor=staff_user,
            worker=worker,
            data={"is_active": True, "category": "general", "established_on": dt.date(2021, 4, 1)},
        )
    visit = a_visit(staff_user, worker)
    client.force_login(staff_user)
    url = reverse("care:visit", args=[visit.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert len(ctx.captured_queries) == 9  # and what was given at the visit through the ledger
