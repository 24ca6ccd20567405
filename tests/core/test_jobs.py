"""Background jobs under a lease: a job whose worker is gone is interrupted, what it worked on
goes back to the user (「已中断，可重试」), and a retry runs it once."""

import datetime as dt
import socket
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive.models import ModelWorker
from gongjiang.core import jobs
from gongjiang.core.errors import DomainError
from gongjiang.core.models import Job, JobStatus
from gongjiang.rosters import tasks
from gongjiang.rosters.models import ImportedRecord, ImportStatus, RosterImport
from tests.api.conftest import ApiClient, token_for
from tests.factories import ModelWorkerFactory
from tests.rosters.conftest import idn, xlsx


def dead_worker() -> str:
    """The name a worker process had, once that process has ended."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        name = f"{socket.gethostname()}:{process.pid}:{jobs.process_started(process.pid)}"
    finally:
        process.kill()
        process.wait()
    return name


def running(job: Job, worker: str, beat: dt.datetime | None = None) -> Job:
    """The job as a worker left it when it claimed it (and, for a dead one, died)."""
    beat = beat or timezone.now()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=beat, heartbeat_at=beat, worker=worker)
    job.refresh_from_db()
    return job


@pytest.fixture
def export_job(staff_user):
    return Job.objects.create(kind="export_roster", title="导出", created_by=staff_user, params={"filters": {}})


def test_a_job_whose_process_has_ended_is_interrupted_at_once(export_job):
    running(export_job, dead_worker())
    assert jobs.sweep() == 1
    export_job.refresh_from_db()
    assert export_job.status == JobStatus.INTERRUPTED
    assert export_job.get_status_display() == "已中断，可重试"
    assert export_job.message.startswith("执行此任务的进程已于")
    assert jobs.sweep() == 0


def test_a_live_workers_job_is_left_alone_however_old_its_heartbeat(export_job):
    running(export_job, jobs.this_process(), beat=timezone.now() - dt.timedelta(hours=3))
    assert jobs.sweep() == 0
    export_job.refresh_from_db()
    assert export_job.status == JobStatus.RUNNING


def test_a_worker_on_another_machine_is_gone_when_its_lease_runs_out(export_job, settings):
    settings.GONGJIANG = {**settings.GONGJIANG, "JOB_LEASE_SECONDS": 60}
    running(export_job, "db-host-2:4242:99", beat=timezone.now() - dt.timedelta(seconds=30))
    assert jobs.sweep() == 0
    Job.objects.filter(pk=export_job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(seconds=61))
    assert jobs.sweep() == 1
    export_job.refresh_from_db()
    assert export_job.status == JobStatus.INTERRUPTED


def test_an_interrupted_export_is_retried_from_its_page_once(
    client_for, staff_user, union_a, settings, django_capture_on_commit_callbacks
):
    settings.GONGJIANG = {**settings.GONGJIANG, "EXPORT_INLINE_LIMIT": 2}
    for i in range(4):
        ModelWorkerFactory(name=f"孙{'一二三四'[i]}", union=union_a)
    client = client_for(staff_user)
    client.post(reverse("archive:export"), {})  # the worker takes the job …
    job = running(Job.objects.get(), dead_worker())  # … and dies with it
    page = client.get(job.get_absolute_url()).content.decode()
    assert "已中断，可重试" in page
    assert "重试</button>" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:job_retry", args=[job.pk]))
    new = Job.objects.exclude(pk=job.pk).get()
    assert response["Location"] == new.get_absolute_url()
    assert (new.status, new.result, new.kind, new.params) == (JobStatus.DONE, {"rows": 4}, job.kind, job.params)
    # A second click finds the retry that was made; nothing runs twice.
    again = client.post(reverse("core:job_retry", args=[job.pk]))
    assert again["Location"] == new.get_absolute_url()
    assert Job.objects.count() == 2
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 1


ROSTER = [["姓名", "身份证号", "荣誉称号", "单位"]] + [
    [name, idn((1960 + i, 3, 1), seq=i), "2005年省劳模", "单位甲"]
    for i, name in enumerate(["张三", "李四", "王五", "赵六", "周七"], 1)
]


@pytest.fixture
def confirmed(client_for, staff_user, union_a, django_capture_on_commit_callbacks):
    """An import read and confirmed, whose apply job a worker took and then died."""
    client = client_for(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/rosters/", {"file": SimpleUploadedFile("名册.xlsx", xlsx(ROSTER)), "default_union": union_a.pk})
    ri = RosterImport.objects.get()
    assert ri.status == ImportStatus.PARSED
    client.post(f"/rosters/{ri.pk}/confirm/")  # the job is queued, not run
    ri.refresh_from_db()
    assert ri.status == ImportStatus.APPLYING
    running(ri.job, dead_worker())
    return client, ri


def test_an_import_whose_worker_died_is_interrupted_on_its_page_and_retried_once(
    confirmed, django_capture_on_commit_callbacks
):
    client, ri = confirmed
    page = client.get(f"/rosters/{ri.pk}/").content.decode()
    ri.refresh_from_db()
    assert (ri.status, ri.job.status) == (ImportStatus.INTERRUPTED, JobStatus.INTERRUPTED)
    assert "已中断，可重试" in page
    assert 'id="retry-button"' in page
    assert ModelWorker.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/rosters/{ri.pk}/retry/")
    ri.refresh_from_db()
    assert (ri.status, ri.counts["created_people"]) == (ImportStatus.APPLIED, 5)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/rosters/{ri.pk}/retry/")  # a second click: the import is applied, nothing more
    assert ModelWorker.objects.count() == 5
    assert ImportedRecord.objects.filter(roster_import=ri).count() == 5
    steps = list(
        AuditEntry.objects.filter(object_type="rosters.rosterimport", object_id=str(ri.pk))
        .exclude(detail__step=None)
        .order_by("id")
        .values_list("detail__step", flat=True)
    )
    assert steps == ["upload", "retry", "apply"]


def test_the_api_shows_the_import_interrupted_and_retries_it(
    confirmed, client, staff_user, django_capture_on_commit_callbacks
):
    _client, ri = confirmed
    api = ApiClient(client, token_for(staff_user))
    body = api.get(f"/rosters/{ri.pk}").json()
    assert (body["status"], body["status_label"], body["job"]["status"]) == (
        "interrupted",
        "已中断，可重试",
        "interrupted",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/rosters/{ri.pk}/retry")
    assert (response.status_code, response.json()["status"]) == (200, "applying")  # in the background
    assert api.get(f"/rosters/{ri.pk}").json()["status"] == "applied"
    again = api.post(f"/rosters/{ri.pk}/retry")
    assert (again.status_code, again.json()["message"]) == (409, "只有已中断的导入可以重试。")
    assert ModelWorker.objects.count() == 5


def test_a_run_thought_lost_cannot_apply_the_import_after_its_retry_did(confirmed):
    _client, ri = confirmed
    jobs.sweep()
    ri.refresh_from_db()
    old = ri.job
    tasks.retry(actor=ri.created_by, ri=ri)  # the new run, queued
    ri.refresh_from_db()
    assert ri.job_id != old.pk
    with pytest.raises(DomainError):
        tasks.apply_job(old)  # the old run, had its worker only been slow
    ri.refresh_from_db()
    assert (ri.status, ModelWorker.objects.count()) == (ImportStatus.APPLYING, 0)
