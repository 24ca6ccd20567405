import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction

from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import AuditEntry


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
    import io

    import openpyxl

    response = client_for(auditor_user).get("/accounts/audit/export/?user=staff")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:5] == ("时间", "用户", "地址", "渠道", "操作")
    assert [(r[1], r[4]) for r in rows[1:]] == [("staff", "已导出")]
    logged = AuditEntry.objects.get(object_type="accounts.auditentry")
    assert (logged.actor, logged.detail["rows"]) == (auditor_user, 1)


def test_the_demo_load_is_on_record(db):
    from django.core.management import call_command

    call_command("demo", size=50, stdout=open("/dev/null", "w"))  # noqa: SIM115
    entry = AuditEntry.objects.get(object_type="archive.modelworker", action=AuditAction.CREATE)
    assert (entry.via, entry.detail["rows"], entry.actor) == ("command", 50, None)
