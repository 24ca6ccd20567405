import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")
    # The worker running it stopped (killed, machine restarted): nothing of it was kept.
    INTERRUPTED = "interrupted", _("Interrupted, can be retried")


class Job(models.Model):
    """A piece of background work a user waits for: its progress bar and its result file.

    The task itself runs through Django's tasks API (django-tasks, database backend); this
    row is what the page polls, so progress survives a worker restart and is scoped to its
    owner. ``worker`` and ``heartbeat_at`` are its lease: a job whose worker is gone is seen
    as interrupted (``core.jobs.sweep``), and a retry is a new job (``retried_as``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to="jobs/", blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)  # the django-tasks result
    worker = models.CharField(max_length=200, blank=True)  # host:pid:start of the process running it
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    retried_as = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retry_of")

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_by", "created_at"], name="job_owner"),
            models.Index(fields=["status"], name="job_status", condition=models.Q(status__in=["queued", "running"])),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("core:job", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(99, int(self.progress_done * 100 / self.progress_total))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.INTERRUPTED)
