"""The audit log's hash chain and ``manage.py verify_audit``: intact on what the application
writes (single, bulk and the demo), broken — at the right entry — by raw SQL behind its back."""

import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from gongjiang.accounts import chain
from gongjiang.accounts.audit import build, build_values, record, write_many
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import AuditEntry
from gongjiang.core import append_only


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def broken() -> str:
    with pytest.raises(CommandError) as e:
        call_command("verify_audit", stdout=io.StringIO())
    assert e.value.returncode == 1  # manage.py exits with it
    return str(e.value)


def entries(actor, n: int) -> list[AuditEntry]:
    return [record(actor=actor, action=AuditAction.EXPORT, object_repr=f"第{i}份") for i in range(n)]


def as_owner_without_the_guard(sql: str, params=()) -> None:
    """What the database's owner can do and the application cannot: lift the guard, change
    the table, put the guard back."""
    vendor = connection.vendor
    with connection.cursor() as cur:
        for statement in append_only.remove_sql(vendor, "accounts_auditentry"):
            cur.execute(statement)
        cur.execute(sql, params)
        for statement in append_only.install_sql(vendor, "accounts_auditentry"):
            cur.execute(statement)


def local(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S")


def test_each_entry_holds_the_hash_of_the_one_before(staff_user):
    first, second, third = entries(staff_user, 3)
    assert first.prev_hash == ""
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    assert len({first.hash, second.hash, third.hash}) == 3
    # The hash is the one verify recomputes from what the database gives back.
    stored = AuditEntry.objects.values("id", *chain.FIELDS).get(pk=third.pk)
    assert chain.link(second.hash, stored) == third.hash
    assert verify() == f"完好：审计日志共 3 条，每条都接续前一条。最后一条编号 {third.pk}，哈希 {third.hash}。\n"


def test_an_empty_log_verifies(db):
    assert verify() == "完好：审计日志为空。\n"


def test_bulk_writers_chain_their_entries_too(staff_user):
    entries(staff_user, 1)
    AuditEntry.objects.bulk_create(
        [build(actor=staff_user, action=AuditAction.UNDO, object_repr=str(i)) for i in range(3)]
    )
    write_many([build_values(actor=staff_user, action=AuditAction.UPDATE, object_repr=str(i)) for i in range(4)])
    entries(staff_user, 1)
    assert AuditEntry.objects.count() == 9
    assert verify().startswith("完好：审计日志共 9 条")


def test_verify_audit_passes_on_the_demo(db):
    call_command("demo", size=50, stdout=io.StringIO())
    n = AuditEntry.objects.count()
    assert n > 50
    assert verify().startswith(f"完好：审计日志共 {n} 条")


def test_a_row_slipped_in_by_raw_sql_is_named(staff_user):
    entries(staff_user, 2)
    at = timezone.now()
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO accounts_auditentry (at, actor_username, via, action, object_type, object_id, "
            "object_repr, changes, detail, prev_hash, hash) "
            "VALUES (%s, 'admin', 'web', 'update', '', '', '伪造', '{}', '{}', '', '')",
            [at],
        )
    forged = AuditEntry.objects.get(object_repr="伪造")
    entries(staff_user, 1)  # the application goes on writing after it
    assert broken() == (
        f"审计日志在编号 {forged.pk} 的记录（{local(forged.at)}）处断开，此前 2 条完好：该条未接续前一条——其前有记录被删除、修改或插入。"
    )


def test_an_entry_changed_by_the_owner_is_named(staff_user):
    _first, second, _third = entries(staff_user, 3)
    as_owner_without_the_guard("UPDATE accounts_auditentry SET object_repr = '改过' WHERE id = %s", [second.pk])
    assert broken() == (
        f"审计日志在编号 {second.pk} 的记录（{local(second.at)}）处断开，此前 1 条完好：该条内容与其哈希不符——已被修改。"
    )


def test_the_entry_after_a_removed_one_is_named(staff_user):
    _first, second, third = entries(staff_user, 3)
    as_owner_without_the_guard("DELETE FROM accounts_auditentry WHERE id = %s", [second.pk])
    assert broken().startswith(
        f"审计日志在编号 {third.pk} 的记录（{local(third.at)}）处断开，此前 1 条完好：该条未接续前一条"
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain(staff_user):
    """Two connections writing at once: each waits for the other's commit before it reads the
    head, so every entry follows the one before it."""
    start = threading.Barrier(2)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(n):
                with transaction.atomic():
                    record(actor=staff_user, action=AuditAction.EXPORT, object_repr=f"{threading.get_ident()}-{i}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(40,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert AuditEntry.objects.count() == 80
    assert verify().startswith("完好：审计日志共 80 条")
