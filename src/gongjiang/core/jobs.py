"""Start background work, report its progress, and find the work whose worker is gone.

A job's lease is its ``worker`` (host, process id and the process's start time) and its
``heartbeat_at``, written every few seconds by a thread of the process running it. A job is
*interrupted* when that process no longer exists — known at once on the same machine — or,
for a worker on another machine, when its heartbeat is older than the lease. The task
worker sweeps at start and every ``JOB_SWEEP_SECONDS``; the job's page and its import's page
check their own job when they are opened. An interrupted job puts what it worked on back in
a state the user can act on (each kind registers how) and is retried as a new job, once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from gongjiang.core import context
from gongjiang.core.errors import DomainError
from gongjiang.core.models import Job, JobStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    """How a kind of job is run again, and what its interruption means for what it worked on."""

    task: object  # a django-tasks Task taking the job id
    # Called in the transaction that marks the job interrupted: put its object back in a
    # state the user can act on (an import that was applying: "interrupted, can be retried").
    on_interrupt: Callable[[Job], None] | None = None
    # Start the job again as ``actor``; returns the new job. Default: the same task and params.
    retry: Callable[..., Job] | None = None


KINDS: dict[str, Kind] = {}


def register(kind: str, *, task, on_interrupt=None, retry=None) -> None:
    KINDS[kind] = Kind(task=task, on_interrupt=on_interrupt, retry=retry)


def start_job(*, actor, kind: str, title: str, params: dict, task) -> Job:
    """Record the job and enqueue ``task(job_id)`` once the transaction has committed."""
    job = Job.objects.create(kind=kind, title=title, created_by=actor, params=params)

    def enqueue() -> None:
        result = task.enqueue(str(job.pk))
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


class Progress:
    """Writes progress at most every ``every`` items, so a job costs few extra queries."""

    def __init__(self, job: Job, total: int, every: int = 500):
        self.job = job
        self.total = total
        self.every = every
        self.done = 0
        Job.objects.filter(pk=job.pk).update(progress_total=total, progress_done=0)

    def advance(self, n: int = 1) -> None:
        before = self.done // self.every
        self.done += n
        if self.done // self.every != before or self.done >= self.total:
            Job.objects.filter(pk=self.job.pk).update(progress_done=min(self.done, self.total))


# --- The lease ---------------------------------------------------------------------------------


def process_started(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), so a reused pid is not it."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def this_process() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{process_started(pid)}"


def process_alive(worker: str) -> bool | None:
    """Whether the process named by ``worker`` still runs: True/False on this machine, None
    (unknown) for another machine or an empty name."""
    host, _sep, rest = worker.partition(":")
    pid, _sep, started = rest.partition(":")
    if not pid.isdigit() or host != socket.gethostname():
        return None
    if started and os.path.isdir("/proc"):
        return process_started(int(pid)) == started
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Heartbeat:
    """While the work runs, a thread writes the job's heartbeat with its own connection (the
    work may hold a long transaction; the beat must not wait for it on PostgreSQL)."""

    def __init__(self, job_id, every: float):
        self.job_id, self.every = job_id, every
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, name=f"heartbeat-{job_id}", daemon=True)

    def run(self) -> None:
        try:
            while not self.stop.wait(self.every):
                try:
                    Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())
                except DatabaseError:  # SQLite busy, a connection cut: the next beat tries again
                    log.debug("heartbeat of job %s not written", self.job_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=self.every + 5)


def run_job(job_id: str, work: Callable[[Job], dict | None]) -> None:
    """Run ``work(job)`` as the job's owner, under a lease; record success or a readable failure.

    A job that is no longer waiting (interrupted by a sweep, or retried) is not run."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, worker=this_process()
    )
    if not claimed:
        log.warning("job %s is not waiting to run; skipped", job_id)
        return
    job = Job.objects.select_related("created_by").get(pk=job_id)
    every = settings.GONGJIANG["JOB_HEARTBEAT_SECONDS"]
    beat = Heartbeat(job.pk, every) if every > 0 and not connection.in_atomic_block else None
    try:
        with context.acting(context.RequestContext(via="task", ip_address=job.params.get("ip"))):
            if beat:
                with beat:
                    result = work(job) or {}
            else:
                result = work(job) or {}
    except Exception as exc:  # the user must see that it failed, whatever failed
        log.exception("job %s failed", job_id)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message=(getattr(exc, "message", None) and str(exc.message)) or _("The job failed: %(e)s") % {"e": exc},
        )
        return
    job.refresh_from_db()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, finished_at=timezone.now(), result=result, progress_done=job.progress_total
    )


# --- Interrupted jobs ------------------------------------------------------------------------


def _lost(job: Job, now: dt.datetime) -> bool:
    if job.status == JobStatus.RUNNING:
        alive = process_alive(job.worker)
        if alive is not None:
            return not alive
        last = job.heartbeat_at or job.started_at or job.created_at
        return last < now - dt.timedelta(seconds=settings.GONGJIANG["JOB_LEASE_SECONDS"])
    return False


def _claimed_but_not_started(now: dt.datetime) -> list[str]:
    """Jobs still waiting whose task a worker took and never began (the worker died between),
    or that were never handed to the queue (the process died right after the commit)."""

    cutoff = now - dt.timedelta(seconds=settings.GONGJIANG["JOB_LEASE_SECONDS"])
    never = list(
        Job.objects.filter(status=JobStatus.QUEUED, task_id="", created_at__lt=cutoff).values_list("pk", flat=True)[
            :1000
        ]
    )
    waiting = dict(Job.objects.filter(status=JobStatus.QUEUED).exclude(task_id="").values_list("task_id", "pk")[:1000])
    if not waiting:
        return never
    taken = DBTaskResult.objects.filter(pk__in=list(waiting), status="RUNNING", started_at__lt=cutoff)
    return never + [waiting[str(pk)] for pk in taken.values_list("pk", flat=True) if str(pk) in waiting]


def interrupt(job: Job, *, now: dt.datetime | None = None, stalled: bool = False) -> bool:
    """Mark the job interrupted and hand its object back to the user, in one transaction — if
    it is still lost once locked (its worker may have finished meanwhile)."""
    now = now or timezone.now()
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if not (_lost(job, now) or (stalled and job.status == JobStatus.QUEUED)):
            return False
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.INTERRUPTED,
            finished_at=now,
            message=_(
                "The worker running this job stopped at %(at)s; nothing of this run was kept. Retry it to run it again."
            )
            % {"at": timezone.localtime(job.heartbeat_at or job.started_at or now).strftime("%Y-%m-%d %H:%M")},
        )
        job.status = JobStatus.INTERRUPTED
        kind = KINDS.get(job.kind)
        if kind and kind.on_interrupt:
            kind.on_interrupt(job)
        if job.task_id:
            DBTaskResult.objects.filter(pk=job.task_id, status="RUNNING").update(
                status="FAILED",
                finished_at=now,
                exception_class_path="gongjiang.core.jobs.WorkerLost",
                traceback="The worker running this task stopped before it finished.",
            )
    log.warning("job %s (%s) interrupted: its worker %s is gone", job.pk, job.kind, job.worker or "?")
    return True


def sweep(*, now: dt.datetime | None = None) -> int:
    """Interrupt every job whose worker is gone; returns how many."""
    now = now or timezone.now()
    n = 0
    for job in Job.objects.filter(status=JobStatus.RUNNING):
        if _lost(job, now) and interrupt(job, now=now):
            n += 1
    for pk in _claimed_but_not_started(now):
        if interrupt(Job.objects.get(pk=pk), now=now, stalled=True):
            n += 1
    return n


def check(job: Job) -> Job:
    """The job as it is, interrupted first if its worker is gone (a page about to show it)."""
    if job.status == JobStatus.RUNNING and _lost(job, timezone.now()):
        interrupt(job)
        job.refresh_from_db()
    return job


def retry(*, actor, job: Job) -> Job:
    """Run an interrupted job again, as a new job. Twice (a double click, two tabs) gives the
    same new job: the work is done once."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.retried_as_id:
            return job.retried_as
        if job.status != JobStatus.INTERRUPTED:
            raise DomainError(_("Only an interrupted job can be retried."), code="conflict")
        kind = KINDS.get(job.kind)
        if kind is None:
            raise DomainError(_("This job cannot be retried."), code="conflict")
        if kind.retry:
            new = kind.retry(actor=actor, job=job)
        else:
            new = start_job(actor=actor, kind=job.kind, title=job.title, params=job.params, task=kind.task)
        Job.objects.filter(pk=job.pk).update(retried_as=new)
        return new
