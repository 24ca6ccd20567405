"""Arrears (补发): what is owed for periods that have ended, paid in a batch of its own."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import User
from gongjiang.accounts.permissions import require
from gongjiang.archive.models import ModelWorker
from gongjiang.benefits import periods
from gongjiang.benefits.enums import BatchKind, BatchState, LineState, ReportStatus, SchemePeriod
from gongjiang.benefits.models import (
    Batch,
    BatchLine,
    LeftOut,
    Scheme,
)
from gongjiang.benefits.reports import on_time_report
from gongjiang.benefits.services.batches import refresh_totals
from gongjiang.benefits.services.cover import within_due
from gongjiang.benefits.services.lines import LINE_COLUMNS, pending_line
from gongjiang.benefits.services.payment_accounts import current_accounts
from gongjiang.core import bulk
from gongjiang.core.errors import DomainError

Perm = permissions.Perm


def arrears_until(scheme: Scheme, today: dt.date | None = None) -> dt.date:
    """The last period arrears may take: the current period once its regular batch has been
    paid (the difference of a raise back-dated after that), else the period before — the
    period in progress is paid by its regular batch, not as arrears."""
    today = today or timezone.localdate()
    current = periods.start_of(today, scheme.period, scheme.one_off_date)
    if scheme.period == SchemePeriod.ONE_OFF and current < today:
        return current  # a one-off date that has passed has ended
    paid = Batch.objects.filter(
        scheme=scheme,
        kind=BatchKind.REGULAR,
        period=current,
        state__in=[BatchState.PAID, BatchState.PARTLY_FAILED, BatchState.CLOSED],
    ).exists()
    if paid:
        return current
    before = current - dt.timedelta(days=1)
    return before if scheme.period == SchemePeriod.ONE_OFF else periods.start_of(before, scheme.period)


def _names(worker_ids, limit: int = 5) -> str:
    names = list(ModelWorker.objects.filter(pk__in=list(worker_ids)[:limit]).values_list("name", flat=True))
    return "、".join(names) + ("等" if len(worker_ids) > limit else "")


def generate_arrears(
    *, actor: User, scheme: Scheme, first: dt.date, last: dt.date, today: dt.date | None = None
) -> Batch | None:
    """A 补发 batch for every person-period in the range owed more than was paid or is being
    paid: after a raise back-dated, a retirement entered late, a failed or reversed payment.

    The range ends at ``arrears_until``. A batch is made only when something can be paid:
    ``None`` when nothing is owed; a DomainError naming them when the only people owed have no
    bank account (a batch that is made lists them among the people left out)."""
    require(actor, Perm.PREPARE_BATCHES)
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)  # one line-making run at a time
        until = arrears_until(scheme, today)
        if last > until:
            last = until
        if last < first:
            raise DomainError(
                _(
                    "%(p)s is paid by its regular batch. Arrears are for periods that have ended, or whose "
                    "regular batch has been paid."
                )
                % {"p": scheme.period_label(first)},
                code="conflict",
            )
        report = on_time_report(scheme, first, last, rows=True, statuses=[ReportStatus.MISSING, ReportStatus.SHORT])
        owed = [r for r in report.rows if r.owed > 0]
        accounts = current_accounts({r.worker_id for r in owed}) if not scheme.is_in_kind else {}
        # Nobody can be paid without an account: they stay owed, listed, for the next arrears run.
        unpaid = sorted({r.worker_id for r in owed if r.worker_id not in accounts}) if not scheme.is_in_kind else []
        owed = [r for r in owed if scheme.is_in_kind or r.worker_id in accounts]
        allowed = within_due(scheme, [(r.worker_id, r.period, r.due, r.owed) for r in owed])
        payable = [(r, amount) for r, amount in zip(owed, allowed, strict=True) if amount > 0]
        if not payable:
            if unpaid:
                raise DomainError(
                    _(
                        "%(n)s people are owed in these periods but have no bank account on record (%(names)s); "
                        "no arrears batch was made. Record their accounts, then make the arrears again."
                    )
                    % {"n": len(unpaid), "names": _names(unpaid)},
                    code="conflict",
                )
            return None
        batch = Batch.objects.create(
            scheme=scheme,
            kind=BatchKind.ARREARS,
            period=None,
            prepared_by=actor,
            title=_("Arrears of %(s)s, %(a)s to %(b)s")
            % {"s": scheme.name, "a": scheme.period_label(report.first), "b": scheme.period_label(last)},
        )
        bulk.insert(
            LeftOut,
            ["batch_id", "model_worker_id", "reason", "words"],
            ((batch.pk, wid, "no_account", _("No bank account on record")) for wid in unpaid),
        )
        now = timezone.now()
        rows = []
        for r, amount in payable:
            bank, number, holder = accounts.get(r.worker_id, ("", "", ""))
            words = _("Arrears: due %(due)s, paid %(paid)s") % {"due": r.due, "paid": r.paid + r.pending}
            rows.append(
                pending_line(
                    batch_id=batch.pk,
                    scheme_id=scheme.pk,
                    model_worker_id=r.worker_id,
                    period=r.period,
                    kind=BatchKind.ARREARS,
                    amount=amount,
                    level=r.level,
                    rule_id=r.rule_id,
                    words=f"{words} · {r.words}",
                    bank=bank,
                    account_number=number,
                    holder=holder,
                    created_at=now,
                )
            )
        bulk.insert(BatchLine, LINE_COLUMNS, rows)
        # A failed payment now owed through the arrears is not carried again into a regular batch.
        owed_keys = {(r.worker_id, r.period) for r, _amount in payable}
        failed = BatchLine.objects.filter(scheme=scheme, state=LineState.FAILED, period__range=(report.first, last))
        carried = [
            (pk, batch_id)
            for pk, batch_id, wid, p in failed.values_list("pk", "batch_id", "model_worker_id", "period")
            if (wid, p) in owed_keys
        ]
        BatchLine.objects.filter(pk__in=[pk for pk, _b in carried]).update(state=LineState.CARRIED)
        for earlier in Batch.objects.filter(pk__in={b for _pk, b in carried}):
            refresh_totals(earlier)
        refresh_totals(batch)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=batch,
            detail={"step": "arrears", "lines": len(rows), "total": str(batch.total)},
        )
        return batch
