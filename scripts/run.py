"""Serve the demo: the web server (gunicorn) and the task worker, until Ctrl-C stops both."""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USERS = [
    ("admin", "区总工会管理员 federation admin"),
    ("staff", "区总工会工作人员 federation staff"),
    ("union", "基层工会（教育工会）grassroots union staff"),
    ("leader", "工作室领头人 studio leader"),
    ("auditor", "审计员 auditor"),
    ("worker", "劳模本人 model worker"),
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    args = parser.parse_args()
    env = {"DEMO": "1", **os.environ, "PYTHONUNBUFFERED": "1"}  # the demo, unless told otherwise
    python = sys.executable
    web = [
        python,
        "-m",
        "gunicorn",
        "gongjiang.wsgi",
        "--pythonpath",
        "src",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--timeout",
        "120",
        "--access-logfile",
        "-",
        "--log-level",
        "warning",
    ]
    worker = [python, "manage.py", "db_worker", "--queue-name", "default", "--interval", "0.5"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True) for cmd in (web, worker)]

    def stop(*_):
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        deadline = time.time() + 10
        for p in procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)

    signal.signal(signal.SIGINT, lambda *a: (stop(), sys.exit(0)))
    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    time.sleep(1.5)
    url = f"http://{args.host}:{args.port}/"
    print("\n  工匠 Gongjiang is running at " + url)
    print("  Demo logins (password Demo@2026):")
    for user, role in USERS:
        print(f"    {user:<8} {role}")
    print("  Press Ctrl-C to stop the web server and the task worker.\n", flush=True)
    while True:
        for p in procs:
            if p.poll() is not None:
                print(f"{' '.join(p.args[:3])} stopped (exit {p.returncode}); stopping everything.", flush=True)
                stop()
                return p.returncode or 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
