from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeKind(models.TextChoices):
    HONOUR_ALLOWANCE = "honour_allowance", _("Honour allowance")
    LIVING_SUBSIDY = "living_subsidy", _("Living subsidy")
    HARDSHIP_AID = "hardship_aid", _("Hardship aid")
    HOLIDAY_CONDOLENCE = "holiday_condolence", _("Holiday condolence payment")
    IN_KIND = "in_kind", _("In-kind distribution")


class SchemePeriod(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    ONE_OFF = "one_off", _("One-off")


class BatchKind(models.TextChoices):
    REGULAR = "regular", _("Regular")
    ARREARS = "arrears", _("Arrears (补发)")
    VISIT = "visit", _("Given at visits (走访慰问)")


class BatchState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")
    PARTLY_FAILED = "partly_failed", _("Partly failed")
    CLOSED = "closed", _("Closed")


class LineState(models.TextChoices):
    PENDING = "pending", _("To pay")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CARRIED = "carried", _("Carried to a later batch")
    REMOVED = "removed", _("Removed from the batch")


class LedgerKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REVERSAL = "reversal", _("Reversal")


class HoldReason(models.TextChoices):
    SANCTION = "sanction", _("Under serious disciplinary or legal sanction")
    INVESTIGATION = "investigation", _("Under investigation")
    EMIGRATED = "emigrated", _("Emigrated")
    UNREACHABLE = "unreachable", _("Unreachable")
    OTHER = "other", _("Other")


class StockKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    HANDED_OUT = "handed_out", _("Handed out")
    CORRECTION = "correction", _("Correction")


class ReportStatus(models.TextChoices):
    """What the on-time report (按时足额) finds for a person-period, in the order it lists them."""

    MISSING = "missing", _("Missing")
    SHORT = "short", _("Short")
    IN_PROGRESS = "in_progress", _("Being paid")
    LATE = "late", _("Late")
    OVERPAID = "overpaid", _("Overpaid")
    OK = "ok", _("On time and in full")
