"""Counters that hold across processes: kept in the shared cache (``settings.CACHES``), each
read-modify-write serialised so that two processes cannot both read the old value.

The database cache reads and writes a key in separate statements; on PostgreSQL an advisory
lock on the key, on SQLite the IMMEDIATE transaction's write lock makes the pair atomic.
Other caches (Redis, local memory in a single process) are used as they are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections, transaction

DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


@contextmanager
def serialised(key: str) -> Iterator[None]:
    if settings.CACHES["default"]["BACKEND"] != DATABASE_CACHE:
        yield
        return
    conn = connections["default"]
    if conn.vendor == "postgresql":
        lock = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [lock])
        try:
            yield
        finally:
            with conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s)", [lock])
    else:
        with transaction.atomic():
            yield
