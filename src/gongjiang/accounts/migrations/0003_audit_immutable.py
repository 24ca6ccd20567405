"""The database itself refuses to change audit entries.

PostgreSQL: a trigger raises on UPDATE and DELETE (TRUNCATE, an administrator's tool, stays
possible). SQLite: a trigger raises on UPDATE; DELETE stays possible only because SQLite has
no TRUNCATE and the test database is emptied with DELETE — the model refuses deletes anyway.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION gongjiang_audit_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are immutable';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditentry_immutable
    BEFORE UPDATE OR DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION gongjiang_audit_immutable();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS accounts_auditentry_immutable ON accounts_auditentry;
DROP FUNCTION IF EXISTS gongjiang_audit_immutable();
"""
SQLITE_FORWARD = """
CREATE TRIGGER accounts_auditentry_no_update BEFORE UPDATE ON accounts_auditentry
BEGIN
    SELECT RAISE(ABORT, 'audit entries are immutable');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS accounts_auditentry_no_update;"


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
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(forward, backward)]
