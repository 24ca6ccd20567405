"""Background work of the rosters: reading a file and applying an import (with progress)."""

from django.utils.translation import gettext as _
from django_tasks import task

from gongjiang.core.jobs import run_job, start_job
from gongjiang.core.models import Job
from gongjiang.rosters import services
from gongjiang.rosters.models import ImportStatus, RosterImport


def _reporter(job):
    def report(done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    return report


@task()
def parse_task(job_id: str) -> None:
    run_job(job_id, _parse)


def _parse(job) -> dict:
    ri = RosterImport.objects.get(pk=job.params["import"])
    RosterImport.objects.filter(pk=ri.pk).update(status=ImportStatus.PARSING)
    try:
        ri = services.parse(ri, progress=_reporter(job))
    except Exception:
        RosterImport.objects.filter(pk=ri.pk).update(status=ImportStatus.FAILED, message=_("Reading failed."))
        raise
    return {"next_url": ri.get_absolute_url(), "status": ri.status}


@task()
def apply_task(job_id: str) -> None:
    run_job(job_id, _apply)


def _apply(job) -> dict:
    ri = RosterImport.objects.get(pk=job.params["import"])
    try:
        counts = services.apply(ri, progress=_reporter(job))
    except Exception:
        # The transaction rolled back: nothing changed, and the import can be confirmed again.
        RosterImport.objects.filter(pk=ri.pk).update(status=ImportStatus.PARSED)
        raise
    return {"next_url": ri.get_absolute_url(), **{k: v for k, v in counts.items() if not k.startswith("people_")}}


def start_parse(*, actor, ri: RosterImport) -> Job:
    job = start_job(
        actor=actor,
        kind="roster_parse",
        title=_("Reading %(f)s") % {"f": ri.original_name},
        params={"import": ri.pk},
        task=parse_task,
    )
    RosterImport.objects.filter(pk=ri.pk).update(job=job)
    return job


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
