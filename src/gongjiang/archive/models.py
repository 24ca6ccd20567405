from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.archive.codes import (
    EDUCATION_NAMES,
    EDUCATIONS,
    ETHNICITIES,
    ETHNICITY_NAMES,
    POLITICAL_AFFILIATIONS,
    POLITICAL_NAMES,
)
from gongjiang.archive.enums import (
    HardshipCategory,
    HonourKind,
    Housing,
    Level,
    Relation,
    ReviewOutcome,
    Sex,
    Status,
    Verification,
)
from gongjiang.core.fields import BinaryCharField


class Employer(models.Model):
    """A work unit (工作单位). Kept as its own table so that "people of this employer" is an
    indexed lookup and one employer is spelled one way across the archive."""

    name = BinaryCharField(_("employer"), max_length=100, unique=True)
    union = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("union"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employers",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def photo_path(instance: ModelWorker, filename: str) -> str:

    return f"photos/{uuid.uuid4().hex}.jpg"


LIVE = Q(archived_at__isnull=True)


class ModelWorker(models.Model):
    """One record per person (一人一档)."""

    name = BinaryCharField(_("name"), max_length=50)
    name_pinyin = BinaryCharField(_("pinyin"), max_length=200, editable=False, default="")
    name_initials = BinaryCharField(_("pinyin initials"), max_length=50, editable=False, default="")
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNICITIES, default="01")
    birth_date = models.DateField(_("date of birth"))
    # Unique among verified records only (constraint below): a union's submission of a number
    # that a record outside its scope holds is kept, pending, for the federation to resolve —
    # refusing it would tell the union that the number is someone's (issue 10).
    id_number = models.CharField(_("ID number"), max_length=18, null=True, blank=True, db_index=True)
    id_last4 = models.CharField(max_length=4, editable=False, blank=True, default="")
    political_affiliation = models.CharField(
        _("political affiliation"), max_length=2, choices=POLITICAL_AFFILIATIONS, blank=True
    )
    education = models.CharField(_("education"), max_length=2, choices=EDUCATIONS, blank=True)
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="model_workers",
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    title_or_grade = models.CharField(_("professional title or skill grade"), max_length=100, blank=True)
    # Care puts the grass roots first (基层一线、苦脏累险岗位): recuperation stays go to them first.
    front_line = models.BooleanField(
        _("front line or harsh job"),
        default=False,
        db_default=False,  # bulk loads that name no such column are not front line
        help_text=_("Works at the grass roots, on the front line or in a hard, dirty, tiring or risky job."),
    )
    union = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="model_workers",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WORKING)
    retired_on = models.DateField(_("retirement date"), null=True, blank=True)
    died_on = models.DateField(_("date of death"), null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    deeds = models.TextField(_("deeds"), blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    # Kept by the archive services in the same transaction as every honour change: the
    # highest level among the person's model-worker honours that are neither revoked nor void.
    highest_level = models.PositiveSmallIntegerField(
        _("highest level"), choices=Level.choices, default=Level.NONE, editable=False
    )
    in_hardship = models.BooleanField(_("in hardship"), default=False, editable=False)
    verification = models.CharField(
        _("verification"),
        max_length=10,
        choices=Verification.choices,
        default=Verification.CONFIRMED,
        db_default=Verification.CONFIRMED,  # bulk loads that name no such column are verified
        editable=False,
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    archive_reason = models.CharField(_("reason for archiving"), max_length=200, blank=True)
    # A duplicate merged into another record stays, archived, pointing at the record it joined.
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Optimistic locking: an edit made on a stale page is refused instead of silently
    # overwriting a colleague's change.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("model worker")
        verbose_name_plural = _("model workers")
        # The list's orders and searches walk these in order; they cover the live records only
        # (archived ones are few and listed on request), so a capped count is an index-only scan.
        indexes = [
            models.Index(fields=["highest_level", "name_pinyin", "id"], name="mw_level_pinyin", condition=LIVE),
            models.Index(fields=["name_pinyin", "id"], name="mw_pinyin", condition=LIVE),
            models.Index(fields=["name_initials", "name_pinyin", "id"], name="mw_initials", condition=LIVE),
            models.Index(fields=["name", "id"], name="mw_name", condition=LIVE),
            models.Index(fields=["birth_date", "id"], name="mw_birth", condition=LIVE),
            models.Index(fields=["updated_at", "id"], name="mw_updated", condition=LIVE),
            models.Index(fields=["union", "highest_level", "name_pinyin", "id"], name="mw_union_level", condition=LIVE),
            models.Index(fields=["id_last4"], name="mw_id_last4"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=Q(verification="confirmed"), name="mw_id_number_verified"
            ),
            models.CheckConstraint(condition=Q(highest_level__in=[1, 2, 3, 4, 9]), name="mw_level_valid"),
            models.CheckConstraint(
                condition=Q(died_on__isnull=True) | Q(died_on__gte=models.F("birth_date")),
                name="mw_death_after_birth",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("archive:detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_pending(self) -> bool:
        return self.verification == Verification.PENDING

    @property
    def ethnicity_name(self) -> str:
        return ETHNICITY_NAMES.get(self.ethnicity, "")

    @property
    def political_name(self) -> str:
        return POLITICAL_NAMES.get(self.political_affiliation, "")

    @property
    def education_name(self) -> str:
        return EDUCATION_NAMES.get(self.education, "")

    def age_on(self, day: dt.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class Honour(models.Model):
    """One award to one person in one year by one body."""

    model_worker = models.ForeignKey(
        ModelWorker, verbose_name=_("model worker"), on_delete=models.PROTECT, related_name="honours"
    )
    title = models.CharField(_("honour title"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=HonourKind.choices, default=HonourKind.MODEL_WORKER)
    level = models.PositiveSmallIntegerField(_("level"), choices=[c for c in Level.choices if c[0] != Level.NONE])
    awarding_body = models.CharField(_("awarding body"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True)
    # Entered in error: kept for the record, ignored everywhere else.
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["year", "level", "id"]
        indexes = [
            models.Index(fields=["year", "level"], name="honour_year_level"),
            models.Index(fields=["kind", "year", "model_worker"], name="honour_kind_year"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=1949) & Q(year__lte=2100), name="honour_year_range"),
            models.CheckConstraint(condition=Q(level__in=[1, 2, 3, 4]), name="honour_level_valid"),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | ~Q(revocation_reason=""),
                name="honour_revoked_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def is_effective(self) -> bool:
        return self.revoked_on is None and self.voided_at is None


class FamilyMember(models.Model):
    model_worker = models.ForeignKey(
        ModelWorker, verbose_name=_("model worker"), on_delete=models.PROTECT, related_name="family_members"
    )
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    name = models.CharField(_("name"), max_length=50)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    employment = models.CharField(_("work or occupation"), max_length=100, blank=True)
    health = models.CharField(_("health"), max_length=100, blank=True)
    monthly_income = models.DecimalField(
        _("monthly income (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_reason = models.CharField(_("reason for removal"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_income__isnull=True) | Q(monthly_income__gte=0),
                name="family_income_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()} {self.name}"


class HardshipFile(models.Model):
    """困难劳模档案: the facts that decide and justify aid."""

    model_worker = models.OneToOneField(
        ModelWorker, verbose_name=_("model worker"), on_delete=models.PROTECT, related_name="hardship_file"
    )
    is_active = models.BooleanField(_("in hardship now"), default=True)
    category = models.CharField(_("hardship category"), max_length=20, choices=HardshipCategory.choices)
    established_on = models.DateField(_("file opened on"))
    ended_on = models.DateField(_("file closed on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)
    health = models.TextField(_("health and illness"), blank=True)
    serious_illness = models.BooleanField(_("serious illness"), default=False)
    monthly_income = models.DecimalField(
        _("own monthly income (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    family_monthly_income = models.DecimalField(
        _("household monthly income (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    family_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True)
    housing = models.CharField(_("housing"), max_length=20, choices=Housing.choices, blank=True)
    housing_area = models.DecimalField(_("living space (m²)"), max_digits=7, decimal_places=2, null=True, blank=True)
    housing_note = models.CharField(_("housing details"), max_length=200, blank=True)
    needs_and_wishes = models.TextField(_("needs and wishes"), blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hardship file")
        verbose_name_plural = _("hardship files")
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_income__isnull=True) | Q(monthly_income__gte=0),
                name="hardship_income_positive",
            ),
            models.CheckConstraint(
                condition=Q(family_monthly_income__isnull=True) | Q(family_monthly_income__gte=0),
                name="hardship_family_income_positive",
            ),
            models.CheckConstraint(
                condition=Q(family_size__isnull=True) | Q(family_size__gte=1), name="hardship_family_size"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Hardship file of %(name)s") % {"name": self.model_worker.name})

    @property
    def per_capita_income(self) -> Decimal | None:
        if self.family_monthly_income is None or not self.family_size:
            return None
        return (self.family_monthly_income / self.family_size).quantize(Decimal("0.01"))


class HardshipSpell(models.Model):
    """One stretch of time a person was in hardship (困难期): when and why they entered and left.

    Opening and closing the hardship file open and end spells; a person has at most one open
    spell, spells never overlap, and none is deleted (a mistaken one is corrected, audited). The
    counts "as of" a past date read these; ``ModelWorker.in_hardship`` is the "now" mirror."""

    model_worker = models.ForeignKey(
        ModelWorker, verbose_name=_("model worker"), on_delete=models.PROTECT, related_name="hardship_spells"
    )
    entered_on = models.DateField(_("entered hardship on"))
    entry_reason = models.CharField(_("reason for entering"), max_length=200, blank=True)
    left_on = models.DateField(_("left hardship on"), null=True, blank=True)
    exit_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hardship spell")
        verbose_name_plural = _("hardship spells")
        ordering = ["entered_on", "id"]
        # "In hardship on day D": entered_on <= D < left_on, looked up per person.
        indexes = [models.Index(fields=["model_worker", "entered_on", "left_on"], name="hardship_spell_dates")]
        constraints = [
            models.UniqueConstraint(
                fields=["model_worker"], condition=Q(left_on__isnull=True), name="hardship_one_open_spell"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("entered_on")),
                name="hardship_spell_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Hardship from %(on)s") % {"on": f"{self.entered_on:%Y-%m-%d}"})

    @property
    def is_open(self) -> bool:
        return self.left_on is None


class HardshipReview(models.Model):
    """The yearly review (年度复核) of a hardship file: once a year, by the person's union or the
    federation, with what it decided."""

    model_worker = models.ForeignKey(
        ModelWorker, verbose_name=_("model worker"), on_delete=models.PROTECT, related_name="hardship_reviews"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReviewOutcome.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hardship review")
        verbose_name_plural = _("hardship reviews")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["year", "model_worker"], name="hardship_review_year")]
        constraints = [
            models.UniqueConstraint(fields=["model_worker", "year"], name="hardship_review_once_a_year"),
            models.CheckConstraint(condition=Q(year__gte=1949) & Q(year__lte=2100), name="hardship_review_year_range"),
        ]

    def __str__(self) -> str:
        return str(_("Review %(year)s of %(name)s") % {"year": self.year, "name": self.model_worker.name})
