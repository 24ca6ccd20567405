"""The ledger under the one append-only guard (``core.append_only``): DELETE refused on SQLite too."""

from django.db import migrations

import gongjiang.core.append_only

OLD_PG = """
CREATE OR REPLACE FUNCTION gongjiang_ledger_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are never changed or deleted; record a reversing entry';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER benefits_ledgerentry_immutable
    BEFORE UPDATE OR DELETE ON benefits_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION gongjiang_ledger_immutable();
"""
OLD_SQLITE = """
CREATE TRIGGER benefits_ledgerentry_no_update BEFORE UPDATE ON benefits_ledgerentry
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are never changed; record a reversing entry');
END;
"""


def drop_old_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS benefits_ledgerentry_immutable ON benefits_ledgerentry")
        schema_editor.execute("DROP FUNCTION IF EXISTS gongjiang_ledger_immutable()")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS benefits_ledgerentry_no_update")


def restore_old_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(OLD_PG)
    elif vendor == "sqlite":
        schema_editor.execute(OLD_SQLITE)


class Migration(migrations.Migration):
    dependencies = [("benefits", "0003_scheme_ledger_from")]

    operations = [
        migrations.RunPython(drop_old_guard, restore_old_guard),
        migrations.AlterModelOptions(
            name="ledgerentry",
            options={
                "base_manager_name": "objects",
                "ordering": ["-paid_on", "-id"],
                "verbose_name": "ledger entry",
                "verbose_name_plural": "ledger",
            },
        ),
        gongjiang.core.append_only.AppendOnly("ledgerentry"),
    ]
