"""PostgreSQL: the application runs as a role that owns nothing. ``manage.py migrate`` (as the
owner) grants it what it needs; connected as that role, nothing can change or remove a row of
the append-only tables or take their triggers away."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import errors

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.postgres


def url(settings_dict, user, password) -> str:
    return f"postgres://{user}:{password}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"


def owner_connect():
    s = connection.settings_dict
    return psycopg.connect(url(s, s["USER"], s["PASSWORD"]), autocommit=True)


@pytest.fixture
def app_role(db):
    """A fresh login role, no privileges; dropped (with its grants) afterwards."""
    name, password = f"gj_app_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    with owner_connect() as conn:
        conn.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'")
    yield name, password
    with owner_connect() as conn:
        conn.execute(f'DROP OWNED BY "{name}"')
        conn.execute(f'DROP ROLE "{name}"')


def run_migrate_as_owner(role, password) -> subprocess.CompletedProcess:
    """The release step: DATABASE_URL is the application's role, DATABASE_OWNER_URL the owner."""
    s = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": url(s, role, password),
        "DATABASE_OWNER_URL": url(s, s["USER"], s["PASSWORD"]),
        "TESTING": "1",
        "SECRET_KEY": "test-only-" + "k" * 50,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def refused(conn, sql: str) -> type[Exception]:
    with pytest.raises(psycopg.Error) as e, conn.transaction():
        conn.execute(sql)
    return type(e.value)


def test_the_application_role_can_only_read_and_append_to_the_audit_log_and_the_ledgers(app_role):
    role, password = app_role
    done = run_migrate_as_owner(role, password)
    assert done.returncode == 0, done.stderr
    assert f"Granted the application's role {role} its privileges." in done.stdout
    s = connection.settings_dict
    with psycopg.connect(url(s, role, password)) as app:  # one transaction, rolled back at the end
        app.execute(
            "INSERT INTO accounts_auditentry (at, actor_username, via, action, object_type, object_id, object_repr, "
            "changes, detail, prev_hash, hash) VALUES (now(), 'x', 'web', 'export', '', '', 'x', '{}', '{}', '', '')"
        )
        assert app.execute("SELECT count(*) FROM accounts_auditentry WHERE object_repr = 'x'").fetchone() == (1,)
        for table in ("accounts_auditentry", "benefits_ledgerentry", "platform_disbursement"):
            for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}", f"TRUNCATE {table}"):  # noqa: S608
                assert refused(app, sql) is errors.InsufficientPrivilege, sql
            for sql in (
                f"DROP TRIGGER {table}_append_only ON {table}",
                f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only",
                f"ALTER TABLE {table} DISABLE TRIGGER ALL",
                f"DROP TABLE {table}",
            ):
                assert refused(app, sql) is errors.InsufficientPrivilege, sql  # "must be owner"
        # Everything else it may change as the application does.
        app.execute("UPDATE accounts_user SET large_text = large_text")
        app.execute("DELETE FROM django_session WHERE expire_date < now() - interval '100 years'")
        assert refused(app, "CREATE TABLE gj_mine (id int)") is errors.InsufficientPrivilege
        app.rollback()


def test_migrate_refuses_an_application_role_that_owns_tables(app_role):
    role, password = app_role
    with owner_connect() as conn:
        conn.execute(f'ALTER TABLE django_session OWNER TO "{role}"')
    try:
        done = run_migrate_as_owner(role, password)
        assert done.returncode != 0
        assert f"the application's role {role} owns tables" in done.stderr
    finally:
        with owner_connect() as conn:
            conn.execute(f'ALTER TABLE django_session OWNER TO "{connection.settings_dict["USER"]}"')
