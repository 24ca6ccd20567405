"""The audit log becomes a hash chain and the database refuses DELETE on SQLite too.

The triggers of 0003 give way to the one append-only guard (``core.append_only``); entries
already written are chained in id order before the guard goes up.
"""

from django.db import migrations, models

import gongjiang.core.append_only

OLD_PG = """
CREATE OR REPLACE FUNCTION gongjiang_audit_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are immutable';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditentry_immutable
    BEFORE UPDATE OR DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION gongjiang_audit_immutable();
"""
OLD_SQLITE = """
CREATE TRIGGER accounts_auditentry_no_update BEFORE UPDATE ON accounts_auditentry
BEGIN
    SELECT RAISE(ABORT, 'audit entries are immutable');
END;
"""


def drop_old_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS accounts_auditentry_immutable ON accounts_auditentry")
        schema_editor.execute("DROP FUNCTION IF EXISTS gongjiang_audit_immutable()")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS accounts_auditentry_no_update")


def restore_old_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(OLD_PG)
    elif vendor == "sqlite":
        schema_editor.execute(OLD_SQLITE)


def head_function(apps, schema_editor):
    from gongjiang.accounts.chain import HEAD_FUNCTION

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(HEAD_FUNCTION)


def drop_head_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS gongjiang_audit_chain_head()")


def chain_existing(apps, schema_editor):
    from gongjiang.accounts.chain import FIELDS, link

    AuditEntry = apps.get_model("accounts", "AuditEntry")
    db = schema_editor.connection.alias
    prev, after = "", 0
    while True:
        rows = list(
            AuditEntry.objects.using(db).filter(id__gt=after).order_by("id").values("id", *FIELDS)[:5000]
        )
        if not rows:
            break
        updates = []
        for row in rows:
            digest = link(prev, row)
            updates.append((prev, digest, row["id"]))
            prev = digest
        with schema_editor.connection.cursor() as cur:
            cur.executemany("UPDATE accounts_auditentry SET prev_hash = %s, hash = %s WHERE id = %s", updates)
        after = rows[-1]["id"]


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_audit_action_without_db_choices")]

    operations = [
        migrations.RunPython(drop_old_guard, restore_old_guard),
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "base_manager_name": "objects",
                "ordering": ["-at", "-id"],
                "verbose_name": "audit entry",
                "verbose_name_plural": "audit log",
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(head_function, drop_head_function),
        gongjiang.core.append_only.AppendOnly("auditentry"),
    ]
