"""Database triggers that keep the dashboard's counters (PersonCell, HonourCell) right.

PostgreSQL uses statement-level triggers with transition tables, so a COPY of a million rows
updates the counters with one grouped statement; the deltas are applied in key order, so
concurrent writers lock counter rows in the same order and cannot deadlock. SQLite, which has
row-level triggers only, adds or subtracts one per row.

People and honours are never deleted (archived, revoked, voided instead; the foreign keys
PROTECT them), so there are no delete triggers: a manual deletion is followed by
`manage.py rebuild_stats`.

The cells' ``archived`` key means "not counted": an archived record, or one the federation has
not verified (a union's submission waiting to be checked counts nowhere until confirmed).
"""

from django.db import connection, transaction

PERSON_KEY = "highest_level, status, union_id, in_hardship, archived"
HONOUR_KEY = "year, level, kind, union_id, archived"


def _off(row: str) -> str:
    """The SQL for "this person is not counted", of a row (``""``, ``"p."``, ``"OLD."``)."""
    return f"({row}archived_at IS NOT NULL OR {row}verification <> 'confirmed')"


def _off_before_verification(row: str) -> str:
    # Migration reports 0002 installs the triggers before archive 0003 adds ``verification``.
    return f"({row}archived_at IS NOT NULL)"


def _statements(off) -> tuple[str, list[str], list[str]]:
    """(PostgreSQL install script, SQLite install statements, rebuild statements)."""
    pg = f"""
CREATE OR REPLACE FUNCTION gj_person_cells_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO reports_personcell ({PERSON_KEY}, n)
    SELECT highest_level, status, union_id, in_hardship, {off("")}, count(*)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ({PERSON_KEY}) DO UPDATE SET n = reports_personcell.n + EXCLUDED.n;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION gj_person_cells_update() RETURNS trigger AS $$
BEGIN
    INSERT INTO reports_personcell ({PERSON_KEY}, n)
    SELECT hl, st, un, hs, ar, sum(d) FROM (
        SELECT highest_level hl, status st, union_id un, in_hardship hs, {off("")} ar, -1 d
        FROM old_rows
        UNION ALL
        SELECT highest_level, status, union_id, in_hardship, {off("")}, 1 FROM new_rows
    ) delta GROUP BY 1, 2, 3, 4, 5 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ({PERSON_KEY}) DO UPDATE SET n = reports_personcell.n + EXCLUDED.n;
    -- A person's honours are counted under their union and counted flag: move them along.
    INSERT INTO reports_honourcell ({HONOUR_KEY}, n)
    SELECT yr, lv, kd, un, ar, sum(d) FROM (
        SELECT h.year yr, h.level lv, h.kind kd, o.union_id un, {off("o.")} ar, -1 d
        FROM old_rows o JOIN new_rows nw ON nw.id = o.id
        JOIN archive_honour h ON h.model_worker_id = o.id AND h.voided_at IS NULL
        WHERE o.union_id <> nw.union_id OR {off("o.")} <> {off("nw.")}
        UNION ALL
        SELECT h.year, h.level, h.kind, nw.union_id, {off("nw.")}, 1
        FROM old_rows o JOIN new_rows nw ON nw.id = o.id
        JOIN archive_honour h ON h.model_worker_id = nw.id AND h.voided_at IS NULL
        WHERE o.union_id <> nw.union_id OR {off("o.")} <> {off("nw.")}
    ) delta GROUP BY 1, 2, 3, 4, 5 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ({HONOUR_KEY}) DO UPDATE SET n = reports_honourcell.n + EXCLUDED.n;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION gj_honour_cells_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO reports_honourcell ({HONOUR_KEY}, n)
    SELECT h.year, h.level, h.kind, p.union_id, {off("p.")}, count(*)
    FROM new_rows h JOIN archive_modelworker p ON p.id = h.model_worker_id
    WHERE h.voided_at IS NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ({HONOUR_KEY}) DO UPDATE SET n = reports_honourcell.n + EXCLUDED.n;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION gj_honour_cells_update() RETURNS trigger AS $$
BEGIN
    INSERT INTO reports_honourcell ({HONOUR_KEY}, n)
    SELECT yr, lv, kd, un, ar, sum(d) FROM (
        SELECT h.year yr, h.level lv, h.kind kd, p.union_id un, {off("p.")} ar, -1 d
        FROM old_rows h JOIN archive_modelworker p ON p.id = h.model_worker_id WHERE h.voided_at IS NULL
        UNION ALL
        SELECT h.year, h.level, h.kind, p.union_id, {off("p.")}, 1
        FROM new_rows h JOIN archive_modelworker p ON p.id = h.model_worker_id WHERE h.voided_at IS NULL
    ) delta GROUP BY 1, 2, 3, 4, 5 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ({HONOUR_KEY}) DO UPDATE SET n = reports_honourcell.n + EXCLUDED.n;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER gj_person_cells_insert AFTER INSERT ON archive_modelworker
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gj_person_cells_insert();
CREATE TRIGGER gj_person_cells_update AFTER UPDATE ON archive_modelworker
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gj_person_cells_update();
CREATE TRIGGER gj_honour_cells_insert AFTER INSERT ON archive_honour
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gj_honour_cells_insert();
CREATE TRIGGER gj_honour_cells_update AFTER UPDATE ON archive_honour
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gj_honour_cells_update();
"""

    def person(row: str, sign: str) -> str:
        return (
            f"INSERT INTO reports_personcell ({PERSON_KEY}, n) VALUES ({row}.highest_level, {row}.status, "
            f"{row}.union_id, {row}.in_hardship, {off(row + '.')}, {sign}1) "
            f"ON CONFLICT ({PERSON_KEY}) DO UPDATE SET n = n {sign} 1;"
        )

    def honour(row: str, sign: str) -> str:
        return (
            f"INSERT INTO reports_honourcell ({HONOUR_KEY}, n) SELECT {row}.year, {row}.level, {row}.kind, "
            f"p.union_id, {off('p.')}, {sign}1 FROM archive_modelworker p "
            f"WHERE p.id = {row}.model_worker_id AND {row}.voided_at IS NULL "
            f"ON CONFLICT ({HONOUR_KEY}) DO UPDATE SET n = n {sign} 1;"
        )

    def move(row: str, sign: str) -> str:
        return (
            f"INSERT INTO reports_honourcell ({HONOUR_KEY}, n) SELECT year, level, kind, {row}.union_id, "
            f"{off(row + '.')}, {sign}count(*) FROM archive_honour "
            f"WHERE model_worker_id = {row}.id AND voided_at IS NULL GROUP BY year, level, kind "
            f"ON CONFLICT ({HONOUR_KEY}) DO UPDATE SET n = n + excluded.n;"
        )

    watched = "archived_at" if off is _off_before_verification else "archived_at, verification"
    sqlite = [
        f"CREATE TRIGGER gj_person_cells_insert AFTER INSERT ON archive_modelworker BEGIN {person('NEW', '+')} END",
        f"CREATE TRIGGER gj_person_cells_update AFTER UPDATE OF highest_level, status, union_id, in_hardship, "
        f"{watched} ON archive_modelworker WHEN OLD.highest_level IS NOT NEW.highest_level "
        "OR OLD.status IS NOT NEW.status OR OLD.union_id IS NOT NEW.union_id OR OLD.in_hardship IS NOT NEW.in_hardship "
        f"OR {off('OLD.')} IS NOT {off('NEW.')} "
        f"BEGIN {person('OLD', '-')} {person('NEW', '+')} END",
        f"CREATE TRIGGER gj_person_honours_move AFTER UPDATE OF union_id, {watched} ON archive_modelworker "
        f"WHEN OLD.union_id IS NOT NEW.union_id OR {off('OLD.')} IS NOT {off('NEW.')} "
        f"BEGIN {move('OLD', '-')} {move('NEW', '')} END",
        f"CREATE TRIGGER gj_honour_cells_insert AFTER INSERT ON archive_honour BEGIN {honour('NEW', '+')} END",
        "CREATE TRIGGER gj_honour_cells_update AFTER UPDATE OF year, level, kind, voided_at, model_worker_id "
        f"ON archive_honour BEGIN {honour('OLD', '-')} {honour('NEW', '+')} END",
    ]
    rebuild = [
        "DELETE FROM reports_personcell",
        "DELETE FROM reports_honourcell",
        f"INSERT INTO reports_personcell ({PERSON_KEY}, n) SELECT highest_level, status, union_id, in_hardship, "
        f"{off('')}, count(*) FROM archive_modelworker GROUP BY 1, 2, 3, 4, 5",
        f"INSERT INTO reports_honourcell ({HONOUR_KEY}, n) SELECT h.year, h.level, h.kind, p.union_id, "
        f"{off('p.')}, count(*) FROM archive_honour h JOIN archive_modelworker p "
        "ON p.id = h.model_worker_id WHERE h.voided_at IS NULL GROUP BY 1, 2, 3, 4, 5",
    ]
    return pg, sqlite, rebuild


PG_INSTALL, SQLITE_INSTALL, REBUILD = _statements(_off)

PG_UNINSTALL = """
DROP TRIGGER IF EXISTS gj_person_cells_insert ON archive_modelworker;
DROP TRIGGER IF EXISTS gj_person_cells_update ON archive_modelworker;
DROP TRIGGER IF EXISTS gj_honour_cells_insert ON archive_honour;
DROP TRIGGER IF EXISTS gj_honour_cells_update ON archive_honour;
DROP FUNCTION IF EXISTS gj_person_cells_insert();
DROP FUNCTION IF EXISTS gj_person_cells_update();
DROP FUNCTION IF EXISTS gj_honour_cells_insert();
DROP FUNCTION IF EXISTS gj_honour_cells_update();
"""

SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "gj_person_cells_insert",
        "gj_person_cells_update",
        "gj_person_honours_move",
        "gj_honour_cells_insert",
        "gj_honour_cells_update",
    )
]


def _has_verification(conn) -> bool:
    with conn.cursor() as cur:
        if conn.vendor == "sqlite":
            cur.execute("PRAGMA table_info(archive_modelworker)")
            return any(row[1] == "verification" for row in cur.fetchall())
        cur.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'archive_modelworker' "
            "AND column_name = 'verification' AND table_schema = current_schema()"
        )
        return cur.fetchone() is not None


def install(schema_editor) -> None:
    """Install the triggers and fill the counters (the form of the archive's table decides
    which: the first install, in migration reports 0002, predates verification)."""
    conn = schema_editor.connection
    pg, sqlite, rebuild_sql = (
        (PG_INSTALL, SQLITE_INSTALL, REBUILD) if _has_verification(conn) else _statements(_off_before_verification)
    )
    if conn.vendor == "postgresql":
        schema_editor.execute(pg)
    elif conn.vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement)
    for statement in rebuild_sql:
        schema_editor.execute(statement)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UNINSTALL)
    elif vendor == "sqlite":
        for statement in SQLITE_UNINSTALL:
            schema_editor.execute(statement)


def rebuild() -> None:
    """Recompute every counter from the people and honours (after a manual repair)."""
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("LOCK TABLE archive_modelworker, archive_honour IN SHARE MODE")
        for statement in REBUILD:
            cur.execute(statement)
