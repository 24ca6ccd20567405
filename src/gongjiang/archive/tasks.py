"""Background work of the archive. Tasks take primary keys and call services."""

import dataclasses
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _
from django_tasks import task

from gongjiang.archive import exports, selectors, services
from gongjiang.core import jobs
from gongjiang.core.downloads import file_download
from gongjiang.core.jobs import Progress, run_job, start_job


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


def export_list(*, actor, filters, description: str, unmasked: bool, columns, ip: str | None):
    """The list as filtered, for the page and the API alike: a small list at once as an .xlsx
    download; a large one as a background job (returned) with a progress bar."""

    limit = settings.GONGJIANG["EXPORT_INLINE_LIMIT"]
    if selectors.filtered_model_workers(actor, filters)[: limit + 1].count() > limit:
        return start_job(
            actor=actor,
            kind="export_roster",
            title=_("Export of the model-worker roster"),
            params={
                "filters": filters_params(filters),
                "description": description,
                "unmasked": unmasked,
                "columns": columns,
                "ip": ip,
            },
            task=export_roster_task,
        )
    return file_download(
        lambda path: services.export_roster(
            actor=actor, filters=filters, description=description, unmasked=unmasked, dest=path, columns=columns
        ),
        exports.export_filename(),
    )


jobs.register("export_roster", task=export_roster_task)
