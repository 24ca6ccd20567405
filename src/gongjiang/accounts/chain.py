"""The audit log's hash chain: each entry holds the hash of the entry before it.

``hash = SHA-256(prev_hash + "\\n" + canonical(entry))``, the entries taken in id order, the
first with an empty ``prev_hash``. Changing an entry changes its hash; removing one breaks the
link of the next; a row slipped in by raw SQL does not follow its predecessor. ``verify``
walks the chain and names the first broken link (``manage.py verify_audit``).

Writers must not fork the chain: ``seal`` is called inside the transaction that inserts the
entries, right before the insert. On PostgreSQL it takes a transaction-level advisory lock
(``HEAD_FUNCTION``, one query), so the next writer waits until this transaction has committed
and then reads the new head; on SQLite the write lock of the IMMEDIATE transaction already
serialises writers. Either way one query per entry written. Ids are drawn while the chain is
held, so id order is chain order.

``canonical`` is part of the stored data: change it and every chain written before breaks.

What the chain cannot show by itself: whoever can insert rows and compute SHA-256 can append
a well-formed forgery, and the last entries can be cut off without a trace. ``verify`` prints
the head (id and hash); writing it down elsewhere (the backup log) anchors everything before it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connections

TABLE = "accounts_auditentry"
# The content that the hash covers, in this order (the id and the hashes themselves excepted).
FIELDS = (
    "at",
    "actor_id",
    "actor_username",
    "ip_address",
    "via",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "model_worker_id",
    "organisation_id",
    "changes",
    "detail",
)
# pg_advisory_xact_lock key: "gjaudit" in ASCII, so it cannot collide with another lock by chance.
LOCK_KEY = 0x676A6175646974
# PostgreSQL: take the lock, then read the head, in one call. Each statement of a PL/pgSQL
# function takes a new snapshot, so the head is read after the lock is held (and the previous
# holder has committed); a single SQL statement would read the head as it was before the wait.
HEAD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION gongjiang_audit_chain_head() RETURNS varchar AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    RETURN (SELECT hash FROM {TABLE} ORDER BY id DESC LIMIT 1);
END;
$$ LANGUAGE plpgsql VOLATILE
"""  # noqa: S608 (constants)


def _stored(value: Any) -> Any:
    """A JSON value as PostgreSQL's jsonb gives it back: a float written 1e+16 returns as the
    integer 10000000000000000, and -0.0 as 0.0 (SQLite returns the text as it was written)."""
    if isinstance(value, float):
        if value == 0:
            return 0.0
        if value.is_integer() and abs(value) >= 1e16:
            return int(value)
        return value
    if isinstance(value, dict):
        return {k: _stored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stored(v) for v in value]
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _address(value: Any) -> str | None:
    if value in (None, ""):
        return None
    try:
        return ipaddress.ip_address(str(value)).packed.hex()  # one form, whatever the notation
    except ValueError:
        return str(value)


def _time(value: Any) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(row: Mapping[str, Any]) -> str:
    """The entry's content as one line of JSON, the same whichever database stored it."""
    values = []
    for name in FIELDS:
        value = row.get(name)
        if name == "at":
            value = _time(value)
        elif name == "ip_address":
            value = _address(value)
        elif name in ("actor_id", "model_worker_id", "organisation_id"):
            value = None if value is None else int(value)
        elif name in ("changes", "detail"):
            # As the database will hold it: keys text, tuples lists (one C round trip).
            value = json.loads(json.dumps(value if value is not None else {}, ensure_ascii=False, default=str))
        else:
            value = "" if value is None else str(value)
        values.append(value)
    text = _dumps(values)
    if "e+" in text or "-0.0" in text:  # the rare values jsonb gives back otherwise (_stored)
        text = _dumps(_stored(values))
    return text


def link(prev_hash: str, row: Mapping[str, Any]) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical(row)}".encode()).hexdigest()


class _Attrs(Mapping):
    """An AuditEntry read as a mapping of its columns."""

    def __init__(self, obj):
        self.obj = obj

    def __getitem__(self, key):
        return getattr(self.obj, key)

    def __iter__(self) -> Iterator[str]:
        return iter(FIELDS)

    def __len__(self) -> int:
        return len(FIELDS)


def seal(rows: list, *, using: str = "default") -> None:
    """Set ``prev_hash`` and ``hash`` on each row (dicts or AuditEntry objects, in the order
    they will be inserted). Must run inside the transaction that inserts them."""
    if not rows:
        return
    conn = connections[using]
    if not conn.in_atomic_block:
        raise RuntimeError("seal() must run inside the transaction that writes the entries")
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            cur.execute("SELECT gongjiang_audit_chain_head()")
        else:
            cur.execute(f"SELECT hash FROM {TABLE} ORDER BY id DESC LIMIT 1")  # noqa: S608 (a constant)
        found = cur.fetchone()
    prev = (found[0] if found else "") or ""
    for row in rows:
        if isinstance(row, Mapping):
            row["prev_hash"], row["hash"] = prev, link(prev, row)
            prev = row["hash"]
        else:
            row.prev_hash, row.hash = prev, link(prev, _Attrs(row))
            prev = row.hash


@dataclass
class Verdict:
    count: int
    head_id: int | None = None
    head_hash: str = ""
    broken_id: int | None = None
    broken_at: dt.datetime | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify(*, batch: int = 5000, using: str = "default") -> Verdict:
    """Walk the chain in id order, ``batch`` entries at a time; stop at the first broken link."""
    # Inside: a cycle (accounts.models imports this module for its bulk_create).
    from gongjiang.accounts.models import AuditEntry  # noqa: PLC0415

    columns = ["id", *FIELDS, "prev_hash", "hash"]
    prev, after, count = "", 0, 0
    verdict = Verdict(count=0)
    while True:
        rows = list(AuditEntry.objects.using(using).filter(id__gt=after).order_by("id").values(*columns)[:batch])
        if not rows:
            break
        for row in rows:
            if row["prev_hash"] != prev:
                reason = "link"  # an entry before it was removed, changed or slipped in
            elif row["hash"] != link(prev, row):
                reason = "content"  # this entry was changed
            else:
                reason = ""
            if reason:
                verdict.broken_id, verdict.broken_at, verdict.reason = row["id"], row["at"], reason
                verdict.count = count
                return verdict
            prev, count = row["hash"], count + 1
            verdict.head_id, verdict.head_hash = row["id"], row["hash"]
        after = rows[-1]["id"]
    verdict.count = count
    return verdict
