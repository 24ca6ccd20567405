"""The one append-only guard, on the audit log, the ledger and the platform's disbursements:
the ORM refuses every path that changes or deletes a row, and so does the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction

from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import AuditEntry
from gongjiang.benefits.models import LedgerEntry
from gongjiang.core import append_only
from gongjiang.platform.models import Disbursement
from tests.benefits.conftest import allowance_scheme
from tests.factories import ModelWorkerFactory
from tests.platform.conftest import established

KINDS = ["audit", "ledger", "disbursement"]
TEXT = {AuditEntry: "object_repr", LedgerEntry: "reference", Disbursement: "reference"}  # a column to forge


@pytest.fixture
def row(request, staff_user, union_a):
    """One row of the kind asked for, made as the application makes it."""
    kind = request.param
    if kind == "audit":
        return record(actor=staff_user, action=AuditAction.EXPORT, object_type="archive.modelworker", object_repr="x")
    if kind == "ledger":
        return LedgerEntry.objects.create(
            model_worker=ModelWorkerFactory(union=union_a),
            scheme=allowance_scheme(staff_user),
            period=dt.date(2026, 1, 1),
            amount=Decimal("300.00"),
            paid_on=dt.date(2026, 1, 10),
            reference="x",
        )
    unit = established(staff_user, union=union_a)
    return Disbursement.objects.create(
        unit=unit, paid_on=dt.date(2026, 1, 10), amount=Decimal("500.00"), reference="x", recorded_by=staff_user
    )


def test_the_audit_log_the_ledger_and_disbursements_are_append_only():
    assert append_only.tables() == ["accounts_auditentry", "benefits_ledgerentry", "platform_disbursement"]


@pytest.mark.parametrize("row", KINDS, indirect=True)
def test_the_orm_refuses_every_way_of_changing_or_deleting_a_row(row):
    model = type(row)
    text = TEXT[model]
    setattr(row, text, "changed")
    for attempt in (
        row.save,
        row.delete,
        lambda: model.objects.filter(pk=row.pk).update(**{text: "changed"}),
        lambda: model.objects.filter(pk=row.pk).delete(),
        # What a cascade from a deleted parent uses, and what the old guard let through.
        # Django's private `_raw_delete` is that path, so the test calls it on purpose.
        lambda: model.objects.filter(pk=row.pk)._raw_delete(using="default"),  # noqa: SLF001
        lambda: model._base_manager.filter(pk=row.pk)._raw_delete(using="default"),  # noqa: SLF001
        lambda: model.objects.bulk_update([row], [text]),
        lambda: model.objects.update_or_create(pk=row.pk, defaults={text: "changed"}),
        lambda: model.objects.bulk_create([row], update_conflicts=True, unique_fields=["id"], update_fields=[text]),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert model.objects.filter(pk=row.pk, **{text: "x"}).count() == 1


@pytest.mark.parametrize("row", KINDS, indirect=True)
def test_the_database_refuses_a_raw_update_and_a_raw_delete(row):
    table, text = type(row)._meta.db_table, TEXT[type(row)]
    for sql in (f"UPDATE {table} SET {text} = 'forged' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):  # noqa: S608
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [row.pk])
    assert type(row).objects.filter(pk=row.pk, **{text: "x"}).count() == 1


@pytest.mark.postgres
@pytest.mark.parametrize("row", KINDS, indirect=True)
def test_postgresql_refuses_truncate_even_to_the_owner(row):
    table = type(row)._meta.db_table
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks in the way
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cur.execute(f"TRUNCATE {table} CASCADE")
    assert type(row).objects.filter(pk=row.pk).count() == 1


def test_a_new_row_with_its_id_given_is_inserted_not_updated(staff_user):
    entry = AuditEntry(pk=10_000, action=AuditAction.EXPORT, actor_username="staff")
    entry.save()
    assert AuditEntry.objects.get(pk=10_000).actor_username == "staff"
