"""Units of the 三创 platform, their people, the six haves, history and the management rules."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.platform.enums import (
    Aggregation,
    EventKind,
    Have,
    InspectionState,
    MemberRole,
    Tier,
    UnitStatus,
)


class PlatformPolicy(models.Model):
    """The platform's configurable rules (one row). Defaults follow the published rules in
    rules.md: 1–3 stars, a municipal-or-higher studio leader, 优秀 ≥ 90 / 良好 ≥ 80 / 合格 ≥ 60."""

    max_stars = models.PositiveSmallIntegerField(_("most stars a star post can have"), default=3)
    star_thresholds = models.JSONField(
        _("score for each star"), default=list, help_text=_("The score a star post needs for 1, 2, 3… stars.")
    )
    studio_leader_level = models.PositiveSmallIntegerField(
        _("a studio leader's lowest honour level"), default=3, help_text=_("1 national, 2 provincial, 3 municipal")
    )
    plaque_prefix = models.CharField(_("plaque number prefix"), max_length=8, default="LX")
    aggregation = models.CharField(
        _("combining reviewers' scores"), max_length=10, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    min_reviewers = models.PositiveSmallIntegerField(_("reviewers needed per unit"), default=2)
    band_excellent = models.PositiveSmallIntegerField(_("优秀 from"), default=90)
    band_good = models.PositiveSmallIntegerField(_("良好 from"), default=80)
    band_pass = models.PositiveSmallIntegerField(_("合格 from"), default=60)
    promote_rounds = models.PositiveSmallIntegerField(
        _("rounds of 优秀 running for a standard-bearer to be a candidate"), default=2
    )
    remove_after_fails = models.PositiveSmallIntegerField(_("rounds of 不合格 that remove the plaque"), default=2)
    warning_days = models.PositiveSmallIntegerField(_("days given to put things right"), default=90)
    grant_new_studio = models.DecimalField(
        _("grant to a new studio (yuan)"), max_digits=12, decimal_places=2, default=50000
    )
    grant_reconfirmed_studio = models.DecimalField(
        _("grant to a re-confirmed studio (yuan)"), max_digits=12, decimal_places=2, default=30000
    )
    tier_weights = models.JSONField(_("funding weight by tier"), default=dict)
    grade_weights = models.JSONField(_("funding weight by grade"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    DEFAULT_STARS = [60, 80, 90]
    DEFAULT_TIER_WEIGHTS = {"studio": "3", "star_post": "2", "standard_bearer": "1"}
    DEFAULT_GRADE_WEIGHTS = {"excellent": "1.5", "good": "1.2", "pass": "1", "fail": "0", "none": "1"}

    class Meta:
        verbose_name = _("platform rules")

    def __str__(self) -> str:
        return str(_("platform rules"))

    @classmethod
    def current(cls) -> PlatformPolicy:
        policy, _created = cls.objects.get_or_create(
            pk=1,
            defaults={
                "star_thresholds": cls.DEFAULT_STARS,
                "tier_weights": cls.DEFAULT_TIER_WEIGHTS,
                "grade_weights": cls.DEFAULT_GRADE_WEIGHTS,
            },
        )
        return policy


class Unit(models.Model):
    """A studio, star post or standard-bearer, from application to plaque and beyond."""

    name = models.CharField(_("name"), max_length=100)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    stars = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=UnitStatus.choices, default=UnitStatus.APPLYING)
    status_since = models.DateField(_("status since"), null=True, blank=True)
    leader = models.ForeignKey(
        "archive.ModelWorker",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_units",
        verbose_name=_("leader"),
    )
    leader_name = models.CharField(
        _("leader (not in the archive)"),
        max_length=50,
        blank=True,
        help_text=_("For a star post or standard-bearer led by someone who is not a model worker."),
    )
    employer = models.ForeignKey(
        "archive.Employer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("employer"),
    )
    union = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="units", verbose_name=_("union")
    )
    field = models.CharField(_("trade or field"), max_length=60, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    founded_on = models.DateField(_("date founded"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    plaque_number = models.CharField(_("plaque number"), max_length=30, null=True, blank=True, unique=True)
    awarded_on = models.DateField(_("plaque awarded on"), null=True, blank=True)
    warning_deadline = models.DateField(_("put right by"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [
            models.Index(fields=["status", "tier"], name="unit_status_tier"),
            models.Index(fields=["union", "status"], name="unit_union_status"),
            models.Index(fields=["leader"], name="unit_leader"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(tier=Tier.STAR_POST), name="unit_stars_star_post"
            ),
            models.CheckConstraint(condition=Q(leader__isnull=False) | ~Q(leader_name=""), name="unit_has_leader"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("platform:unit", args=[self.pk])

    @property
    def is_established(self) -> bool:
        return self.status in (UnitStatus.ACTIVE, UnitStatus.WARNED)

    @property
    def holds_plaque(self) -> bool:
        """A plaque awarded and not removed: only then is there a certificate to print."""
        return bool(self.plaque_number) and self.is_established

    @property
    def leader_display(self) -> str:
        return self.leader.name if self.leader_id else self.leader_name

    @property
    def star_marks(self) -> str:
        return "★" * (self.stars or 0)

    @property
    def title(self) -> str:
        """The name with the tier as it goes on the plaque, stars included."""
        if self.tier == Tier.STAR_POST and self.stars:
            return f"{self.name}（{'★' * self.stars}）"
        return self.name


class TierSpan(models.Model):
    """A stretch of time a unit held its plaque at one tier: the history the yearly counts use."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="spans")
    tier = models.CharField(max_length=20, choices=Tier.choices)
    plaque_number = models.CharField(max_length=30)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("plaque held")
        indexes = [models.Index(fields=["starts_on", "ends_on", "tier"], name="span_dates")]
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=Q(ends_on__isnull=True), name="span_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.tier} {self.starts_on}–{self.ends_on or ''}"


class UnitEvent(models.Model):
    """The unit's history: every change of tier, stars and status, with the reason."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    on = models.DateField()
    before = models.CharField(max_length=60, blank=True)
    after = models.CharField(max_length=60, blank=True)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unit history")
        indexes = [models.Index(fields=["unit", "-id"], name="event_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.on}"


class UnitMember(models.Model):
    """A person of the unit's team: a model worker from the archive, or anyone by name."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="members")
    model_worker = models.ForeignKey(
        "archive.ModelWorker",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="unit_memberships",
        verbose_name=_("model worker"),
    )
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    position = models.CharField(_("post or speciality"), max_length=60, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("member")
        indexes = [models.Index(fields=["unit", "left_on"], name="member_unit")]

    def __str__(self) -> str:
        return self.name


class UnitHave(models.Model):
    """One of the six haves for a unit: met or not, and how."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="haves")
    have = models.CharField(max_length=12, choices=Have.choices)
    met = models.BooleanField(_("met"), default=False)
    note = models.TextField(_("how it is met"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("one of the six haves")
        constraints = [models.UniqueConstraint(fields=["unit", "have"], name="have_once")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.have}"


def evidence_path(instance: Evidence, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{uuid.uuid4().hex}.{suffix}"


class Evidence(models.Model):
    """A file (document, photo) that proves a have, an achievement or an expense."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="evidence")
    have = models.CharField(max_length=12, choices=Have.choices, blank=True)
    achievement = models.ForeignKey(
        "platform.Achievement", on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_path)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("evidence")
        indexes = [models.Index(fields=["unit", "have"], name="evidence_unit")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.original_name.lower().endswith((".jpg", ".jpeg", ".png"))


class Inspection(models.Model):
    """督查: what the inspectors found, and the follow-up until it is put right."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField(_("date"))
    inspectors = models.CharField(_("inspectors"), max_length=200)
    findings = models.TextField(_("findings"))
    deadline = models.DateField(_("put right by"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=InspectionState.choices, default=InspectionState.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        indexes = [
            models.Index(fields=["unit", "-inspected_on"], name="inspection_unit"),
            models.Index(fields=["state", "deadline"], name="inspection_open"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.inspected_on}"


class FollowUp(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="follow_ups")
    on = models.DateField(_("date"))
    note = models.TextField(_("what was done"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.on}"


class Meeting(models.Model):
    """例会: a regular meeting of the unit."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    attendees = models.TextField(_("attendees"))
    minutes = models.TextField(_("minutes"))
    decisions = models.TextField(_("decisions"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        indexes = [models.Index(fields=["unit", "-held_on"], name="meeting_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.held_on}"
