"""Writing the demo's people in bulk: COPY (PostgreSQL) or executemany (SQLite) into bare
tables, indexes and constraints rebuilt once, sequences moved on, statistics refreshed.

Beside ``core.bulk`` on purpose: a load into an empty archive may drop and rebuild every index
and foreign key, which a write into a live table (``core.bulk.insert``) must never do.
"""

from __future__ import annotations

from django.db import connection, transaction

from gongjiang.archive.models import FamilyMember, HardshipFile, HardshipSpell, Honour, ModelWorker

WORKER_COLUMNS = [
    "id",
    "name",
    "name_pinyin",
    "name_initials",
    "sex",
    "ethnicity",
    "birth_date",
    "id_number",
    "id_last4",
    "political_affiliation",
    "education",
    "employer_id",
    "position",
    "title_or_grade",
    "front_line",
    "union_id",
    "phone",
    "address",
    "status",
    "retired_on",
    "died_on",
    "photo",
    "deeds",
    "remarks",
    "highest_level",
    "in_hardship",
    "archived_at",
    "archive_reason",
    "created_at",
    "updated_at",
    "version",
]
HONOUR_COLUMNS = [
    "id",
    "model_worker_id",
    "title",
    "kind",
    "level",
    "awarding_body",
    "year",
    "document_number",
    "revoked_on",
    "revocation_reason",
    "voided_at",
    "void_reason",
    "remarks",
    "created_at",
    "updated_at",
]
HARDSHIP_COLUMNS = [
    "model_worker_id",
    "is_active",
    "category",
    "established_on",
    "ended_on",
    "end_reason",
    "health",
    "serious_illness",
    "monthly_income",
    "family_monthly_income",
    "family_size",
    "housing",
    "housing_area",
    "housing_note",
    "needs_and_wishes",
    "remarks",
    "updated_at",
]
SPELL_COLUMNS = ["model_worker_id", "entered_on", "entry_reason", "left_on", "exit_reason", "created_at", "updated_at"]
FAMILY_COLUMNS = [
    "model_worker_id",
    "relation",
    "name",
    "birth_date",
    "employment",
    "health",
    "monthly_income",
    "phone",
    "remarks",
    "removed_at",
    "removed_reason",
    "created_at",
]


def bulk_insert(workers, honours, hardships, families) -> None:
    # Each file's time in hardship, from its opening (and closing): the counts "as of" a date read it.
    at = HARDSHIP_COLUMNS.index
    spells = [
        (
            row[at("model_worker_id")],
            row[at("established_on")],
            "建档认定",
            row[at("ended_on")],
            row[at("end_reason")],
            row[at("updated_at")],
            row[at("updated_at")],
        )
        for row in hardships
    ]
    tables = [
        (ModelWorker, WORKER_COLUMNS, workers),
        (Honour, HONOUR_COLUMNS, honours),
        (HardshipFile, HARDSHIP_COLUMNS, hardships),
        (HardshipSpell, SPELL_COLUMNS, spells),
        (FamilyMember, FAMILY_COLUMNS, families),
    ]
    names = [m._meta.db_table for m, _c, _r in tables]
    big = len(workers) >= 50_000
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            _load_postgresql(cur, tables, names, big)
        else:
            _load_sqlite(tables, names, big)
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA analysis_limit=2000")  # sampled statistics are enough for the planner
        for table in names:
            cur.execute(f"ANALYZE {table}")


def _load_postgresql(cur, tables, names, big: bool) -> None:
    """Binary COPY into bare tables; indexes and constraints rebuilt once, in bulk.

    Row by row, every foreign key queues a trigger event and every index takes a random
    insert; rebuilding them after the load checks and sorts each once.
    """
    rebuild: list[str] = []
    if big:
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype IN ('f', 'u') AND conrelid::regclass::text = ANY(%s)",
            [names],
        )
        for table, name, definition in cur.fetchall():
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT LIKE '%%_pkey'",
            [names],
        )
        indexes = cur.fetchall()
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        rebuild = [d for _n, d in indexes] + rebuild
    raw = cur.cursor
    for model, columns, rows in tables:
        types = [
            _pg_type(model._meta.get_field(c.removesuffix("_id") if c.endswith("_id") and c != "id" else c))
            for c in columns
        ]
        with raw.copy(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)
    cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for statement in rebuild:
        cur.execute(statement)
    for model in (ModelWorker, Honour):
        table = model._meta.db_table
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")


def _pg_type(field) -> str:
    db_type = field.target_field.db_type(connection) if field.is_relation else field.db_type(connection)
    base = db_type.split("(")[0].strip().lower()
    return {
        "timestamp with time zone": "timestamptz",
        "boolean": "bool",
        "smallint": "int2",
        "integer": "int4",
        "bigint": "int8",
        "character varying": "varchar",
    }.get(base, base)


def _load_sqlite(tables, names, big: bool) -> None:
    raw = connection.connection
    indexes = []
    if big:
        marks = ", ".join("?" * len(names))
        indexes = raw.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
            names,
        ).fetchall()
        for name, _sql in indexes:
            raw.execute(f'DROP INDEX "{name}"')
    raw.execute("PRAGMA cache_size=-500000")
    for model, columns, rows in tables:
        # The driver's own executemany, with dates already text: no per-value adapters.
        sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        for start in range(0, len(rows), 50_000):
            raw.executemany(sql, rows[start : start + 50_000])
    for _name, sql in indexes:
        raw.execute(sql)
    raw.execute("PRAGMA cache_size=-64000")
