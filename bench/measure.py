"""One benchmark run against the database in DATABASE_URL: build the demo, time the pages.

Prints one JSON object on its last line (read by bench/run.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gongjiang.accounts.models import User
    from gongjiang.archive.models import ModelWorker

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from gongjiang.accounts import demo as account_demo
    from gongjiang.demo import people as archive_demo

    account_demo.ensure_organisations()
    result = archive_demo.generate(args.size)
    call_command("demo", stdout=StringIO())  # users and links, people already there
    if connection.vendor == "postgresql":
        # What a production database has after autovacuum: a visibility map for index-only scans.
        connection.ensure_connection()
        raw = connection.connection
        autocommit = raw.autocommit
        raw.autocommit = True
        raw.execute("VACUUM ANALYZE")
        raw.autocommit = autocommit

    rng = random.Random(7)
    max_id = ModelWorker.objects.order_by("-id").values_list("id", flat=True).first()
    sample = list(
        ModelWorker.objects.filter(id__in=[rng.randint(1, max_id) for _ in range(400)]).values_list(
            "id", "name", "name_initials"
        )
    )
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    from django.conf import settings

    from gongjiang.api.services import create_token

    # The API as another system calls it: a bearer token (of a staff user), no session.
    settings.GONGJIANG = {**settings.GONGJIANG, "API_RATE": "1000000/m"}
    _token, text = create_token(actor=User.objects.get(username="staff"), name="bench")
    api = Client(headers={"Authorization": f"Bearer {text}"})
    first_national = api.get("/api/v1/model-workers?level=1&limit=50").json()["next"]

    def urls(key: str):
        while True:
            pk, name, initials = rng.choice(sample)
            yield {
                "list": "/archive/",
                "name": f"/archive/?q={name}",
                "pinyin": f"/archive/?q={initials[:2]}",
                "filter": f"/archive/?level={rng.choice([1, 2, 3])}&status={rng.choice(['working', 'retired'])}",
                "profile": f"/archive/{pk}/",
                "dashboard": "/reports/",
                "dashboard_past": "/reports/?as_of=2015-01-01",
                "api_list": "/api/v1/model-workers",
                "api_search": f"/api/v1/model-workers?q={initials[:2]}",
                "api_filter": f"/api/v1/model-workers?level=1&cursor={first_national}",
                "api_detail": f"/api/v1/model-workers/{pk}",
            }[key]

    pages, queries = {}, {}
    keys = ("list", "name", "pinyin", "filter", "profile", "dashboard", "dashboard_past")
    for key in (*keys, "api_list", "api_search", "api_filter", "api_detail"):
        gen = urls(key)
        caller = api if key.startswith("api_") else client
        for _ in range(3):  # warm up caches and connections
            caller.get(next(gen))
        times = []
        for _ in range(args.repeat if key != "dashboard_past" else max(5, args.repeat // 8)):
            url = next(gen)
            started = time.perf_counter()
            response = caller.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            caller.get(next(gen))
        pages[key] = (statistics.median(times), percentile(times, 0.95))
        queries[key] = len(ctx.captured_queries)
    print(json.dumps({"demo_rate": result.rate, "demo_seconds": result.seconds, "pages": pages, "queries": queries}))


if __name__ == "__main__":
    main()
