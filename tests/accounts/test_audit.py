import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive import services
from gongjiang.archive.enums import HardshipCategory, Relation
from tests.factories import ModelWorkerFactory


@pytest.fixture
def entry(staff_user):
    return record(actor=staff_user, action=AuditAction.EXPORT, object_type="archive.modelworker", object_repr="x")


def test_the_application_cannot_change_or_delete_an_entry(entry):
    entry.object_repr = "changed"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="changed")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "x"


def test_the_database_refuses_an_update_behind_the_applications_back(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE accounts_auditentry SET object_repr = 'forged' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "x"


def test_the_database_refuses_a_delete_too(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM accounts_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_only_the_auditor_and_the_admin_read_the_log(
    client_for, auditor_user, admin_user, staff_user, union_user, entry
):
    assert client_for(auditor_user).get("/accounts/audit/").status_code == 200
    assert client_for(admin_user).get("/accounts/audit/").status_code == 200
    assert client_for(staff_user).get("/accounts/audit/").status_code == 403
    assert client_for(union_user).get("/accounts/audit/").status_code == 403


def test_the_log_filters_by_user_and_action(client_for, auditor_user, staff_user, entry):
    record(actor=auditor_user, action=AuditAction.REVEAL, object_type="archive.modelworker", object_repr="y")
    client = client_for(auditor_user)
    page = client.get("/accounts/audit/?user=staff").context["page"]
    assert [e.pk for e in page.items] == [entry.pk]
    page = client.get("/accounts/audit/?action=reveal").context["page"]
    assert [e.object_repr for e in page.items] == ["y"]


def test_the_auditor_exports_the_filtered_log_and_the_export_is_logged(client_for, auditor_user, staff_user, entry):

    response = client_for(auditor_user).get("/accounts/audit/export/?user=staff")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:5] == ("时间", "用户", "地址", "渠道", "操作")
    assert [(r[1], r[4]) for r in rows[1:]] == [("staff", "已导出")]
    logged = AuditEntry.objects.get(object_type="accounts.auditentry")
    assert (logged.actor, logged.detail["rows"]) == (auditor_user, 1)


def test_the_demo_load_is_on_record(db):

    call_command("demo", size=50, stdout=open("/dev/null", "w"))  # noqa: SIM115
    entry = AuditEntry.objects.get(object_type="archive.modelworker", action=AuditAction.CREATE)
    assert (entry.via, entry.detail["rows"], entry.actor) == ("command", 50, None)


def test_private_matters_enter_the_log_redacted_and_numbers_masked(staff_user, union_a):
    """Issue 10, item 12: the address, a family member's illness and income, the hardship
    file's health, incomes and needs are not kept in clear; ID numbers and phones are masked."""

    worker = ModelWorkerFactory(union=union_a, address="", phone="")
    services.update_model_worker(
        actor=staff_user, worker=worker, data={"address": "崇安寺街道中山路 88 号 3 单元", "phone": "13912345678"}
    )
    services.update_model_worker(actor=staff_user, worker=worker, data={"address": "广益街道 12 号"})
    services.add_family_member(
        actor=staff_user,
        worker=worker,
        data={
            "relation": Relation.SPOUSE,
            "name": "李秀英",
            "health": "尿毒症透析",
            "monthly_income": Decimal("1800.00"),
        },
    )
    services.save_hardship_file(
        actor=staff_user,
        worker=worker,
        data={
            "category": HardshipCategory.SPECIAL,
            "established_on": dt.date(2024, 1, 5),
            "health": "肺癌术后化疗",
            "serious_illness": True,
            "monthly_income": Decimal("2100.00"),
            "family_monthly_income": Decimal("3900.00"),
            "needs_and_wishes": "希望解决住院押金",
        },
    )
    hidden = "（已记录，内容不记入日志）"
    first, second = AuditEntry.objects.filter(object_type="archive.modelworker", action="update").order_by("id")
    assert first.changes == {"phone": ["", "139****5678"], "address": ["", hidden]}
    # A changed address is still on record as a change, though both sides are redacted.
    assert second.changes == {"address": [hidden, hidden]}
    family = AuditEntry.objects.get(object_type="archive.familymember")
    assert (family.changes["health"], family.changes["monthly_income"], family.changes["name"]) == (
        [None, hidden],
        [None, hidden],
        [None, "李秀英"],
    )
    hardship = AuditEntry.objects.get(object_type="archive.hardshipfile")
    for key in ("health", "serious_illness", "monthly_income", "family_monthly_income", "needs_and_wishes"):
        assert hardship.changes[key] == [None, hidden], key
    assert hardship.changes["category"] == [None, "special"]
    every = str(list(AuditEntry.objects.values_list("changes", flat=True)))
    for secret in ("中山路", "广益", "尿毒症", "1800", "肺癌", "2100", "3900", "押金", "13912345678"):
        assert secret not in every
