"""The 三创 platform's pages at scale (one measurement per process):

    python bench/units.py UNITS ACHIEVEMENTS [--repeat N]

Builds UNITS units (studios, star posts, standard-bearers) with their six haves, teams,
history, a closed evaluation round, pending candidates, meetings, and ACHIEVEMENTS
achievements (skewed: a few units hold many), then requests the overview and unit pages
in-process as the federation admin and prints one JSON object: p50/p95 in ms and the number
of SQL queries of each page (for the smallest and the largest unit: they must be equal).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def build(n_units: int, n_achievements: int, rng: random.Random) -> dict:
    from django.core.management import call_command
    from django.db import transaction

    from gongjiang.accounts import demo as account_demo
    from gongjiang.accounts.models import User
    from gongjiang.archive.enums import Level
    from gongjiang.archive.models import ModelWorker
    from gongjiang.demo import people as archive_demo
    from gongjiang.platform import evaluation
    from gongjiang.platform.enums import (
        AchievementKind,
        CaseKind,
        EventKind,
        Grade,
        Have,
        HonourScope,
        ProjectRole,
        ProjectStatus,
        RoundState,
        Tier,
        UnitStatus,
    )
    from gongjiang.platform.models import (
        Achievement,
        Case,
        Evaluation,
        EvaluationRound,
        Meeting,
        TierSpan,
        Unit,
        UnitEvent,
        UnitHave,
        UnitMember,
    )

    call_command("migrate", verbosity=0)
    account_demo.ensure_organisations()
    archive_demo.generate(max(20_000, n_units * 2))
    call_command("demo", stdout=StringIO())  # users; the platform demo adds its ~110 units (2014 to today)
    staff = User.objects.get(username="staff")
    leaders = list(
        ModelWorker.objects.filter(highest_level__lte=Level.MUNICIPAL).values_list("pk", "union_id", "name")[:n_units]
    )
    others = list(ModelWorker.objects.values_list("pk", "name")[: n_units * 2])
    evaluation.ensure_rubrics()
    tiers = [Tier.STUDIO] * 2 + [Tier.STAR_POST] * 3 + [Tier.STANDARD_BEARER] * 5
    started = time.perf_counter()
    with transaction.atomic():
        units = []
        for i in range(n_units):
            pk, union_id, name = leaders[i % len(leaders)]
            tier = tiers[i % len(tiers)]
            year = 2014 + i % 12
            units.append(
                Unit(
                    name=f"{name}{i}号{Tier(tier).label}",
                    tier=tier,
                    status=UnitStatus.ACTIVE,
                    stars=1 + i % 3 if tier == Tier.STAR_POST else None,
                    leader_id=pk,
                    union_id=union_id,
                    field="数控加工",
                    founded_on=dt.date(year, 3, 1),
                    plaque_number=f"BN-{i:06d}",
                    awarded_on=dt.date(year, 5, 1),
                    status_since=dt.date(year, 5, 1),
                    created_by=staff,
                )
            )
        Unit.objects.bulk_create(units, batch_size=2000)
        units = list(Unit.objects.filter(plaque_number__startswith="BN-").order_by("pk"))
        TierSpan.objects.bulk_create(
            [TierSpan(unit=u, tier=u.tier, plaque_number=u.plaque_number, starts_on=u.awarded_on) for u in units],
            batch_size=5000,
        )
        UnitHave.objects.bulk_create(
            [UnitHave(unit=u, have=h, met=rng.random() < 0.9, note="已落实") for u in units for h in Have.values],
            batch_size=5000,
        )
        members = []
        for u in units:
            members.append(UnitMember(unit=u, model_worker_id=u.leader_id, name="领头人", role="leader"))
            for _ in range(4):
                pk, name = others[rng.randrange(len(others))]
                members.append(UnitMember(unit=u, model_worker_id=pk, name=name))
        UnitMember.objects.bulk_create(members, batch_size=5000)
        UnitEvent.objects.bulk_create(
            [
                UnitEvent(unit=u, kind=k, on=u.awarded_on, actor=staff)
                for u in units
                for k in (EventKind.APPLIED, EventKind.AWARDED)
            ],
            batch_size=5000,
        )
        Meeting.objects.bulk_create(
            [
                Meeting(
                    unit=u,
                    held_on=dt.date(2025, m, 10),
                    attendees="全体成员",
                    minutes="研究攻关课题。",
                    recorded_by=staff,
                )
                for u in units
                for m in (3, 6, 9)
            ],
            batch_size=5000,
        )
        rnd = EvaluationRound.objects.create(
            year=2025,
            title="BENCH 2025",
            aggregation="mean",
            state=RoundState.CLOSED,
            opened_on=dt.date(2025, 12, 1),
            closed_on=dt.date(2025, 12, 20),
            created_by=staff,
            closed_by=staff,
        )
        grades = list(Grade.values)
        Evaluation.objects.bulk_create(
            [
                Evaluation(round=rnd, unit=u, tier=u.tier, score=70 + i % 30, spread=3, grade=grades[i % 4], outcome="")
                for i, u in enumerate(units)
            ],
            batch_size=5000,
        )
        Case.objects.bulk_create(
            [
                Case(
                    unit=u, kind=CaseKind.PROMOTE, from_tier=u.tier, to_tier=Tier.STAR_POST, why="优秀 2 rounds running"
                )
                for u in units[::97]
                if u.tier == Tier.STANDARD_BEARER
            ],
            batch_size=5000,
        )
        # Skewed: one unit holds a tenth of all achievements, a tenth of the units hold half.
        heavy = units[: max(1, n_units // 10)]
        kinds = list(AchievementKind.values)
        rows = []
        for i in range(n_achievements):
            u = units[0] if i % 10 == 0 else (rng.choice(heavy) if i % 2 else rng.choice(units))
            kind = kinds[i % len(kinds)]
            rows.append(
                Achievement(
                    unit=u,
                    kind=kind,
                    title=f"成果{i}",
                    year=2014 + i % 12,
                    created_by=staff,
                    role=ProjectRole.LED
                    if kind == AchievementKind.PROJECT and i % 3
                    else (ProjectRole.TOOK_PART if kind == AchievementKind.PROJECT else ""),
                    project_status=ProjectStatus.COMPLETED if kind == AchievementKind.PROJECT else "",
                    scope=HonourScope.COLLECTIVE if kind == AchievementKind.HONOUR else "",
                )
            )
            if len(rows) == 10_000:
                Achievement.objects.bulk_create(rows)
                rows = []
        Achievement.objects.bulk_create(rows)
    seconds = time.perf_counter() - started
    from django.db.models import Count

    per_unit = dict(Achievement.objects.values_list("unit").annotate(n=Count("id")).values_list("unit", "n"))
    ordered = sorted(units, key=lambda u: per_unit.get(u.pk, 0))
    return {
        "units": units,
        "smallest": ordered[0],
        "largest": ordered[-1],
        "build_seconds": seconds,
        "largest_achievements": per_unit.get(ordered[-1].pk, 0),
    }


def main() -> None:
    n_units, n_achievements = int(sys.argv[1]), int(sys.argv[2])
    repeat = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--repeat" else 60
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gongjiang.accounts.models import User
    from gongjiang.platform.models import Achievement, Unit

    rng = random.Random(11)
    built = build(n_units, n_achievements, rng)
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as raw:
            raw.execute("VACUUM ANALYZE")
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    sample = [u.pk for u in rng.sample(built["units"], 200)] + [built["largest"].pk]

    def url(key: str) -> str:
        if key == "overview":
            return "/platform/"
        if key == "unit":
            return f"/platform/units/{rng.choice(sample)}/"
        if key == "unit_largest":
            return f"/platform/units/{built['largest'].pk}/"
        return f"/platform/units/{built['largest'].pk}/achievements/"

    pages = {}
    queries = {}
    for key in ("overview", "unit", "unit_largest", "achievements_largest"):
        for _ in range(3):  # warm the caches and the connection
            client.get(url(key))
        times = []
        for _ in range(repeat):
            target = url(key)
            started = time.perf_counter()
            response = client.get(target)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (target, response.status_code)
        pages[key] = [statistics.median(times), percentile(times, 0.95)]
    for label, unit in (("smallest", built["smallest"]), ("largest", built["largest"])):
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/platform/units/{unit.pk}/")
        queries[f"unit_{label}"] = len(ctx.captured_queries)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/platform/")
    queries["overview"] = len(ctx.captured_queries)
    print(
        json.dumps(
            {
                "db": connection.vendor,
                "units": Unit.objects.count(),
                "achievements": Achievement.objects.count(),
                "largest_unit_achievements": built["largest_achievements"],
                "build_seconds": built["build_seconds"],
                "pages": pages,
                "queries": queries,
            }
        )
    )


if __name__ == "__main__":
    main()
