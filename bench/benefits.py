"""Treatment timings (one measurement per process):

    python bench/benefits.py batch N       generate a monthly allowance batch for N entitled people
    python bench/benefits.py report N M    the 按时足额 report over N people × M months of ledger

Each prints one JSON object with our time, the floor (the same rows written by a bare bulk
insert, or read by one bare aggregate query) and the ratio.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")


def setup(n: int):
    """n retired model workers (one honour each, all entitled), each with a bank account."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from gongjiang.accounts import demo as account_demo
    from gongjiang.accounts.models import User
    from gongjiang.archive.models import ModelWorker
    from gongjiang.benefits import services
    from gongjiang.benefits.enums import SchemeKind, SchemePeriod
    from gongjiang.benefits.models import PaymentAccount
    from gongjiang.core import bulk
    from gongjiang.demo import people as demo

    fed, unions = account_demo.ensure_organisations()
    account_demo.ensure_users(fed, unions)
    demo.generate(n)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "UPDATE archive_modelworker SET status = 'retired', retired_on = %s, died_on = NULL", [dt.date(2000, 1, 1)]
        )
        ids = list(ModelWorker.objects.values_list("pk", "name"))
        bulk.insert(
            PaymentAccount,
            ["model_worker_id", "bank", "account_number", "holder", "valid_from", "ended_on", "created_at"],
            (
                (pk, "工商银行", f"6222{pk:015d}", name, dt.date(2015, 1, 1), None, dt.datetime.now(dt.UTC))
                for pk, name in ids
            ),
        )
    staff = User.objects.get(username="staff")
    scheme = services.save_scheme(
        actor=staff,
        data={
            "name": "劳模荣誉津贴",
            "kind": SchemeKind.HONOUR_ALLOWANCE,
            "period": SchemePeriod.MONTHLY,
            "purpose": "劳模荣誉津贴",
        },
    )
    services.save_rule(
        actor=staff,
        scheme=scheme,
        data={
            "label": "2016 年标准",
            "effective_from": dt.date(2016, 1, 1),
            "statuses": ["retired"],
            "levels": [1, 2, 3],
            "amounts": {"1": "300", "2": "200", "3": "80"},
            "supplement_before_year": 1990,
            "supplements": {"1": "50", "2": "30", "3": "20"},
        },
    )
    vacuum()
    return staff, scheme, ids


def vacuum(table: str = "") -> None:
    """VACUUM ANALYZE on its own connection: it cannot run inside Django's transaction."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as raw:
        raw.execute(f"VACUUM ANALYZE {table}")


def run_batch(n: int) -> dict:
    staff, scheme, ids = setup(n)
    from django.db import connection, transaction

    from gongjiang.benefits import services
    from gongjiang.benefits.models import Batch, BatchLine
    from gongjiang.benefits.services.lines import LINE_COLUMNS, pending_line
    from gongjiang.core import bulk

    started = time.perf_counter()
    batch = services.generate_batch(actor=staff, scheme=scheme, period=dt.date(2026, 11, 1))
    ours = time.perf_counter() - started
    # The floor: the same number of lines, prepared beforehand, written by a bare bulk insert.
    other = Batch.objects.create(scheme=scheme, kind="arrears", title="floor", prepared_by=staff)
    now = dt.datetime.now(dt.UTC)
    rows = [
        pending_line(
            batch_id=other.pk,
            scheme_id=scheme.pk,
            model_worker_id=pk,
            period=dt.date(2026, 10, 1),
            kind="arrears",
            amount=Decimal("300.00"),
            level=1,
            rule_id=None,
            words="退休 · 全国劳模 ¥300",
            bank="工商银行",
            account_number=f"6222{pk:015d}",
            holder=name,
            created_at=now,
        )
        for pk, name in ids
    ]
    started = time.perf_counter()
    with transaction.atomic():
        bulk.insert(BatchLine, LINE_COLUMNS, rows)
    floor = time.perf_counter() - started
    return {
        "db": connection.vendor,
        "people": n,
        "lines": batch.line_count,
        "seconds": ours,
        "floor": floor,
        "ratio": ours / floor,
    }


def run_report(n: int, months: int) -> dict:
    _staff, scheme, ids = setup(n)
    from django.db import connection, transaction

    from gongjiang.benefits import periods
    from gongjiang.benefits.models import LedgerEntry
    from gongjiang.benefits.reports import on_time_report
    from gongjiang.benefits.services.ledger import LEDGER_COLUMNS
    from gongjiang.core import bulk

    last = dt.date(2026, 10, 1)
    first = periods.add_months(last, -(months - 1))
    span = periods.between(first, last, "monthly")
    levels = dict(
        __import__("gongjiang.archive.models", fromlist=["ModelWorker"]).ModelWorker.objects.values_list(
            "pk", "highest_level"
        )
    )
    amount = {1: Decimal("300"), 2: Decimal("200"), 3: Decimal("80")}
    now = dt.datetime.now(dt.UTC)
    built = time.perf_counter()
    with transaction.atomic():
        # Everyone paid every month on the 10th, except one person in a thousand in one month.
        bulk.insert(
            LedgerEntry,
            LEDGER_COLUMNS,
            (
                (
                    pk,
                    scheme.pk,
                    p,
                    "payment",
                    amount.get(levels[pk], Decimal("80")),
                    levels[pk],
                    p.replace(day=10),
                    None,
                    None,
                    "",
                    "",
                    now,
                    None,
                )
                for p in span
                for pk, _name in ids
                if not (pk % 1000 == 7 and p == span[0])
            ),
        )
    entries = LedgerEntry.objects.count()
    vacuum("benefits_ledgerentry")
    build_seconds = time.perf_counter() - built
    started = time.perf_counter()
    report = on_time_report(
        scheme, first, last, rows=True, statuses=["missing", "short", "overpaid", "late"], limit=100
    )
    ours = time.perf_counter() - started
    # The floor: one bare aggregate over the same ledger rows.
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*), SUM(s) FROM (SELECT model_worker_id, period, SUM(amount) AS s "
            "FROM benefits_ledgerentry WHERE scheme_id = %s GROUP BY model_worker_id, period) t",
            [scheme.pk],
        )
        cur.fetchall()
    floor = time.perf_counter() - started
    return {
        "db": connection.vendor,
        "people": n,
        "months": months,
        "entries": entries,
        "seconds": ours,
        "floor": floor,
        "ratio": ours / floor,
        "build_seconds": build_seconds,
        "missing": report.totals["missing"]["n"],
        "ok": report.totals["ok"]["n"],
    }


if __name__ == "__main__":
    if sys.argv[1] == "batch":
        print(json.dumps(run_batch(int(sys.argv[2]))))
    elif sys.argv[1] == "report":
        print(json.dumps(run_report(int(sys.argv[2]), int(sys.argv[3]))))
