"""make bench: build demo datasets and measure what the issues name, on SQLite and PostgreSQL.

    python bench/run.py --sizes 1000 100000 1000000 --db sqlite postgres

For each database and size a fresh database is built with `manage.py demo --size N` (its
speed is measured: people per second), then each page is requested through Django's test
client in-process, logged in as the federation admin, and the server time (request in,
response out, templates rendered) is taken over repeated requests: p50 and p95.
PostgreSQL is reached at BENCH_PG_URL (default postgres://gongjiang:gongjiang@127.0.0.1:5432/).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
PG_BASE = os.environ.get("BENCH_PG_URL", "postgres://gongjiang:gongjiang@127.0.0.1:5432/")

# (key, label, goal in ms on PostgreSQL at 1,000,000 and on SQLite at 100,000)
PAGES = [
    ("list", "list, first page", 100),
    ("name", "name search", 100),
    ("pinyin", "pinyin-initials search", 100),
    ("filter", "level + status filter", 100),
    ("profile", "profile page", 100),
    ("dashboard", "dashboard", 300),
    ("dashboard_past", "dashboard as of 2015-01-01", None),
]
DEMO_GOAL = 20_000


def database_url(db: str, size: int) -> str:
    if db == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{OUT / f'bench-{size}.sqlite3'}"
    return f"{PG_BASE}gongjiang_bench_{size}"


def fresh_database(db: str, size: int) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            path = OUT / f"bench-{size}.sqlite3{suffix}"
            if path.exists():
                path.unlink()
        return
    import psycopg

    with psycopg.connect(f"{PG_BASE}postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS gongjiang_bench_{size}")
        conn.execute(f"CREATE DATABASE gongjiang_bench_{size}")


def run_one(db: str, size: int, repeat: int) -> dict:
    fresh_database(db, size)
    env = {**os.environ, "DATABASE_URL": database_url(db, size), "LOG_LEVEL": "ERROR"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "measure.py"), "--size", str(size), "--repeat", str(repeat)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        print(proc.stdout[-2000:], proc.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"benchmark failed for {db} at {size}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def goal_applies(db: str, size: int) -> bool:
    return (db == "postgres" and size >= 1_000_000) or (db == "sqlite" and size == 100_000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="+", type=int, default=[1000, 100_000, 1_000_000])
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    results = []
    for db in args.db:
        for size in args.sizes:
            print(f"… {db} {size:,} people", file=sys.stderr, flush=True)
            results.append((db, size, run_one(db, size, args.repeat)))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps([{"db": d, "size": s, **r} for d, s, r in results], indent=2))
    print()
    print("Server time per page, ms (p50 / p95); ✓/✗ against the goal on PostgreSQL at 1,000,000 and SQLite at 100,000")
    width = 19
    print(f"| {'':<30} |" + "".join(f" {d + ' ' + format(s, ','):>{width}} |" for d, s, _ in results))
    print(f"|{'-' * 32}|" + "".join(f"{'-' * (width + 2)}|" for _ in results))
    for key, label, goal in PAGES:
        cells = []
        for db, size, r in results:
            p50, p95 = r["pages"][key]
            mark = ("✓" if p95 <= goal else "✗") if goal and goal_applies(db, size) else " "
            cells.append(f" {f'{p50:.1f} / {p95:.1f} {mark}':>{width}} |")
        print(f"| {label + (f' (≤{goal} ms)' if goal else ''):<30} |" + "".join(cells))
    cells = []
    for _db, _size, r in results:
        rate = r["demo_rate"]
        cells.append(f" {f'{rate:,.0f}/s ' + ('✓' if rate >= DEMO_GOAL else '✗'):>{width}} |")
    print(f"| {'demo generation (≥20,000/s)':<30} |" + "".join(cells))
    print("\nQueries per page (the same at every size):")
    for key, label, _goal in PAGES:
        print(f"  {label}: " + ", ".join(f"{db} {size:,}: {r['queries'][key]}" for db, size, r in results))


if __name__ == "__main__":
    main()
