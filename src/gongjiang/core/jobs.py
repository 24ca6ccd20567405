"""Start background work and report its progress."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.core import context
from gongjiang.core.models import Job, JobStatus

log = logging.getLogger(__name__)


def start_job(*, actor, kind: str, title: str, params: dict, task) -> Job:
    """Record the job and enqueue ``task(job_id)`` once the transaction has committed."""
    job = Job.objects.create(kind=kind, title=title, created_by=actor, params=params)
    transaction.on_commit(lambda: task.enqueue(str(job.pk)))
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


def run_job(job_id: str, work: Callable[[Job], dict | None]) -> None:
    """Run ``work(job)`` as the job's owner; record success or a readable failure."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        with context.acting(context.RequestContext(via="task", ip_address=job.params.get("ip"))):
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
