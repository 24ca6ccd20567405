"""The database refuses to change or delete ledger entries (as it does audit entries)."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION gongjiang_ledger_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are never changed or deleted; record a reversing entry';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER benefits_ledgerentry_immutable
    BEFORE UPDATE OR DELETE ON benefits_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION gongjiang_ledger_immutable();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS benefits_ledgerentry_immutable ON benefits_ledgerentry;
DROP FUNCTION IF EXISTS gongjiang_ledger_immutable();
"""
SQLITE_FORWARD = """
CREATE TRIGGER benefits_ledgerentry_no_update BEFORE UPDATE ON benefits_ledgerentry
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are never changed; record a reversing entry');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS benefits_ledgerentry_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("benefits", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
