"""Kill -9 for real: a worker process killed mid-apply, a batch generation killed mid-way.

Each test starts real processes on the test database (a file on SQLite, the test database on
PostgreSQL), stops one at a known point inside its transaction (``tests/processes.py``),
kills it with SIGKILL, and checks that nothing of it was kept and that the retry completes
exactly once.
"""

import datetime as dt
import os
import signal

import pytest
from django.db import connection
from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive.models import Honour, ModelWorker
from gongjiang.benefits import services as benefits
from gongjiang.benefits.models import Batch, BatchLine, LeftOut
from gongjiang.core.models import Job, JobStatus
from gongjiang.rosters import services, tasks
from gongjiang.rosters.models import ImportedRecord, ImportStatus, RosterImport
from tests.benefits.conftest import allowance_scheme, retiree
from tests.processes import environment, start, wait_for
from tests.rosters.conftest import idn, xlsx

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 120
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
WORKER = ["manage.py", "worker", "--no-startup-delay", "--interval", "0.2", "--no-reload"]


def roster(n: int) -> bytes:
    rows = [["姓名", "身份证号", "荣誉称号", "单位"]]
    for i in range(n):
        rows.append(
            [f"劳模{chr(0x4E00 + i)}", idn((1950 + i % 40, 1 + i % 12, 1 + i % 28), seq=i), "2005年省劳模", "单位甲"]
        )
    return xlsx(rows)


def kill(process) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def stop(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except Exception:
            kill(process)


def status_of(ri) -> str:
    return RosterImport.objects.values_list("status", flat=True).get(pk=ri.pk)


def test_a_worker_killed_mid_apply_leaves_nothing_and_the_retry_imports_once(staff_user, union_a, settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    ri = services.upload(actor=staff_user, name="名册.xlsx", data=roster(PEOPLE), default_union=union_a)
    ri = services.parse(ri)
    assert (ri.status, ri.counts["new"]) == (ImportStatus.PARSED, PEOPLE)
    ri = services.confirm(actor=staff_user, ri=ri, decisions={})
    first_job = tasks.start_apply(actor=staff_user, ri=ri)
    env = environment(connection, tmp_path)

    # A worker takes the job and is killed inside the apply's transaction.
    marker, log = tmp_path / "paused", tmp_path / "first.log"
    doomed = start(
        [
            "-m",
            "tests.processes",
            "worker",
            "--pause-after",
            "gongjiang.rosters.services.applying:_carry_out",
            "--marker",
            str(marker),
            *WORKER[2:],
        ],
        env,
        log,
    )
    try:
        wait_for(marker.exists, 60, "the worker to reach the middle of the apply", log, doomed)
    finally:
        kill(doomed)
    assert (ModelWorker.objects.count(), Honour.objects.count(), ImportedRecord.objects.count()) == (0, 0, 0)
    assert (status_of(ri), Job.objects.get(pk=first_job.pk).status) == (ImportStatus.APPLYING, JobStatus.RUNNING)

    # Another worker starts: it finds the job interrupted and hands the import back.
    log = tmp_path / "second.log"
    worker = start(WORKER, env, log)
    try:
        wait_for(lambda: status_of(ri) == ImportStatus.INTERRUPTED, 60, "the sweep at the worker's start", log, worker)
        assert Job.objects.get(pk=first_job.pk).status == JobStatus.INTERRUPTED

        assert DBTaskResult.objects.get(pk=Job.objects.get(pk=first_job.pk).task_id).status == "FAILED"
        retry = tasks.retry(actor=staff_user, ri=RosterImport.objects.get(pk=ri.pk))
        wait_for(lambda: status_of(ri) == ImportStatus.APPLIED, 120, "the retry to apply", log, worker)
        wait_for(
            lambda: Job.objects.get(pk=retry.pk).status == JobStatus.DONE, 30, "the retry's job to finish", log, worker
        )
    finally:
        stop(worker)
    assert "发现 1 个已中断的任务" in log.read_text()

    # Exactly one import: its records, its honours, its undo records and its audit entries.
    ri.refresh_from_db()
    assert ri.counts["created_people"] == PEOPLE
    assert (ModelWorker.objects.count(), Honour.objects.count()) == (PEOPLE, PEOPLE)
    assert ImportedRecord.objects.filter(roster_import=ri, created=True).count() == PEOPLE
    per_person = AuditEntry.objects.filter(detail__import=ri.pk)
    assert list(per_person.values_list("action").annotate(n=Count("id"))) == [(AuditAction.CREATE, PEOPLE)]
    assert per_person.values("model_worker_id").distinct().count() == PEOPLE
    steps = AuditEntry.objects.filter(object_type="rosters.rosterimport", object_id=str(ri.pk))
    assert sorted(steps.exclude(detail__step=None).values_list("detail__step", flat=True)) == [
        "apply",
        "retry",
        "upload",
    ]
    services.undo(actor=staff_user, ri=ri)  # the audit log agrees: nothing else touched them
    assert ModelWorker.objects.filter(archived_at__isnull=True).count() == 0


def test_a_batch_generation_killed_half_way_leaves_nothing_and_runs_again_once(staff_user, union_a, settings, tmp_path):
    scheme = allowance_scheme(staff_user)
    people = [retiree(union_a, actor=staff_user, name=f"退{i}") for i in range(40)]
    retiree(union_a, actor=staff_user, account=False, name="无卡")
    marker, log = tmp_path / "paused", tmp_path / "generate.log"
    process = start(
        [
            "-m",
            "tests.processes",
            "generate",
            "--pause-after",
            "gongjiang.benefits.services.batches:refresh_totals",
            "--marker",
            str(marker),
            "--user",
            str(staff_user.pk),
            "--scheme",
            str(scheme.pk),
            "--period",
            "2026-11-01",
        ],
        environment(connection, tmp_path),
        log,
    )
    try:
        wait_for(marker.exists, 60, "the generation to have written its lines", log, process)
    finally:
        kill(process)
    assert (Batch.objects.count(), BatchLine.objects.count(), LeftOut.objects.count()) == (0, 0, 0)
    assert not AuditEntry.objects.filter(object_type="benefits.batch").exists()
    batch = benefits.generate_batch(actor=staff_user, scheme=scheme, period=dt.date(2026, 11, 1))
    assert (Batch.objects.count(), batch.line_count, batch.left_out_count) == (1, 40, 1)
    assert sorted(batch.lines.values_list("model_worker_id", flat=True)) == sorted(p.pk for p in people)
    assert AuditEntry.objects.filter(object_type="benefits.batch").count() == 1
