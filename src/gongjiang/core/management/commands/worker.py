"""The task worker: django-tasks' database worker, plus the sweep for interrupted jobs.

At start it marks interrupted every job whose worker is gone (a worker killed, a machine
restarted), so the import or export it worked on can be retried; then every
``JOB_SWEEP_SECONDS`` it does so again from a thread, for the jobs of other workers.
"""

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from gongjiang.core import jobs

log = logging.getLogger("gongjiang.worker")


def _sweep_every(seconds: float, stop: threading.Event) -> None:
    while not stop.wait(seconds):
        try:
            n = jobs.sweep()
            if n:
                log.warning("%s interrupted job(s) found; they can be retried", n)
        except DatabaseError:  # the database is busy or away: the next round tries again
            log.info("sweep for interrupted jobs failed", exc_info=True)
        finally:
            connection.close()


class Command(DbWorker):
    help = "Run the task worker (django-tasks database backend); interrupted jobs are found at start and periodically."

    def handle(self, *args, **options):
        n = jobs.sweep()
        self.stdout.write(
            f"工匠任务进程启动：发现 {n} 个已中断的任务，可在原页面重试。"
            f" / Worker started: {n} interrupted job(s) found; they can be retried from their pages.",
        )
        connection.close()
        stop = threading.Event()
        every = settings.GONGJIANG["JOB_SWEEP_SECONDS"]
        if every > 0:
            threading.Thread(target=_sweep_every, args=(every, stop), name="sweep", daemon=True).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
