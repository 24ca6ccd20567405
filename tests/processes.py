"""Real processes for the crash and supervision tests: the test database made visible to a
subprocess, and a harness that runs the real worker (or a batch generation) and stops it at a
known point so the test can kill it there.

    python -m tests.processes worker --pause-after MODULE:FUNCTION --marker FILE [worker options]
    python -m tests.processes generate --user ID --scheme ID --period YYYY-MM-DD --pause-after … --marker FILE

``--pause-after`` wraps the function: once it has run (inside the work's transaction) the
process writes the marker file and waits, so a SIGKILL from the test lands mid-transaction.
Nothing else of the code is changed.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import subprocess
import sys
import time
from pathlib import Path

import django
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def database_url(connection) -> str:
    """The URL of the database the tests run on (the test database), for another process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(s["NAME"])
        assert "memory" not in name, "the crash tests need a file database (settings: SQLITE_TEST_NAME)"
        return f"sqlite:///{name}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def environment(connection, var_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        DATABASE_URL=database_url(connection),
        GONGJIANG_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="gongjiang.settings",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        PYTHONUNBUFFERED="1",
        TESTING="0",
        DEMO="1",  # a demo-like process: no production SECRET_KEY needed
        JOB_HEARTBEAT_SECONDS="0.5",
        JOB_SWEEP_SECONDS="1",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    out = log.open("w")
    return subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_for(condition, timeout: float, what: str, log: Path | None = None, process=None):
    """Poll ``condition`` until it holds; fail at the timeout, or at once if ``process`` ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            break
        time.sleep(0.1)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"gave up waiting for {what}\n{tail}")


def _pause_after(target: str, marker: str) -> None:

    module_name, name = target.split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, name)

    def paused(*args, **kwargs):
        result = original(*args, **kwargs)
        Path(marker).write_text(str(os.getpid()))
        time.sleep(600)  # the test kills the process here
        return result

    setattr(module, name, paused)


def main(argv: list[str]) -> None:

    mode, rest = argv[0], argv[1:]
    options: dict[str, str] = {}
    while rest and rest[0] in ("--pause-after", "--marker", "--user", "--scheme", "--period"):
        options[rest[0][2:]] = rest[1]
        rest = rest[2:]
    django.setup()
    if "pause-after" in options:
        _pause_after(options["pause-after"], options["marker"])
    if mode == "worker":
        call_command("worker", *rest)
    elif mode == "generate":
        # Inside: a child process imports the app only after django.setup() (and after --pause-after patched it).
        from gongjiang.accounts.models import User  # noqa: PLC0415
        from gongjiang.benefits import services  # noqa: PLC0415
        from gongjiang.benefits.models import Scheme  # noqa: PLC0415

        services.generate_batch(
            actor=User.objects.get(pk=options["user"]),
            scheme=Scheme.objects.get(pk=options["scheme"]),
            period=dt.date.fromisoformat(options["period"]),
        )


if __name__ == "__main__":
    main(sys.argv[1:])
