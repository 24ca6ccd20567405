"""The audit log's hash chain: each entry holds the hash of the entry before it.

``hash = SHA-256(prev_hash + "\\n" + canonical(entry))``, the entries taken in id order, the
first with an empty ``prev_hash``. Changing an entry changes its hash; removing one breaks the
link of the next; a row slipped in by raw SQL does not follow its predecessor. ``verify``
walks the chain and names the first broken link (``manage.py verify_audit``).

Writers must not fork the chain: ``seal`` is called inside the transaction that inserts the
entries, right before the insert. On PostgreSQL it takes a transaction-level advisory lock,
so the next writer waits until this transaction has committed and then reads the new head;
on SQLite the write lock of the IMMEDIATE transaction already serialises writers. Ids are
drawn while the chain is held, so id order is chain order.

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
from decimal import Decimal
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


def _json(value: Any) -> str:
    """JSON text that reads the same whichever database stored the value: keys sorted, numbers
    in one notation (PostgreSQL's jsonb may write 1e+16 as 10000000000000000)."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float | Decimal):
        text = format(Decimal(str(value)).normalize(), "f")
        return text if text not in ("-0",) else "0"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        items = sorted((str(k), v) for k, v in value.items())
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_json(v)}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_json(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


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
    out = []
    for name in FIELDS:
        value = row.get(name)
        if name == "at":
            out.append(_time(value))
        elif name == "ip_address":
            out.append(_json(_address(value)))
        elif name in ("actor_id", "model_worker_id", "organisation_id"):
            out.append(_json(None if value is None else int(value)))
        elif name in ("changes", "detail"):
            out.append(_json(value if value is not None else {}))
        else:
            out.append(_json("" if value is None else str(value)))
    return "[" + ",".join(out) + "]"


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
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cur.execute(f"SELECT hash FROM {TABLE} ORDER BY id DESC LIMIT 1")  # noqa: S608 (a constant)
        found = cur.fetchone()
    prev = found[0] if found else ""
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
    from gongjiang.accounts.models import AuditEntry

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
