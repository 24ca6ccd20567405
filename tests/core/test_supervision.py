"""``make run`` keeps serving when a process dies: scripts/run.py starts it again and says so."""

import os
import re
import signal
import socket
import urllib.error
import urllib.request

import pytest
from django.db import connection

from tests.processes import environment, start, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except urllib.error.HTTPError as e:  # the API's description needs a login: 401 is an answer
        return e.code == 401
    except OSError:
        return False


def pids(log, name: str) -> list[int]:
    return [int(p) for p in re.findall(rf"{name} started \(pid (\d+)\)", log.read_text())]


def test_a_killed_worker_is_started_again_while_the_web_keeps_answering(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/v1/openapi.json"
    log = tmp_path / "run.log"
    run = start(["scripts/run.py", "--port", str(port)], environment(connection, tmp_path), log)
    try:
        wait_for(lambda: answers(url), 60, "the web server", log, run)
        [worker] = wait_for(lambda: pids(log, "task worker"), 30, "the worker", log, run)
        os.kill(worker, signal.SIGKILL)
        wait_for(lambda: "task worker stopped (exit -9); restarting in 1 s" in log.read_text(), 30, "notice", log, run)
        assert answers(url)  # the web server did not go with it
        restarted = wait_for(lambda: pids(log, "task worker")[1:], 30, "the worker to start again", log, run)
        assert restarted[0] != worker
        assert "任务进程已停止（退出码 -9），1 秒后重启，其他服务照常运行" in log.read_text()
        # Killed again soon after, it waits longer: 2 s.
        os.kill(restarted[0], signal.SIGKILL)
        wait_for(lambda: "restarting in 2 s" in log.read_text(), 30, "the longer pause", log, run)
        assert answers(url)
        assert len(pids(log, "web server")) == 1
    finally:
        run.send_signal(signal.SIGTERM)
        run.wait(timeout=30)
    assert run.returncode == 0
