"""Serve the demo: the web server (gunicorn) and the task worker, until Ctrl-C stops both.

Each is watched: one that stops is started again after a pause that doubles on every quick
failure (1 s, 2 s, 4 s … up to a minute) while the other keeps running, and what happened is
printed. In production systemd does this (README, "Production").
"""

import argparse
import contextlib
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
FIRST_PAUSE, LONGEST_PAUSE = 1.0, 60.0
STABLE = 30.0  # a process that ran this long before stopping starts again after the first pause


def say(text: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {text}", flush=True)


class Child:
    """One supervised process: started, watched, started again with backoff."""

    def __init__(self, zh: str, en: str, command: list[str], env: dict):
        self.zh, self.en, self.command, self.env = zh, en, command, env
        self.process: subprocess.Popen | None = None
        self.started = 0.0
        self.pause = FIRST_PAUSE
        self.restart_at: float | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, start_new_session=True)
        self.started, self.restart_at = time.monotonic(), None
        say(f"{self.zh}已启动（进程 {self.process.pid}）/ {self.en} started (pid {self.process.pid})")

    def watch(self, now: float) -> None:
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.start()
            return
        code = self.process.poll()
        if code is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # what it left behind goes too, freeing the port
        if now - self.started >= STABLE:
            self.pause = FIRST_PAUSE
        say(
            f"{self.zh}已停止（退出码 {code}），{self.pause:g} 秒后重启，其他服务照常运行"
            f" / {self.en} stopped (exit {code}); restarting in {self.pause:g} s, the rest keeps running"
        )
        self.restart_at = now + self.pause
        self.pause = min(self.pause * 2, LONGEST_PAUSE)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)

    def wait(self, deadline: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)


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
    worker = [python, "manage.py", "worker", "--queue-name", "default", "--interval", "0.5", "--no-reload"]
    children = [Child("网站", "web server", web, env), Child("任务进程", "task worker", worker, env)]
    for child in children:
        child.start()

    def stop(*_):
        for child in children:
            child.stop()
        deadline = time.monotonic() + 10
        for child in children:
            child.wait(deadline)
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    time.sleep(1.5)
    url = f"http://{args.host}:{args.port}/"
    print("\n  工匠 Gongjiang is running at " + url)
    print("  Demo logins (password Demo@2026):")
    for user, role in USERS:
        print(f"    {user:<8} {role}")
    print("  Press Ctrl-C to stop the web server and the task worker.\n", flush=True)
    while True:
        now = time.monotonic()
        for child in children:
            child.watch(now)
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
