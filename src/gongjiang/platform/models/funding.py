"""Funding (经费拨付): a yearly budget split across the units, what was disbursed, what was spent."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.core.append_only import AppendOnlyModel
from gongjiang.platform.enums import PlanState


class FundingPlan(models.Model):
    """A year's budget and how it is split: fixed grants first, the rest by tier and grade."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2)
    grant_new_studio = models.DecimalField(_("grant to a new studio (yuan)"), max_digits=12, decimal_places=2)
    grant_reconfirmed_studio = models.DecimalField(
        _("grant to a re-confirmed studio (yuan)"), max_digits=12, decimal_places=2
    )
    tier_weights = models.JSONField(_("weight by tier"))
    grade_weights = models.JSONField(_("weight by grade"))
    state = models.CharField(_("state"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("funding plan")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年经费"

    def get_absolute_url(self) -> str:
        return reverse("platform:plan", args=[self.pk])


class Allocation(models.Model):
    """A unit's share of a plan, in whole yuan, and why."""

    plan = models.ForeignKey(FundingPlan, on_delete=models.CASCADE, related_name="allocations")
    unit = models.ForeignKey("platform.Unit", on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    basis = models.CharField(_("basis"), max_length=200)

    class Meta:
        verbose_name = _("allocation")
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit"], name="allocation_once"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="allocation_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.unit_id} {self.amount}"


class Disbursement(AppendOnlyModel):
    """Money paid to a unit. Append-only (``core.append_only``): a correction is a reversing entry."""

    APPEND_ONLY_MESSAGE = "disbursements are never changed or deleted; record a reversing entry"

    unit = models.ForeignKey("platform.Unit", on_delete=models.PROTECT, related_name="disbursements")
    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, null=True, blank=True, related_name="disbursements"
    )
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal")
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("disbursement")
        indexes = [models.Index(fields=["unit", "-paid_on"], name="disbursement_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.paid_on} {self.amount}"


def receipt_path(instance: Expense, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"receipts/{uuid.uuid4().hex}.{suffix}"


class Expense(models.Model):
    """What a unit spent its funds on, with the receipt. Voided, never deleted."""

    unit = models.ForeignKey("platform.Unit", on_delete=models.PROTECT, related_name="expenses")
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    purpose = models.CharField(_("purpose"), max_length=200)
    receipt = models.FileField(_("receipt"), upload_to=receipt_path, blank=True)
    receipt_name = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("expense")
        indexes = [models.Index(fields=["unit", "-spent_on"], name="expense_unit")]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="expense_positive")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.spent_on} {self.amount}"
