"""Care (关爱服务): campaigns of check-ups and recuperation stays, their batches, the invitations;
visits and needs; events (联谊, 座谈会, 一日游) with their invitations and photos.

A batch's places are counted in ``Batch.taken`` by the services, which raise it only by a
conditional update (``taken < capacity``) under the batch's row lock; a check constraint makes
the database refuse a count above the capacity whatever path writes it.
Medical reports are never stored: an attendance keeps a follow-up flag and a note.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.care.enums import (
    Allowance,
    CampaignKind,
    Criterion,
    EventKind,
    InvitationState,
    NeedSource,
    NeedState,
    Occasion,
    Satisfaction,
    VisitMode,
)

DEFAULT_PRIORITY = {
    CampaignKind.CHECKUP: [Criterion.OVERDUE, Criterion.NEVER, Criterion.AGE, Criterion.HARDSHIP],
    CampaignKind.STAY: [
        Criterion.FRONT_LINE,
        Criterion.NEVER,
        Criterion.WORKING,
        Criterion.OVERDUE,
        Criterion.HARDSHIP,
    ],
}


class CareRule(models.Model):
    """Who is due and in what order, for one kind, over a span of dates (configuration, audited).

    A working model worker is due every ``working_every`` years, a retired one every
    ``retired_every`` years (none: not invited); the dead, the revoked, the unverified and anyone
    under a treatment hold in the year are never due."""

    kind = models.CharField(_("kind"), max_length=10, choices=CampaignKind.choices)
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    working_every = models.PositiveSmallIntegerField(_("working model workers: every (years)"), null=True, blank=True)
    retired_every = models.PositiveSmallIntegerField(_("retired model workers: every (years)"), null=True, blank=True)
    priority = models.JSONField(_("priority"), default=list)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("eligibility and priority rule")
        verbose_name_plural = _("eligibility and priority rules")
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True) | Q(effective_until__gte=F("effective_from")),
                name="care_rule_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_from:%Y-%m-%d}"

    def priority_labels(self) -> list[str]:
        labels = dict(Criterion.choices)
        return [str(labels[c]) for c in self.priority if c in labels]


class Campaign(models.Model):
    """One year's check-ups or recuperation stays, run in batches."""

    kind = models.CharField(_("kind"), max_length=10, choices=CampaignKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=100)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("care campaign")
        verbose_name_plural = _("care campaigns")
        ordering = ["-year", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="care_one_campaign_per_kind_and_year")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("care:campaign", args=[self.pk])


class Batch(models.Model):
    """A batch of a campaign: its dates, its place (the hospital, or the stay's destination) and
    its capacity, which is never exceeded."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="batches")
    name = models.CharField(_("batch"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("institution or destination"), max_length=200)
    capacity = models.PositiveIntegerField(_("places"))
    taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    cost_per_person = models.DecimalField(
        _("cost per person (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    programme = models.TextField(_("programme"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("care batch")
        verbose_name_plural = _("care batches")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="care_batch_has_places"),
            models.CheckConstraint(condition=Q(taken__lte=F("capacity")), name="care_batch_never_over_capacity"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="care_batch_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("care:batch", args=[self.pk])

    @property
    def free(self) -> int:
        return self.capacity - self.taken


class Invitation(models.Model):
    """One person's place in a campaign: invited to a batch (or waiting for a place in it), their
    answer, and whether they came. One per person and campaign."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="invitations"
    )
    batch = models.ForeignKey(Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="invitations")
    model_worker = models.ForeignKey(
        "archive.ModelWorker", verbose_name=_("model worker"), on_delete=models.PROTECT, related_name="care_invitations"
    )
    state = models.CharField(_("state"), max_length=10, choices=InvitationState.choices)
    reason = models.CharField(_("why invited"), max_length=300, blank=True)
    waiting_since = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    follow_up = models.BooleanField(_("needs follow-up"), default=False)
    follow_up_note = models.CharField(_("follow-up note"), max_length=300, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("care invitation")
        verbose_name_plural = _("care invitations")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "model_worker"], name="care_once_per_campaign"),
        ]
        indexes = [
            models.Index(fields=["batch", "state", "waiting_since"], name="care_inv_batch_state"),
            models.Index(fields=["model_worker", "state"], name="care_inv_worker_state"),
        ]

    def __str__(self) -> str:
        return f"{self.model_worker} · {self.batch}"


# --- Visits (走访慰问) and needs (办实事) -------------------------------------------------------------


class VisitRule(models.Model):
    """What puts a person on a visit plan besides hardship, illness and a check-up's follow-up:
    an age, and a span of months without a visit (configuration with effective dates)."""

    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    age_at_least = models.PositiveSmallIntegerField(_("aged at least"), default=80)
    months_without_visit = models.PositiveSmallIntegerField(_("months without a visit"), default=12)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit rule")
        verbose_name_plural = _("visit rules")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True) | Q(effective_until__gte=F("effective_from")),
                name="care_visit_rule_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d}"


class VisitPlan(models.Model):
    """The visits planned for one occasion of one year (a holiday, or a round of must-visits)."""

    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["occasion", "year"], name="care_one_plan_per_occasion")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("care:plan", args=[self.pk])


class Visit(models.Model):
    """A visit made: who went, when, how, and what was learnt under the article's headings
    (身体状况、家庭成员、收入情况、思想动态和心声、生活、住房、劳模荣誉津贴落实)."""

    model_worker = models.ForeignKey(
        "archive.ModelWorker", verbose_name=_("model worker"), on_delete=models.PROTECT, related_name="care_visits"
    )
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    mode = models.CharField(_("how"), max_length=10, choices=VisitMode.choices)
    visited_on = models.DateField(_("visited on"))
    visitors = models.CharField(_("visitors"), max_length=200)
    health = models.TextField(_("health"), blank=True)
    family = models.TextField(_("family"), blank=True)
    income = models.TextField(_("income"), blank=True)
    thoughts = models.TextField(_("thoughts and wishes"), blank=True)
    living = models.TextField(_("living conditions"), blank=True)
    housing = models.TextField(_("housing"), blank=True)
    allowance = models.CharField(
        _("honour allowance"), max_length=10, choices=Allowance.choices, default=Allowance.UNKNOWN
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["model_worker", "visited_on"], name="care_visit_worker_on")]

    def __str__(self) -> str:
        return f"{self.model_worker} · {self.visited_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("care:visit", args=[self.pk])


class Condolence(models.Model):
    """Money or goods given at a visit: a line of the treatment ledger (a visit batch of the
    scheme), so it is approved, paid and accounted for as every payment is."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="condolences")
    line = models.OneToOneField(
        "benefits.BatchLine", verbose_name=_("ledger line"), on_delete=models.PROTECT, related_name="condolence"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("condolence given at a visit")
        verbose_name_plural = _("condolences given at visits")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.visit} · {self.line_id}"


class PlanEntry(models.Model):
    """One person on a plan: why, which organisation goes (the federation or the person's union),
    and the visit once made."""

    plan = models.ForeignKey(VisitPlan, verbose_name=_("visit plan"), on_delete=models.PROTECT, related_name="entries")
    model_worker = models.ForeignKey(
        "archive.ModelWorker", verbose_name=_("model worker"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("why"), max_length=300, blank=True)
    assigned_to = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("visited by"), on_delete=models.PROTECT, related_name="+"
    )
    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), null=True, blank=True, on_delete=models.PROTECT, related_name="plan_entry"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("planned visit")
        verbose_name_plural = _("planned visits")
        constraints = [models.UniqueConstraint(fields=["plan", "model_worker"], name="care_once_per_plan")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.model_worker}"


class Need(models.Model):
    """A need raised (at a visit, by phone, by the person), held by one member of staff until it
    is resolved, each step recorded; the person's satisfaction at the end."""

    model_worker = models.ForeignKey(
        "archive.ModelWorker", verbose_name=_("model worker"), on_delete=models.PROTECT, related_name="care_needs"
    )
    source = models.CharField(_("raised"), max_length=10, choices=NeedSource.choices)
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), null=True, blank=True, on_delete=models.PROTECT, related_name="needs"
    )
    description = models.TextField(_("need"))
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="care_needs"
    )
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=10, choices=NeedState.choices, default=NeedState.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=10, choices=Satisfaction.choices, blank=True)
    raised_on = models.DateField(_("raised on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["state", "deadline", "id"]
        indexes = [models.Index(fields=["holder", "state", "deadline"], name="care_need_holder")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open") | (Q(resolved_on__isnull=False) & ~Q(satisfaction="")),
                name="care_need_resolved_with_date_and_satisfaction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_worker} · {self.description[:20]}"

    def get_absolute_url(self) -> str:
        return reverse("care:need", args=[self.pk])


class NeedStep(models.Model):
    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="steps")
    on = models.DateField(_("date"))
    note = models.TextField(_("what was done"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.need} · {self.on:%Y-%m-%d}"


# --- Events (联谊, 座谈会, 一日游) --------------------------------------------------------------------


class Event(models.Model):
    """A get-together, a symposium or an outing, organised by the federation or by a grassroots
    union for its own people. Its places are counted in ``taken`` exactly as a batch's are (the
    services raise it under the row lock; the check constraint refuses more than the capacity).
    A symposium has a topic, and its minutes are recorded after it."""

    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=100)
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(_("places"))
    taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    organiser = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("care event")
        verbose_name_plural = _("care events")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="care_event_has_places"),
            models.CheckConstraint(condition=Q(taken__lte=F("capacity")), name="care_event_never_over_capacity"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="care_event_dates_in_order"
            ),
        ]
        indexes = [models.Index(fields=["organiser", "starts_on"], name="care_event_organiser")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("care:event", args=[self.pk])

    @property
    def free(self) -> int:
        return self.capacity - self.taken

    @property
    def is_symposium(self) -> bool:
        return self.kind == EventKind.SYMPOSIUM


class EventInvitation(models.Model):
    """One person invited to an event (or waiting for a place), their answer, whether they came.
    The states and the waiting list are a batch invitation's."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="invitations")
    model_worker = models.ForeignKey(
        "archive.ModelWorker",
        verbose_name=_("model worker"),
        on_delete=models.PROTECT,
        related_name="care_event_invitations",
    )
    state = models.CharField(_("state"), max_length=10, choices=InvitationState.choices)
    reason = models.CharField(_("why invited"), max_length=300, blank=True)
    waiting_since = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event invitation")
        verbose_name_plural = _("event invitations")
        constraints = [models.UniqueConstraint(fields=["event", "model_worker"], name="care_once_per_event")]
        indexes = [
            models.Index(fields=["event", "state", "waiting_since"], name="care_evinv_event_state"),
            models.Index(fields=["model_worker", "state"], name="care_evinv_worker_state"),
        ]

    def __str__(self) -> str:
        return f"{self.model_worker} · {self.event}"


def event_photo_path(instance: EventPhoto, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"care-events/{uuid.uuid4().hex}.{suffix}"


class EventPhoto(models.Model):
    """A photo of an event, in private storage (served only to those who may see the event, each
    download audited); archived, never deleted."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(upload_to=event_photo_path)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
