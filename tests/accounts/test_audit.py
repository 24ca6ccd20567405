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


@pytest.mark.postgres
def test_postgresql_refuses_a_delete_too(entry):
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
