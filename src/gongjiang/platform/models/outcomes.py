"""Outcomes: achievements of units and people, mentoring, and the five-year targets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongjiang.platform.enums import (
    AchievementKind,
    AchievementLevel,
    HonourScope,
    MentorshipState,
    ProjectRole,
    ProjectStatus,
)


class Achievement(models.Model):
    """A research project, new product or technology, award, honour, patent or paper."""

    unit = models.ForeignKey(
        "platform.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="achievements",
        verbose_name=_("unit"),
    )
    person = models.ForeignKey(
        "archive.ModelWorker",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="achievements",
        verbose_name=_("model worker"),
    )
    person_name = models.CharField(_("person"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AchievementKind.choices)
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=AchievementLevel.choices, blank=True)
    role = models.CharField(_("role in the project"), max_length=10, choices=ProjectRole.choices, blank=True)
    project_status = models.CharField(_("project status"), max_length=10, choices=ProjectStatus.choices, blank=True)
    scope = models.CharField(_("collective or individual"), max_length=10, choices=HonourScope.choices, blank=True)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    achieved_on = models.DateField(_("date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("achievement")
        indexes = [
            models.Index(fields=["unit", "kind", "year"], name="achievement_unit", condition=Q(voided_at__isnull=True)),
            models.Index(fields=["kind", "year"], name="achievement_kind", condition=Q(voided_at__isnull=True)),
            models.Index(fields=["person"], name="achievement_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(person__isnull=False) | ~Q(person_name=""),
                name="achievement_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner(self) -> str:
        if self.person_id:
            return self.person.name
        return self.person_name


class Mentorship(models.Model):
    """名师带徒: a signed agreement between a master and an apprentice, and what came of it."""

    unit = models.ForeignKey(
        "platform.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentorships",
        verbose_name=_("unit"),
    )
    master = models.ForeignKey(
        "archive.ModelWorker",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="apprenticeships",
        verbose_name=_("master (model worker)"),
    )
    master_name = models.CharField(_("master"), max_length=50)
    apprentice_name = models.CharField(_("apprentice"), max_length=50)
    agreed_on = models.DateField(_("agreement signed on"))
    ends_on = models.DateField(_("until"))
    goals = models.TextField(_("goals"))
    state = models.CharField(_("state"), max_length=10, choices=MentorshipState.choices, default=MentorshipState.ACTIVE)
    contest_place = models.CharField(_("contest place"), max_length=100, blank=True)
    grade_reached = models.CharField(_("grade reached"), max_length=60, blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    reward = models.CharField(_("reward"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mentorship")
        indexes = [models.Index(fields=["unit", "-agreed_on"], name="mentorship_unit")]

    def __str__(self) -> str:
        return f"{self.master_name} → {self.apprentice_name}"


class Target(models.Model):
    """A five-year plan's targets (e.g. 十三五: 20 studios, 50 star posts, 100 standard-bearers)."""

    name = models.CharField(_("plan"), max_length=40, unique=True)
    first_year = models.PositiveSmallIntegerField(_("from year"))
    last_year = models.PositiveSmallIntegerField(_("to year"))
    studios = models.PositiveIntegerField(_("studios"))
    star_posts = models.PositiveIntegerField(_("star posts"))
    standard_bearers = models.PositiveIntegerField(_("standard-bearers"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("target")
        ordering = ["-last_year"]
        constraints = [models.CheckConstraint(condition=Q(last_year__gte=models.F("first_year")), name="target_years")]

    def __str__(self) -> str:
        return self.name
