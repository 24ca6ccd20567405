"""Writing many rows fast: binary COPY on PostgreSQL, the driver's executemany on SQLite.

Django's bulk_create prepares every value of every row through the field API, which costs
more than the database does at a hundred thousand rows. Here each column gets one converter,
chosen once from its field, and rows go to the driver as plain tuples. Used by the roster
import, batch generation and the audit log (the demo's load into an empty archive has its own,
``demo.loading``); the caller gives complete rows (no model defaults are applied).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from django.db import connection, models
from psycopg.types.json import Jsonb

CHUNK = 50_000


def _converter(field: models.Field) -> Callable:
    vendor = connection.vendor
    if isinstance(field, models.FileField):
        return lambda v: (v.name or "") if hasattr(v, "name") else (v or "")
    if isinstance(field, models.JSONField):
        if vendor == "postgresql":
            return lambda v: None if v is None else Jsonb(v)
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
    if isinstance(field, models.DateTimeField):
        adapt = connection.ops.adapt_datetimefield_value
        return lambda v: None if v is None else adapt(v)
    if isinstance(field, models.DateField):
        if vendor == "sqlite":
            return lambda v: None if v is None else v.isoformat()
        return _same
    if isinstance(field, models.DecimalField) and vendor == "sqlite":
        return lambda v: None if v is None else str(v)
    if isinstance(field, models.DecimalField):
        return lambda v: None if v is None else Decimal(v)
    return _same


def _same(value):
    return value


def _convert(row: Sequence, converters: list[tuple[int, Callable]]) -> Sequence:
    if not converters:
        return tuple(row)
    out = list(row)
    for i, c in converters:
        out[i] = c(out[i])
    return out


def _pg_type(field: models.Field) -> str:
    target = field.target_field if field.is_relation else field
    db_type = target.db_type(connection) if target is not field else field.db_type(connection)
    if isinstance(field, models.JSONField):
        return "jsonb"
    base = db_type.split("(")[0].strip().lower()
    return {
        "timestamp with time zone": "timestamptz",
        "boolean": "bool",
        "smallint": "int2",
        "integer": "int4",
        "bigint": "int8",
        "character varying": "varchar",
        "serial": "int4",
        "bigserial": "int8",
    }.get(base, base)


def columns_of(model: type[models.Model], names: Sequence[str]) -> list[models.Field]:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    fields.update({f.name: f for f in model._meta.concrete_fields})
    return [fields[n] for n in names]


def insert(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence], *, convert: bool = True) -> int:
    """Insert ``rows`` (tuples in the order of ``names``, attribute names) into ``model``'s table.

    Must run inside the caller's transaction. Returns the number of rows written.
    """
    fields = columns_of(model, names)
    table = model._meta.db_table
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    # Most columns go to the driver as they are; only the others pay for a conversion.
    converters = [(i, c) for i, c in enumerate(_converter(f) for f in fields) if c is not _same] if convert else []
    n = 0
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        types = [_pg_type(f) for f in fields]
        with (
            connection.connection.cursor() as cur,
            cur.copy(f"COPY {table} ({cols}) FROM STDIN (FORMAT BINARY)") as copy,
        ):
            copy.set_types(types)
            for row in rows:
                copy.write_row(_convert(row, converters))
                n += 1
        return n
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(fields))})"  # noqa: S608 (model metadata)
    raw = connection.connection
    batch = []
    for row in rows:
        batch.append(_convert(row, converters))
        if len(batch) >= CHUNK:
            raw.executemany(sql, batch)
            n += len(batch)
            batch = []
    if batch:
        raw.executemany(sql, batch)
        n += len(batch)
    return n


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for ``count`` new rows, safe against concurrent writers.

    PostgreSQL draws them from the table's sequence; SQLite, whose writers are serialised by
    the transaction's write lock (IMMEDIATE), continues after the largest id.
    """
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            sql = f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)"  # noqa: S608
            cur.execute(sql, [count])
            return [r[0] for r in cur.fetchall()]
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (a model's own table name)
        start = cur.fetchone()[0] + 1
    return list(range(start, start + count))


def insert_objects(model: type[models.Model], objs: Sequence[models.Model]) -> int:
    """Insert unsaved instances whose primary keys are set (see ``reserve_ids``), every column."""
    names = [f.attname for f in model._meta.concrete_fields]
    return insert(model, names, ([getattr(o, n) for n in names] for o in objs))
