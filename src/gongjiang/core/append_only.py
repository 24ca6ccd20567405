"""Tables whose rows are written once and never changed or deleted.

The audit log, the treatment ledger and the platform's disbursements account for themselves:
a mistake is corrected by a new row (a reversing entry), never by rewriting an old one. The
guard is written once, here, for all of them:

* ``AppendOnlyModel`` — the ORM refuses ``save()`` of an existing row, ``delete()``, and every
  queryset path that changes rows (``update``, ``delete``, ``_raw_delete``, ``bulk_update``,
  upserts), including cascades from a deleted parent (the base manager is the guarded one);
* ``AppendOnly`` — a migration operation that makes the database refuse them too: row
  triggers on UPDATE and DELETE, and on PostgreSQL a statement trigger on TRUNCATE.

On PostgreSQL the database role of the application owns nothing and has no UPDATE, DELETE or
TRUNCATE privilege on these tables (``gongjiang.core.roles``), so it can neither change rows
nor drop the triggers. On SQLite whoever can write the file can do anything; the triggers stop
the application, and the audit log's hash chain shows what happened behind its back.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.migrations.operations.base import Operation

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION gongjiang_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: rows are never changed or deleted', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql
"""


def trigger_names(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"{table}_append_only", f"{table}_no_truncate"]
    return [f"{table}_no_update", f"{table}_no_delete"]


def install_sql(vendor: str, table: str) -> list[str]:
    """The statements that make ``table`` append-only in the database."""
    if vendor == "postgresql":
        rows, truncate = trigger_names(vendor, table)
        return [
            PG_FUNCTION,
            f"DROP TRIGGER IF EXISTS {rows} ON {table}",
            f"DROP TRIGGER IF EXISTS {truncate} ON {table}",
            f"CREATE TRIGGER {rows} BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION gongjiang_append_only()",
            f"CREATE TRIGGER {truncate} BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION gongjiang_append_only()",
        ]
    if vendor == "sqlite":
        update, delete = trigger_names(vendor, table)
        message = f"{table} is append-only: rows are never changed or deleted"
        return [
            f"DROP TRIGGER IF EXISTS {update}",
            f"DROP TRIGGER IF EXISTS {delete}",
            f"CREATE TRIGGER {update} BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END",
            f"CREATE TRIGGER {delete} BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END",
        ]
    return []


def remove_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name in trigger_names(vendor, table)]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in trigger_names(vendor, table)]
    return []


def tables() -> list[str]:
    """The append-only tables of the installed apps."""
    return sorted(m._meta.db_table for m in apps.get_models() if issubclass(m, AppendOnlyModel))


class AppendOnly(Operation):
    """Migration operation: the database refuses UPDATE and DELETE (and TRUNCATE) on a model's table."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def deconstruct(self):
        return self.__class__.__qualname__, [self.model_name], {}

    def state_forwards(self, app_label, state):
        pass  # the schema is unchanged: only triggers

    def _run(self, statements, schema_editor) -> None:
        for sql in statements:
            schema_editor.execute(sql, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        table = to_state.apps.get_model(app_label, self.model_name)._meta.db_table
        self._run(install_sql(schema_editor.connection.vendor, table), schema_editor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        table = from_state.apps.get_model(app_label, self.model_name)._meta.db_table
        self._run(remove_sql(schema_editor.connection.vendor, table), schema_editor)

    def describe(self):
        return f"Make {self.model_name} append-only in the database"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name}_append_only"


class AppendOnlyQuerySet(models.QuerySet):
    def _refuse(self, *args, **kwargs):
        raise PermissionDenied(self.model.APPEND_ONLY_MESSAGE)

    update = _update = delete = _raw_delete = bulk_update = update_or_create = _refuse

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        if update_conflicts:
            self._refuse()
        return super().bulk_create(objs, *args, update_conflicts=update_conflicts, **kwargs)


class AppendOnlyModel(models.Model):
    """Base of every append-only model; subclasses' ``Meta`` inherits ``AppendOnlyModel.Meta``
    so that cascades and related lookups go through the guarded manager too."""

    APPEND_ONLY_MESSAGE = "these rows are never changed or deleted"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied(self.APPEND_ONLY_MESSAGE)
        # A new row is an INSERT, even with its primary key set (Django would try UPDATE first).
        kwargs.setdefault("force_insert", True)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(self.APPEND_ONLY_MESSAGE)
