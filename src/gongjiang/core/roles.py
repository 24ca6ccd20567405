"""Two PostgreSQL roles: the owner, who migrates, and the application, which owns nothing.

The application's role (the user of ``DATABASE_URL``) may read and write the ordinary
tables, but on the append-only tables (``core.append_only``) it may only SELECT and INSERT:
no UPDATE, DELETE or TRUNCATE, and — owning nothing — it cannot drop or disable a trigger.
The owner's role (``DATABASE_OWNER_URL``, given only to the release step) runs ``migrate``,
which then grants the application exactly this (``grant_app_role``).

SQLite has no roles: the file's owner is the application, and the triggers are all it has.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.db import connections

from gongjiang.core import append_only


class RoleError(Exception):
    pass


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_statements(cur, role: str) -> list[str]:
    """The grants that give ``role`` what the application needs, and no more (run as owner)."""

    cur.execute("SELECT current_schema()")
    schema = _ident(cur.fetchone()[0])
    who = _ident(role)
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {who}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {who}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",  # setval: bulk loads
    ]
    statements += [f"REVOKE UPDATE, DELETE ON {_ident(t)} FROM {who}" for t in append_only.tables()]
    return statements


def check_app_role(cur, role: str, owner: str) -> None:
    """Refuse a role that could undo the guards: a superuser, a member of the owner, an owner."""
    cur.execute("SELECT rolsuper, pg_has_role(%s, %s, 'MEMBER') FROM pg_roles WHERE rolname = %s", [role, owner, role])
    found = cur.fetchone()
    if found is None:
        raise RoleError(f"the application's role {role} does not exist; create it first (README, Production)")
    superuser, member = found
    if superuser or member:
        raise RoleError(f"the application's role {role} must not be a superuser nor a member of {owner}")
    cur.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
        "WHERE r.rolname = %s AND c.relpersistence <> 't'",
        [role],
    )
    if cur.fetchone()[0]:
        raise RoleError(f"the application's role {role} owns tables; run REASSIGN OWNED BY {role} TO {owner}")


def grant_app_role(cur, role: str, owner: str) -> None:
    check_app_role(cur, role, owner)
    for sql in grant_statements(cur, role):
        cur.execute(sql)


def owner_settings(alias: str = "default") -> dict | None:
    """The owner's connection settings for ``alias``, or None when one role does everything."""
    owner = getattr(settings, "DATABASE_OWNER", None)
    if not owner or alias != "default":
        return None
    app = connections[alias].settings_dict
    if app["ENGINE"] != owner["ENGINE"] or app["NAME"] != owner["NAME"]:
        raise RoleError("DATABASE_OWNER_URL must name the same database as DATABASE_URL")
    if owner["USER"] == app["USER"]:
        return None
    return owner


@contextmanager
def as_owner(alias: str = "default"):
    """Connect ``alias`` as the owner for the duration (migrations, the cache table, grants);
    yields the application's role name, or None when there is no separate owner."""
    owner = owner_settings(alias)
    if owner is None:
        yield None
        return
    conn = connections[alias]
    saved = dict(conn.settings_dict)
    conn.close()
    conn.settings_dict.update({k: owner[k] for k in ("USER", "PASSWORD", "HOST", "PORT") if k in owner})
    try:
        yield saved["USER"]
    finally:
        conn.close()
        conn.settings_dict.clear()
        conn.settings_dict.update(saved)
