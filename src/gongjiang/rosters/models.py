import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    PARSING = "parsing", _("Reading")
    PARSED = "parsed", _("Ready to confirm")
    FAILED = "failed", _("Could not be read")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    UNDONE = "undone", _("Undone")
    CANCELLED = "cancelled", _("Cancelled")
    # The worker reading or applying it stopped; nothing of that run was kept.
    INTERRUPTED = "interrupted", _("Interrupted, can be retried")


class RowAction(models.TextChoices):
    NEW = "new", _("New")
    UPDATE = "update", _("Updated")
    UNCHANGED = "unchanged", _("Unchanged")
    CANDIDATE = "candidate", _("To confirm")
    REJECT = "reject", _("Rejected")
    SKIP = "skip", _("Skipped")


class SheetState(models.TextChoices):
    """What became of each sheet of a workbook."""

    READ = "read", pgettext_lazy("sheet", "Read")
    HIDDEN = "hidden", _("Hidden: not read")
    VERY_HIDDEN = "very_hidden", _("Hidden: not read")
    NOT_CELLS = "not_cells", _("A chart, not a table: not read")
    NO_HEADER = "no_header", _("No header found: not read")
    EMPTY = "empty", pgettext_lazy("sheet", "Empty")


class Decision(models.TextChoices):
    UNDECIDED = "", _("Not decided")
    MERGE = "merge", _("Same person: update the existing record")
    NEW = "new", _("Another person: create a new record")
    SKIP = "skip", _("Skip these rows")


class ImportMapping(models.Model):
    """A column mapping saved for the next file of the same shape."""

    name = models.CharField(_("name"), max_length=100)
    signature = models.TextField(_("headers"))
    columns = models.JSONField(_("columns"), default=dict)  # header text → field key
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("saved column mapping")
        verbose_name_plural = _("saved column mappings")
        ordering = ["-last_used_at", "-created_at"]

    def __str__(self) -> str:
        return self.name


def import_path(instance, filename: str) -> str:

    return f"imports/{uuid.uuid4().hex}"


class RosterImport(models.Model):
    """One uploaded roster: the file, who brought it, what it would do and what it did."""

    # Empty for an import run from the command line (a scheduled job).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    default_union = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("union for rows without one"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(upload_to=import_path)
    original_name = models.CharField(_("file"), max_length=255)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    file_format = models.CharField(max_length=8, blank=True)
    encoding = models.CharField(max_length=16, blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    sheets = models.JSONField(default=list, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), null=True, blank=True)  # 1-based, last header row
    header_rows = models.PositiveSmallIntegerField(default=1)
    headers = models.JSONField(default=list, blank=True)  # header text per column
    mapping = models.JSONField(default=list, blank=True)  # field key per column ("" = not imported)
    mapping_source = models.CharField(max_length=100, blank=True)  # "detected" or a saved mapping's name
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    message = models.TextField(blank=True)
    counts = models.JSONField(default=dict, blank=True)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    via = models.CharField(max_length=10, default="web")

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("rosters:detail", args=[self.pk])


class ImportRow(models.Model):
    """One data row of the file: its cells as they were, what it would do, and why not."""

    roster_import = models.ForeignKey(RosterImport, on_delete=models.CASCADE, related_name="rows")
    sheet = models.CharField(_("sheet"), max_length=100, blank=True, default="")
    row_number = models.PositiveIntegerField()  # as in the sheet, 1-based
    person = models.PositiveIntegerField(default=0)  # rows of one person share this number
    cells = models.JSONField(default=list)  # the cells as text, as they were
    action = models.CharField(max_length=10, choices=RowAction.choices)
    problems = models.JSONField(default=list, blank=True)  # [{"column": "身份证号", "message": "…"}]
    changes = models.JSONField(default=dict, blank=True)  # field → [before, after]; "honours" → [titles]
    worker = models.ForeignKey(
        "archive.ModelWorker", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    candidate = models.ForeignKey(
        "archive.ModelWorker", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=6, choices=Decision.choices, blank=True, default="")
    # The row as read (values, honours, problems): applying re-plans from this, not the file.
    parsed = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("import row")
        # Rows are stored in the file's order (sheet by sheet), so their ids keep it.
        ordering = ["id"]
        indexes = [models.Index(fields=["roster_import", "action", "id"], name="importrow_action_order")]

    def __str__(self) -> str:
        return f"{self.roster_import_id}:{self.row_number}"


class ImportedRecord(models.Model):
    """What an applied import did to one record: enough to undo it, and to know it is safe to."""

    roster_import = models.ForeignKey(RosterImport, on_delete=models.PROTECT, related_name="effects")
    worker = models.ForeignKey("archive.ModelWorker", on_delete=models.PROTECT, related_name="+")
    created = models.BooleanField(default=False)
    before = models.JSONField(default=dict, blank=True)  # changed fields' values before the import
    honours = models.JSONField(default=list, blank=True)  # ids of honours the import added
    version_after = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("imported record")
        constraints = [
            models.UniqueConstraint(fields=["roster_import", "worker"], name="imported_record_once"),
        ]

    def __str__(self) -> str:
        return f"{self.roster_import_id}→{self.worker_id}"
