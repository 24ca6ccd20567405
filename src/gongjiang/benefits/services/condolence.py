"""Condolence money or goods given at a visit (走访慰问): a line of the treatment ledger like any other.

There is no second money path. What is given at a visit becomes a line of a *visit batch* of
its scheme and period (kind ``visit``), which is submitted, approved by someone else, paid and
closed as every batch is; goods leave the in-kind stock when the line is handed out. A
person-period given at a visit counts as paid for the scheme: the regular batch of the period
does not pay it again, and a second gift for the same person and period is refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor, require, user_of
from gongjiang.archive.models import ModelWorker
from gongjiang.benefits import periods
from gongjiang.benefits.enums import BatchKind, BatchState, LineState, SchemeKind
from gongjiang.benefits.models import Batch, BatchLine, Scheme, TreatmentHold
from gongjiang.benefits.services.batches import refresh_totals
from gongjiang.benefits.services.payment_accounts import current_accounts

Perm = permissions.Perm

# What may be given at a visit: money for a holiday or for hardship, or goods.
GIVEN_AT_VISITS = (SchemeKind.HOLIDAY_CONDOLENCE, SchemeKind.HARDSHIP_AID, SchemeKind.IN_KIND)
MAX_AMOUNT = Decimal("100000")


def schemes_for_visits():
    """The schemes in use whose money or goods may be given at a visit."""
    return Scheme.objects.filter(is_active=True, kind__in=GIVEN_AT_VISITS).order_by("kind", "name")


def visit_batch_title(scheme: Scheme, period: dt.date) -> str:
    return _("%(scheme)s %(period)s (given at visits)") % {
        "scheme": scheme.name,
        "period": scheme.period_label(period),
    }


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"amount": _("Enter an amount in yuan, e.g. 500 or 500.00.")}) from None
    if amount <= 0 or amount >= MAX_AMOUNT:
        raise ValidationError({"amount": _("The amount must be more than 0 and less than 100,000 yuan.")})
    return amount


@transaction.atomic
def give_at_visit(
    *,
    actor: Actor,
    scheme: Scheme,
    model_worker: ModelWorker,
    on: dt.date,
    amount=None,
    words: str,
) -> BatchLine:
    """Add what was given to a person at a visit on ``on`` to the open visit batch of the scheme
    for that period (opening one if there is none); returns the line."""
    require(actor, Perm.PREPARE_BATCHES)
    preparer = user_of(actor)
    if preparer is None:  # a batch has a preparer, whom the approver may not be
        raise PermissionDenied(_("A batch is prepared by a member of staff."))
    if not permissions.may_see_worker(actor, model_worker):
        raise PermissionDenied(_("You may not change this person's treatment."))
    # One gift at a time per scheme: the check for an earlier gift and the insert are one step.
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if not scheme.is_active or scheme.kind not in GIVEN_AT_VISITS:
        raise ValidationError(
            {"scheme": _("Only holiday condolence, hardship aid or in-kind schemes in use can be given at a visit.")}
        )
    if model_worker.died_on and model_worker.died_on <= on:
        raise ValidationError(_("%(name)s had died by that date.") % {"name": model_worker.name})
    hold = (
        TreatmentHold.objects.filter(model_worker=model_worker, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .first()
    )
    if hold is not None:
        raise ValidationError(
            _("%(name)s's treatment is on hold on that date (%(reason)s).")
            % {"name": model_worker.name, "reason": hold.get_reason_display()}
        )
    period = periods.start_of(on, scheme.period, scheme.one_off_date)
    earlier = (
        BatchLine.objects.filter(scheme=scheme, model_worker=model_worker, period=period)
        .filter(state__in=[LineState.PENDING, LineState.PAID])
        .select_related("batch")
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            _("%(name)s already has %(scheme)s for %(period)s (batch “%(batch)s”): it is not given twice.")
            % {
                "name": model_worker.name,
                "scheme": scheme.name,
                "period": scheme.period_label(period),
                "batch": earlier.batch.title,
            }
        )
    bank = number = holder = ""
    items: dict[str, str] = {}
    if scheme.is_in_kind:
        items = {str(si.item): str(si.quantity) for si in scheme.items.select_related("item")}
        if not items:
            raise ValidationError({"scheme": _("This in-kind scheme has no items to hand out.")})
        # The goods' value, when given, is what the line is worth in the ledger.
        money = Decimal("0") if amount in (None, "") else _amount(amount)
    else:
        money = _amount(amount)
        account = current_accounts([model_worker.pk]).get(model_worker.pk)
        if account is None:
            raise ValidationError(
                _("%(name)s has no bank account in use: record one before money is given through the ledger.")
                % {"name": model_worker.name}
            )
        bank, number, holder = account
    batch = (
        Batch.objects.select_for_update()
        .filter(scheme=scheme, period=period, kind=BatchKind.VISIT, state=BatchState.DRAFT)
        .order_by("id")
        .first()
    )
    if batch is None:
        batch = Batch.objects.create(
            scheme=scheme,
            period=period,
            kind=BatchKind.VISIT,
            title=visit_batch_title(scheme, period),
            prepared_by=preparer,
        )
        record(actor=actor, action=AuditAction.CREATE, obj=batch, detail={"step": "visit batch"})
    line = BatchLine.objects.create(
        batch=batch,
        scheme=scheme,
        model_worker=model_worker,
        period=period,
        kind=BatchKind.VISIT,
        amount=money,
        level=model_worker.highest_level,
        words=words[:200],
        bank=bank,
        account_number=number,
        holder=holder,
        items=items,
        created_at=timezone.now(),
    )
    refresh_totals(batch)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=line,
        object_repr=f"{model_worker.name} · {batch.title}",
        changes={"amount": [None, str(money)], "words": [None, line.words]},
    )
    return line
