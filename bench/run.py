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

import psycopg

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
    ("api_list", "API: model-workers list", 100),
    ("api_search", "API: pinyin search", 100),
    ("api_filter", "API: level filter, page 2", 100),
    ("api_detail", "API: one record", 100),
]
DEMO_GOAL = 20_000


def database_url(db: str, size: int) -> str:
    if db == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{OUT / f'bench-{size}.sqlite3'}"
    return f"{PG_BASE}gongjiang_bench_{size}"  # size 0: the scratch database of the roster runs


def fresh_database(db: str, size: int) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            path = OUT / f"bench-{size}.sqlite3{suffix}"
            if path.exists():
                path.unlink()
        return

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
    parser.add_argument("--skip-rosters", action="store_true", help="no roster import/export timings")
    parser.add_argument("--skip-benefits", action="store_true", help="no batch/report timings")
    parser.add_argument("--benefits-people", type=int, default=200_000)
    parser.add_argument("--benefits-months", type=int, default=50, help="months of ledger for the report")
    parser.add_argument("--skip-platform", action="store_true", help="no 三创 platform page timings")
    parser.add_argument("--platform-units", type=int, default=10_000)
    parser.add_argument("--platform-achievements", type=int, default=200_000)
    args = parser.parse_args()
    results = []
    for db in args.db:
        for size in args.sizes:
            print(f"… {db} {size:,} people", file=sys.stderr, flush=True)
            results.append((db, size, run_one(db, size, args.repeat)))
    roster_results = [] if args.skip_rosters else [(db, run_rosters(db)) for db in args.db]
    benefit_results = (
        []
        if args.skip_benefits
        else [(db, run_benefits(db, args.benefits_people, args.benefits_months)) for db in args.db]
    )
    platform_results = (
        []
        if args.skip_platform
        else [(db, run_platform(db, args.platform_units, args.platform_achievements)) for db in args.db]
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "rosters.json").write_text(json.dumps([{"db": d, **r} for d, r in roster_results], indent=2))
    (OUT / "benefits.json").write_text(json.dumps([{"db": d, **r} for d, r in benefit_results], indent=2))
    (OUT / "platform.json").write_text(json.dumps([{"db": d, **r} for d, r in platform_results], indent=2))
    (OUT / "results.json").write_text(json.dumps([{"db": d, "size": s, **r} for d, s, r in results], indent=2))
    print()
    print("Server time per page, ms (p50 / p95); ✓/✗ against the goal on PostgreSQL at 1,000,000 and SQLite at 100,000")
    width = 19
    print(f"| {'':<36} |" + "".join(f" {d + ' ' + format(s, ','):>{width}} |" for d, s, _ in results))
    print(f"|{'-' * 38}|" + "".join(f"{'-' * (width + 2)}|" for _ in results))
    for key, label, goal in PAGES:
        cells = []
        for db, size, r in results:
            p50, p95 = r["pages"][key]
            mark = ("✓" if p95 <= goal else "✗") if goal and goal_applies(db, size) else " "
            cells.append(f" {f'{p50:.1f} / {p95:.1f} {mark}':>{width}} |")
        print(f"| {label + (f' (≤{goal} ms)' if goal else ''):<36} |" + "".join(cells))
    cells = []
    for _db, _size, r in results:
        rate = r["demo_rate"]
        cells.append(f" {f'{rate:,.0f}/s ' + ('✓' if rate >= DEMO_GOAL else '✗'):>{width}} |")
    print(f"| {'demo generation (≥20,000/s)':<36} |" + "".join(cells))
    if roster_results:
        print_rosters(roster_results)
    if benefit_results:
        print_benefits(benefit_results)
    if platform_results:
        print_platform(platform_results)
    print("\nQueries per page (the same at every size):")
    for key, label, _goal in PAGES:
        print(f"  {label}: " + ", ".join(f"{db} {size:,}: {r['queries'][key]}" for db, size, r in results))


ROSTER_GOALS = {"import_10k": 4, "import_100k": 30, "export_100k": 15}


def _rosters_step(db: str, *args: str, script: str = "rosters.py") -> dict:
    fresh_database(db, 0)
    env = {**os.environ, "DATABASE_URL": database_url(db, 0), "LOG_LEVEL": "ERROR"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        print(proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"benchmark failed: {script} {args}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_rosters(db: str) -> dict:
    print(f"… {db} rosters", file=sys.stderr, flush=True)
    files = {}
    for rows in (10_000, 100_000):
        path = OUT / f"roster-{rows}.xlsx"
        if not path.exists():
            _rosters_step("sqlite", "make", str(rows), str(path))
        files[rows] = str(path)
    return {
        "import_10k": _rosters_step(db, "import", files[10_000]),
        "import_100k": _rosters_step(db, "import", files[100_000]),
        "peer_100k": _rosters_step(db, "peer", files[100_000]),
        "export_100k": _rosters_step(db, "export", "100000"),
    }


def print_rosters(results: list[tuple[str, dict]]) -> None:
    print("\nRosters: seconds (peak memory); goals checked on SQLite")
    for db, r in results:
        ours, peer = r["import_100k"], r["peer_100k"]
        for key, label in (
            ("import_10k", "import 10,000 rows (≤4 s)"),
            ("import_100k", "import 100,000 rows (≤30 s, ≤1 GB)"),
            ("export_100k", "export 100,000 records (≤15 s)"),
        ):
            m = r[key]
            ok = m["seconds"] <= ROSTER_GOALS[key] and (key != "import_100k" or m["peak_mb"] <= 1024)
            mark = ("✓" if ok else "✗") if db == "sqlite" else " "
            print(f"  {db:<8} {label:<36} {m['seconds']:6.1f} s  ({m['peak_mb']:,.0f} MB) {mark}")
        print(
            f"  {db:<8} {'django-import-export, same file':<36} {peer['seconds']:6.1f} s  ({peer['peak_mb']:,.0f} MB)"
            f"  — {peer['rows']:,} of {peer['file_rows']:,} rows (one per person), no honours"
        )
        print(f"  {db:<8} {'ratio ours / django-import-export':<36} {ours['seconds'] / peer['seconds']:6.2f}")


BENEFIT_GOALS = {("batch", "postgres"): 20, ("batch", "sqlite"): 40, ("report", "postgres"): 60}


def run_benefits(db: str, people: int, months: int) -> dict:
    print(
        f"… {db} treatment: batch of {people:,}, report over {people * months:,} ledger entries",
        file=sys.stderr,
        flush=True,
    )
    return {
        "batch": _rosters_step(db, "batch", str(people), script="benefits.py"),
        "report": _rosters_step(db, "report", str(people), str(months), script="benefits.py"),
    }


def print_benefits(results: list[tuple[str, dict]]) -> None:
    print(
        "\nTreatment: seconds; the floor is the same rows written by a bare bulk insert (batch) or read by one "
        "bare aggregate query (report)"
    )
    print(f"| {'':<48} | {'ours':>8} | {'floor':>8} | {'ratio':>6} | {'goal':>6} |")
    print(f"|{'-' * 50}|{'-' * 10}|{'-' * 10}|{'-' * 8}|{'-' * 8}|")
    for db, r in results:
        for key, label in (
            ("batch", f"monthly batch, {r['batch']['people']:,} people"),
            ("report", f"按时足额 report, {r['report']['entries']:,} entries"),
        ):
            m = r[key]
            goal = BENEFIT_GOALS.get((key, db))
            mark = ("✓" if m["seconds"] <= goal else "✗") if goal else ""
            goal_text = f"≤{goal} {mark}" if goal else "—"
            print(
                f"| {db + ' ' + label:<48} | {m['seconds']:8.1f} | {m['floor']:8.1f} | {m['ratio']:6.1f} | "
                f"{goal_text:>6} |"
            )


PLATFORM_GOAL_MS = 200
PLATFORM_PAGES = [
    ("overview", "platform overview"),
    ("unit", "unit page (random units)"),
    ("unit_largest", "unit page (the unit with most achievements)"),
    ("achievements_largest", "that unit's achievements list"),
]


def run_platform(db: str, units: int, achievements: int) -> dict:
    print(f"… {db} 三创 platform: {units:,} units, {achievements:,} achievements", file=sys.stderr, flush=True)
    return _rosters_step(db, str(units), str(achievements), script="units.py")


def print_platform(results: list[tuple[str, dict]]) -> None:
    print(f"\nThe 三创 platform: server time per page, ms (p50 / p95); goal p95 ≤ {PLATFORM_GOAL_MS} ms on PostgreSQL")
    for db, r in results:
        print(
            f"  {db}: {r['units']:,} units, {r['achievements']:,} achievements "
            f"(the largest unit has {r['largest_unit_achievements']:,})"
        )
        for key, label in PLATFORM_PAGES:
            p50, p95 = r["pages"][key]
            mark = ("✓" if p95 <= PLATFORM_GOAL_MS else "✗") if db == "postgres" else ""
            print(f"    {label:<46} {p50:7.1f} / {p95:7.1f} {mark}")
        q = r["queries"]
        print(
            f"    queries: overview {q['overview']}, unit page {q['unit_smallest']} (smallest unit) and "
            f"{q['unit_largest']} (largest)"
        )


if __name__ == "__main__":
    main()
