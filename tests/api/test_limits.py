"""The API's limits hold across processes (the shared database cache), and invalid tokens are
throttled by address."""

import collections
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import AuditEntry
from tests.api.conftest import ApiClient, token_for

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(tmp_path) -> str:
    """The suite's own test database (committed: a transactional test), for other processes.
    SQLite's is in memory: it is copied to a file as it stands."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    path = tmp_path / "rate.sqlite3"
    with connection.cursor() as cur:
        cur.execute("VACUUM INTO %s", [str(path)])
    return f"sqlite:///{path}"


def pids(log: Path, path: str) -> set[str]:
    """The worker processes that answered ``path`` (gunicorn's access log, "%(p)s %(s)s %(U)s")."""
    lines = log.read_text().splitlines() if log.exists() else []
    return {line.split()[0] for line in lines if line.endswith(path)}


def probe(url: str) -> None:
    try:
        urllib.request.urlopen(url, timeout=5).read()
    except OSError:
        time.sleep(0.2)  # not listening yet


@pytest.mark.django_db(transaction=True)
def test_the_rate_limit_holds_across_two_worker_processes(tmp_path, staff_user):
    token = token_for(staff_user)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(tmp_path),
        "GONGJIANG_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "test-only-" + "k" * 50,
        "TESTING": "1",
        "API_RATE": "20/m",
    }
    port = free_port()
    log = tmp_path / "access.log"
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "gongjiang.wsgi", "--pythonpath", "src"),
            *("--workers", "2", "--preload", "--bind", f"127.0.0.1:{port}"),
            *("--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(U)s"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(pids(log, "/accounts/login/")) < 2:
            # Until both workers have answered (a loaded machine starts them slowly).
            probes = [threading.Thread(target=probe, args=(f"{base}/accounts/login/",)) for _ in range(4)]
            for t in probes:
                t.start()
            for t in probes:
                t.join()
        statuses = collections.Counter()
        lock = threading.Lock()

        def call(n: int) -> None:
            for _ in range(n):
                request = urllib.request.Request(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
                try:
                    status = urllib.request.urlopen(request, timeout=30).status
                except urllib.error.HTTPError as e:
                    status = e.code
                with lock:
                    statuses[status] += 1

        threads = [threading.Thread(target=call, args=(15,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert len(pids(log, "/api/v1/me")) == 2  # two worker processes answered the calls …
    assert statuses == {200: 20, 429: 40}  # … and together they let 20 through, not 20 each


def test_invalid_tokens_are_throttled_by_address(client, staff_user, settings):
    settings.GONGJIANG = {**settings.GONGJIANG, "API_INVALID_TOKEN_RATE": "3/m"}
    good = token_for(staff_user)
    guesses = [ApiClient(client, f"gj_deadbeef_guess{i}").get("/me").status_code for i in range(4)]
    assert guesses == [401, 401, 401, 429]
    refused = ApiClient(client, good).get("/me")
    assert (refused.status_code, refused.json()["code"]) == (429, "throttled")  # not even looked at
    assert int(refused["Retry-After"]) >= 1
    elsewhere = ApiClient(client, good).get("/me", REMOTE_ADDR="10.8.8.8")
    assert elsewhere.status_code == 200
    event = AuditEntry.objects.get(action=AuditAction.SECURITY)
    assert event.detail == {"kind": "invalid_tokens", "address": "127.0.0.1", "count": 3, "rate": "3/m"}
