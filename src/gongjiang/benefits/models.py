from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.benefits import periods
from gongjiang.benefits.enums import (
    BatchKind,
    BatchState,
    HoldReason,
    LedgerKind,
    LineState,
    SchemeKind,
    SchemePeriod,
    StockKind,
)
from gongjiang.core.append_only import AppendOnlyModel
from gongjiang.core.masking import mask_account

MONEY = {"max_digits": 12, "decimal_places": 2}


class Scheme(models.Model):
    """A kind of treatment the federation pays or hands out, and how often."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SchemeKind.choices)
    period = models.CharField(_("period"), max_length=10, choices=SchemePeriod.choices)
    one_off_date = models.DateField(_("date (one-off)"), null=True, blank=True)
    purpose = models.CharField(_("purpose on the bank file"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    # Staff start using the system years after a scheme began: what was paid before is in old
    # spreadsheets, not in the ledger, and must not show up as owed.
    ledger_from = models.DateField(
        _("ledger kept from"),
        null=True,
        blank=True,
        help_text=_("Periods before this were paid before the system was used and are not checked for gaps."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(period="one_off") | Q(one_off_date__isnull=False), name="scheme_one_off_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("benefits:scheme", args=[self.pk])

    @property
    def is_in_kind(self) -> bool:
        return self.kind == SchemeKind.IN_KIND

    def period_label(self, start) -> str:
        return periods.label(start, self.period)

    def checked_from(self, first):
        """The first period the ledger can prove: ``first``, or the start of the ledger if later."""
        if self.ledger_from is None:
            return first
        return max(first, periods.start_of(self.ledger_from, self.period, self.one_off_date))


class SchemeRule(models.Model):
    """Who is entitled and how much, for a span of time. Amounts are by the highest level only;
    titles granted before a year may earn a supplement; hardship aid may be an income-line
    shortfall with a cap. A scheme's rules never overlap in time."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="rules")
    label = models.CharField(_("name of the standard"), max_length=60, help_text=_("e.g. 2016 年标准"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    statuses = models.JSONField(_("statuses"), default=list)
    levels = models.JSONField(_("levels"), default=list)
    amounts = models.JSONField(_("amount by level"), default=dict)  # {"1": "300.00", …}
    supplement_before_year = models.PositiveSmallIntegerField(_("supplement for titles before"), null=True, blank=True)
    supplements = models.JSONField(_("supplement by level"), default=dict, blank=True)
    medal_level = models.PositiveSmallIntegerField(
        _("May Day medal treated as level"),
        null=True,
        blank=True,
        help_text=_("Some regions give medal holders the treatment of a provincial model worker."),
    )
    requires_hardship = models.BooleanField(_("only people in hardship"), default=False)
    hardship_categories = models.JSONField(_("hardship categories"), default=list, blank=True)
    income_line_working = models.DecimalField(_("income line, working (yuan a month)"), null=True, blank=True, **MONEY)
    income_line_retired = models.DecimalField(_("income line, retired (yuan a month)"), null=True, blank=True, **MONEY)
    income_cap = models.DecimalField(_("cap of the aid (yuan)"), null=True, blank=True, **MONEY)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        ordering = ["scheme", "effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="rule_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.label}"

    def amount_for(self, level: int) -> Decimal | None:
        value = self.amounts.get(str(level))
        return Decimal(value) if value not in (None, "") else None


class SchemeItem(models.Model):
    """What one person receives in an in-kind distribution."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="items")
    item = models.ForeignKey("Item", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity per person"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("item given per person")
        constraints = [models.UniqueConstraint(fields=["scheme", "item"], name="scheme_item_once")]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"


class Item(models.Model):
    name = models.CharField(_("item"), max_length=60, unique=True)
    unit = models.CharField(_("unit"), max_length=10)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StockMovement(models.Model):
    """Stock received and handed out; the balance is the sum. Corrections are new rows."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=12, choices=StockKind.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)  # + in, − out
    moved_on = models.DateField(_("date"))
    line = models.ForeignKey("BatchLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        ordering = ["-moved_on", "-id"]

    def __str__(self) -> str:
        return f"{self.item} {self.quantity}"


class PaymentAccount(models.Model):
    """A bank account a person is paid into. Replaced, never edited or deleted."""

    model_worker = models.ForeignKey("archive.ModelWorker", on_delete=models.PROTECT, related_name="accounts")
    bank = models.CharField(_("bank"), max_length=60)
    account_number = models.CharField(_("account number"), max_length=40)
    holder = models.CharField(_("account holder"), max_length=50)
    valid_from = models.DateField(_("in use from"))
    ended_on = models.DateField(_("in use until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_worker"], condition=Q(ended_on__isnull=True), name="one_current_account"
            ),
        ]

    def __str__(self) -> str:

        return f"{self.bank} {mask_account(self.account_number)}"


class TreatmentHold(models.Model):
    """The exclusions of rules.md: sanction, investigation, emigration, unreachable — for a span
    of time. No treatment is due for a period that overlaps a hold."""

    model_worker = models.ForeignKey("archive.ModelWorker", on_delete=models.PROTECT, related_name="holds")
    reason = models.CharField(_("reason"), max_length=20, choices=HoldReason.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("treatment hold")
        verbose_name_plural = _("treatment holds")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="hold_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.starts_on}"


class Batch(models.Model):
    """A batch of payments (or hand-outs) for one scheme and period, or of arrears."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="batches")
    kind = models.CharField(_("kind"), max_length=10, choices=BatchKind.choices, default=BatchKind.REGULAR)
    period = models.DateField(_("period"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=120)
    state = models.CharField(_("state"), max_length=15, choices=BatchState.choices, default=BatchState.DRAFT)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    line_count = models.PositiveIntegerField(default=0)
    total = models.DecimalField(_("total"), default=Decimal("0"), **MONEY)
    left_out_count = models.PositiveIntegerField(default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["-created_at"]
        constraints = [
            # Generating twice, or from two browsers at once, finds the batch that exists.
            models.UniqueConstraint(
                fields=["scheme", "period"], condition=Q(kind="regular"), name="one_regular_batch_per_period"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("benefits:batch", args=[self.pk])


class BatchLine(models.Model):
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="lines")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    model_worker = models.ForeignKey("archive.ModelWorker", on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("period"))
    kind = models.CharField(max_length=10, choices=BatchKind.choices, default=BatchKind.REGULAR)
    amount = models.DecimalField(_("amount"), **MONEY)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    rule = models.ForeignKey(SchemeRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    words = models.CharField(_("basis"), max_length=200)
    # The account paid into is copied when the line is made: a later change of account does
    # not rewrite what was sent to the bank.
    bank = models.CharField(_("bank"), max_length=60, blank=True)
    account_number = models.CharField(_("account number"), max_length=40, blank=True)
    holder = models.CharField(_("account holder"), max_length=50, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=LineState.choices, default=LineState.PENDING)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    failure_reason = models.CharField(_("reason"), max_length=200, blank=True)
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    items = models.JSONField(default=dict, blank=True)  # in-kind: {"清凉饮料": "2"}
    signed_by = models.CharField(_("received by"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("batch line")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["batch", "state", "id"], name="line_batch_state"),
            models.Index(fields=["scheme", "period", "model_worker"], name="line_scheme_period"),
            models.Index(fields=["model_worker", "scheme", "period"], name="line_worker"),
        ]
        constraints = [
            # Never two live regular lines for one person, scheme and period: a failed line
            # may be carried into a later batch, but a second payment cannot be generated.
            models.UniqueConstraint(
                fields=["scheme", "model_worker", "period"],
                condition=Q(kind="regular") & Q(state__in=["pending", "paid"]),
                name="one_regular_line_per_person_period",
            ),
            models.UniqueConstraint(
                fields=["batch", "model_worker", "period"], name="one_line_per_batch_person_period"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="line_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.model_worker_id}:{self.period}"


class LeftOut(models.Model):
    """A person with a model-worker title who is not in the batch, and why."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="left_out")
    model_worker = models.ForeignKey("archive.ModelWorker", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20)
    words = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("person left out of a batch")
        indexes = [models.Index(fields=["batch", "reason", "id"], name="leftout_batch")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.model_worker_id} {self.reason}"


class LedgerEntry(AppendOnlyModel):
    """One payment (or hand-out), or the reversal of one. Append-only (``core.append_only``):
    the model and the database refuse UPDATE and DELETE; a correction is a reversing entry."""

    APPEND_ONLY_MESSAGE = "ledger entries are never changed or deleted; record a reversing entry"

    model_worker = models.ForeignKey("archive.ModelWorker", on_delete=models.PROTECT, related_name="+")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("period"))
    kind = models.CharField(_("kind"), max_length=10, choices=LedgerKind.choices, default=LedgerKind.PAYMENT)
    amount = models.DecimalField(_("amount"), **MONEY)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)  # for totals by level
    paid_on = models.DateField(_("paid on"))
    line = models.ForeignKey(BatchLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reverses = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger")
        ordering = ["-paid_on", "-id"]
        indexes = [
            models.Index(fields=["scheme", "period", "model_worker"], name="ledger_scheme_period"),
            models.Index(fields=["model_worker", "scheme", "period"], name="ledger_worker"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="payment") & Q(amount__gte=0) & Q(reverses__isnull=True))
                | (Q(kind="reversal") & Q(amount__lte=0) & Q(reverses__isnull=False)),
                name="ledger_sign_by_kind",
            ),
            models.UniqueConstraint(fields=["reverses"], condition=Q(reverses__isnull=False), name="reversed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"

    @property
    def period_label(self) -> str:
        return self.scheme.period_label(self.period)
