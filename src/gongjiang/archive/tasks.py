"""Background work of the archive. Tasks take primary keys and call services."""

import dataclasses
import tempfile
from pathlib import Path

from django.core.files import File
from django_tasks import task

from gongjiang.archive import exports, selectors, services
from gongjiang.core.jobs import Progress, run_job


@task()
def export_roster_task(job_id: str) -> None:
    run_job(job_id, _export)


def _export(job) -> dict:
    params = job.params
    filters = selectors.ListFilters(**params["filters"])
    total = selectors.filtered_model_workers(job.created_by, filters).count()
    progress = Progress(job, total)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xlsx"
        n = services.export_roster(
            actor=job.created_by,
            filters=filters,
            description=params.get("description", ""),
            unmasked=params.get("unmasked", False),
            dest=str(path),
            columns=params.get("columns"),
            progress=progress.advance,
        )
        with path.open("rb") as fh:
            job.result_file.save(f"{job.pk}.xlsx", File(fh), save=False)
    job.result_name = exports.export_filename()
    job.save(update_fields=["result_file", "result_name"])
    return {"rows": n}


def filters_params(filters: selectors.ListFilters) -> dict:
    return dataclasses.asdict(filters)
