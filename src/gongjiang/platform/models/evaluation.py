"""Evaluations (考评): rubrics per tier, rounds, reviewers' score sheets, and the candidates
for promotion or plaque removal that follow."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.platform.enums import Aggregation, CaseKind, CaseState, Grade, Have, RoundState, Tier


class Rubric(models.Model):
    """The scoring items of a tier: 100 points in all, the six haves among them."""

    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rubric")

    def __str__(self) -> str:
        return str(Tier(self.tier).label)


class RubricItem(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("item"), max_length=60)
    max_points = models.PositiveSmallIntegerField(_("points"))
    have = models.CharField(_("one of the six haves"), max_length=12, choices=Have.choices, blank=True)
    retired = models.BooleanField(default=False)  # kept: closed rounds' sheets point at it

    class Meta:
        verbose_name = _("rubric item")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.max_points}）"


class EvaluationRound(models.Model):
    """A round of evaluations (yearly by default) for the established units of some tiers."""

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=60)
    aggregation = models.CharField(_("combining reviewers' scores"), max_length=10, choices=Aggregation.choices)
    state = models.CharField(_("state"), max_length=10, choices=RoundState.choices, default=RoundState.OPEN)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("evaluation round")
        constraints = [models.UniqueConstraint(fields=["title"], name="round_title_unique")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("platform:round", args=[self.pk])


class Evaluation(models.Model):
    """One unit in one round: the reviewers' sheets and the result."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.PROTECT, related_name="evaluations")
    unit = models.ForeignKey("platform.Unit", on_delete=models.PROTECT, related_name="evaluations")
    tier = models.CharField(max_length=20, choices=Tier.choices)  # the tier it was evaluated at
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    spread = models.DecimalField(_("spread"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    stars_after = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(_("what followed"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("evaluation")
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="evaluation_once")]
        indexes = [models.Index(fields=["unit", "-round"], name="evaluation_unit")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.unit_id}"

    def get_absolute_url(self) -> str:
        return reverse("platform:evaluation", args=[self.pk])


class ScoreSheet(models.Model):
    """One reviewer's scores for one unit."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="sheets")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(max_digits=5, decimal_places=1)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        constraints = [models.UniqueConstraint(fields=["evaluation", "reviewer"], name="sheet_once")]

    def __str__(self) -> str:
        return f"{self.evaluation_id}:{self.reviewer_id} {self.total}"


class ItemScore(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(RubricItem, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = _("item score")
        constraints = [models.UniqueConstraint(fields=["sheet", "item"], name="item_score_once")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.points}"


class Case(models.Model):
    """A candidate for promotion, or for plaque removal, that the federation decides."""

    unit = models.ForeignKey("platform.Unit", on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices)
    from_tier = models.CharField(max_length=20, choices=Tier.choices)
    to_tier = models.CharField(max_length=20, choices=Tier.choices, blank=True)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    why = models.CharField(_("why"), max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=CaseState.choices, default=CaseState.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("candidate")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], condition=Q(state="pending"), name="case_one_pending"),
        ]
        indexes = [models.Index(fields=["state", "kind"], name="case_state")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.state}"
