"""Background work of the rosters: reading a file and applying an import (with progress).

Each run is a job with a lease (``core.jobs``): if its worker dies, the import is marked
「已中断，可重试」 and a retry runs the step again as a new job. Only the import's current job may
change it, so a run thought lost cannot apply the import a second time."""

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from gongjiang.core import jobs
from gongjiang.core.errors import DomainError
from gongjiang.core.jobs import run_job, start_job
from gongjiang.core.models import Job
from gongjiang.rosters import services
from gongjiang.rosters.models import ImportStatus, RosterImport


def _reporter(job):
    def report(done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    return report


def _current(job) -> RosterImport:
    ri = RosterImport.objects.get(pk=job.params["import"])
    if ri.job_id != job.pk:
        raise DomainError(_("This import has been started again; this run was stopped."), code="conflict")
    return ri


@task()
def parse_task(job_id: str) -> None:
    run_job(job_id, _parse)


def _parse(job) -> dict:
    ri = _current(job)
    RosterImport.objects.filter(pk=ri.pk).update(status=ImportStatus.PARSING)
    try:
        ri = services.parse(ri, progress=_reporter(job))
    except Exception:
        RosterImport.objects.filter(pk=ri.pk, job=job).update(status=ImportStatus.FAILED, message=_("Reading failed."))
        raise
    return {"next_url": ri.get_absolute_url(), "status": ri.status}


@task()
def apply_task(job_id: str) -> None:
    run_job(job_id, apply_job)


def apply_job(job) -> dict:
    ri = _current(job)
    try:
        counts = services.apply(ri, progress=_reporter(job), attempt=job.pk)
    except Exception:
        # The transaction rolled back: nothing changed, and the import can be confirmed again.
        RosterImport.objects.filter(pk=ri.pk, job=job, status=ImportStatus.APPLYING).update(status=ImportStatus.PARSED)
        raise
    return {"next_url": ri.get_absolute_url(), **{k: v for k, v in counts.items() if not k.startswith("people_")}}


@transaction.atomic
def start_parse(*, actor, ri: RosterImport) -> Job:
    # One transaction: the import names its job before the worker can pick the job up.
    job = start_job(
        actor=actor,
        kind="roster_parse",
        title=_("Reading %(f)s") % {"f": ri.original_name},
        params={"import": ri.pk},
        task=parse_task,
    )
    RosterImport.objects.filter(pk=ri.pk).update(job=job)
    return job


@transaction.atomic
def start_apply(*, actor, ri: RosterImport) -> Job:
    job = start_job(
        actor=actor,
        kind="roster_apply",
        title=_("Importing %(f)s") % {"f": ri.original_name},
        params={"import": ri.pk},
        task=apply_task,
    )
    RosterImport.objects.filter(pk=ri.pk).update(job=job)
    return job


@transaction.atomic
def retry(*, actor, ri: RosterImport) -> Job:
    """Run the interrupted step of an import again, once."""
    step = services.resume(actor=actor, ri=ri)
    return (start_apply if step == "apply" else start_parse)(actor=actor, ri=ri)


def _interrupted(job) -> None:
    busy = (ImportStatus.UPLOADED, ImportStatus.PARSING, ImportStatus.APPLYING)
    RosterImport.objects.filter(job=job, status__in=busy).update(
        status=ImportStatus.INTERRUPTED,
        message=_("The worker stopped before this step finished; nothing was changed. Retry it."),
    )


def _retry_job(*, actor, job) -> Job:
    ri = RosterImport.objects.filter(job=job).first()
    if ri is None:
        raise DomainError(_("This import has been started again already."), code="conflict")
    return retry(actor=actor, ri=ri)


jobs.register("roster_parse", task=parse_task, on_interrupt=_interrupted, retry=_retry_job)
jobs.register("roster_apply", task=apply_task, on_interrupt=_interrupted, retry=_retry_job)
