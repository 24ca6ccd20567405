"""Treatment: schemes and their standards, bank accounts and holds, batches from generation to
closing, the ledger, arrears, and in-kind stock. Every change is checked, audited and atomic."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import diff, record, snapshot
from gongjiang.accounts.enums import AuditAction
from gongjiang.archive.enums import Status
from gongjiang.archive.models import ModelWorker
from gongjiang.benefits import entitlement, periods
from gongjiang.benefits.enums import BatchKind, BatchState, LedgerKind, LineState, SchemePeriod, StockKind
from gongjiang.benefits.models import (
    Batch,
    BatchLine,
    Item,
    LedgerEntry,
    LeftOut,
    PaymentAccount,
    Scheme,
    SchemeItem,
    SchemeRule,
    StockMovement,
    TreatmentHold,
)
from gongjiang.core import bulk
from gongjiang.core.errors import DomainError
from gongjiang.core.money import parse_yuan

Perm = permissions.Perm
SCHEME_FIELDS = ["name", "kind", "period", "one_off_date", "purpose", "description", "is_active", "ledger_from"]
RULE_FIELDS = [
    "label",
    "effective_from",
    "effective_to",
    "statuses",
    "levels",
    "amounts",
    "supplement_before_year",
    "supplements",
    "medal_level",
    "requires_hardship",
    "hardship_categories",
    "income_line_working",
    "income_line_retired",
    "income_cap",
]


def _require(actor, perm: Perm) -> None:
    if actor is not None and not permissions.has_perm(actor, perm):
        raise PermissionDenied(_("You may not do this."))


def _money(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = parse_yuan(value)
    except ValueError:
        raise ValidationError({field: [_("“%(v)s” is not an amount in yuan.") % {"v": value}]}) from None
    if amount < 0:
        raise ValidationError({field: [_("An amount cannot be negative.")]})
    return amount


# --- Schemes and standards --------------------------------------------------------------------


@transaction.atomic
def save_scheme(*, actor, data: dict[str, Any], scheme: Scheme | None = None) -> Scheme:
    _require(actor, Perm.MANAGE_SCHEMES)
    creating = scheme is None
    scheme = scheme or Scheme()
    before = {} if creating else snapshot(scheme, SCHEME_FIELDS)
    for key in SCHEME_FIELDS:
        if key in data:
            setattr(scheme, key, data[key])
    if scheme.period == SchemePeriod.ONE_OFF and not scheme.one_off_date:
        raise ValidationError({"one_off_date": [_("A one-off scheme needs its date.")]})
    if not creating and "period" in data and before.get("period") != scheme.period and scheme.batches.exists():
        raise ValidationError({"period": [_("The period cannot change once batches exist.")]})
    scheme.save()
    changes = diff(before, snapshot(scheme, SCHEME_FIELDS))
    if changes:
        record(actor=actor, action=AuditAction.CREATE if creating else AuditAction.UPDATE, obj=scheme, changes=changes)
    return scheme


def _clean_rule(scheme: Scheme, data: dict[str, Any]) -> dict[str, Any]:
    clean = dict(data)
    errors: dict[str, list] = {}
    if not (data.get("label") or "").strip():
        errors["label"] = [_("Name the standard, e.g. 2016 年标准.")]
    start, end = data.get("effective_from"), data.get("effective_to")
    if start is None:
        errors["effective_from"] = [_("Enter the date it takes effect.")]
    elif scheme.period != SchemePeriod.ONE_OFF and periods.start_of(start, scheme.period) != start:
        errors["effective_from"] = [
            _("A standard starts on the first day of a period (%(p)s).")
            % {"p": periods.label(periods.start_of(start, scheme.period), scheme.period)}
        ]
    if start and end and end < start:
        errors["effective_to"] = [_("The end is before the start.")]
    statuses = [s for s in data.get("statuses") or [] if s in (Status.WORKING, Status.RETIRED)]
    levels = sorted({int(v) for v in data.get("levels") or [] if str(v).isdigit() and int(v) in (1, 2, 3, 4)})
    if not statuses:
        errors["statuses"] = [_("Choose who is paid: working, retired or both.")]
    if not levels:
        errors["levels"] = [_("Choose at least one level.")]
    clean["statuses"], clean["levels"] = statuses, levels
    amounts = {}
    for level in levels:
        try:
            amount = _money((data.get("amounts") or {}).get(str(level)), "amounts")
        except ValidationError as e:
            errors.setdefault("amounts", []).extend(e.messages)
            continue
        if amount is not None:
            amounts[str(level)] = str(amount)
    income_based = data.get("income_line_working") not in (None, "") or data.get("income_line_retired") not in (
        None,
        "",
    )
    if not income_based and len(amounts) != len(levels):
        errors.setdefault("amounts", []).append(_("Give an amount for every level paid."))
    clean["amounts"] = amounts
    supplements = {}
    for level, value in (data.get("supplements") or {}).items():
        try:
            amount = _money(value, "supplements")
        except ValidationError as e:
            errors.setdefault("supplements", []).extend(e.messages)
            continue
        if amount:
            supplements[str(level)] = str(amount)
    clean["supplements"] = supplements
    if supplements and not data.get("supplement_before_year"):
        errors["supplement_before_year"] = [_("Say before which year a title earns the supplement.")]
    for key in ("income_line_working", "income_line_retired", "income_cap"):
        try:
            clean[key] = _money(data.get(key), key)
        except ValidationError as e:
            errors.update(e.message_dict)
    if clean.get("income_cap") is not None and not income_based:
        errors["income_cap"] = [_("A cap applies only to an income-line standard.")]
    if income_based and not data.get("requires_hardship"):
        errors["requires_hardship"] = [_("An income-line standard is for people in hardship.")]
    clean["hardship_categories"] = list(data.get("hardship_categories") or [])
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def save_rule(*, actor, scheme: Scheme, data: dict[str, Any], rule: SchemeRule | None = None) -> SchemeRule:
    """Add or change a standard. A new standard that starts while an open-ended one is in force
    ends that one the day before. Standards may not otherwise overlap. A standard effective in
    the past changes what was owed: the 按时足额 report shows the arrears."""
    _require(actor, Perm.MANAGE_SCHEMES)
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    clean = _clean_rule(scheme, data)
    creating = rule is None
    rule = rule or SchemeRule(scheme=scheme, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    before = {} if creating else snapshot(rule, RULE_FIELDS)
    for key in RULE_FIELDS:
        if key in clean:
            setattr(rule, key, clean[key])
    others = scheme.rules.exclude(pk=rule.pk) if rule.pk else scheme.rules.all()
    if creating:
        for open_rule in others.filter(effective_to__isnull=True, effective_from__lt=rule.effective_from):
            ended = snapshot(open_rule, ["effective_to"])
            open_rule.effective_to = rule.effective_from - dt.timedelta(days=1)
            open_rule.save(update_fields=["effective_to"])
            record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=open_rule,
                changes=diff(ended, snapshot(open_rule, ["effective_to"])),
            )
    for other in others:
        other.refresh_from_db()
        if other.effective_from <= (rule.effective_to or dt.date.max) and rule.effective_from <= (
            other.effective_to or dt.date.max
        ):
            raise ValidationError(
                {
                    "effective_from": [
                        _("It overlaps the standard “%(o)s” (%(f)s to %(t)s).")
                        % {"o": other.label, "f": other.effective_from, "t": other.effective_to or _("open")}
                    ]
                }
            )
    rule.save()
    changes = diff(before, snapshot(rule, RULE_FIELDS))
    if changes:
        record(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            obj=rule,
            changes=changes,
            object_repr=str(rule),
        )
    return rule


@transaction.atomic
def set_items(*, actor, scheme: Scheme, quantities: dict[Item, Decimal]) -> None:
    _require(actor, Perm.MANAGE_SCHEMES)
    before = {str(si.item): str(si.quantity) for si in scheme.items.select_related("item")}
    for item, quantity in quantities.items():
        if quantity and quantity > 0:
            SchemeItem.objects.update_or_create(scheme=scheme, item=item, defaults={"quantity": quantity})
        else:
            SchemeItem.objects.filter(scheme=scheme, item=item).delete()  # a setting, not a record
    after = {str(si.item): str(si.quantity) for si in scheme.items.select_related("item")}
    if before != after:
        record(actor=actor, action=AuditAction.UPDATE, obj=scheme, changes={"items": [before, after]})


# --- Accounts and holds -----------------------------------------------------------------------


def _require_person(actor, worker: ModelWorker) -> None:
    if not (permissions.has_perm(actor, Perm.PREPARE_BATCHES) and permissions.may_see_worker(actor, worker)):
        raise PermissionDenied(_("You may not change this person's treatment."))


@transaction.atomic
def set_account(
    *, actor, worker: ModelWorker, bank: str, account_number: str, holder: str, valid_from: dt.date
) -> PaymentAccount:
    """A new account for future payments; the previous one ends the day before."""
    _require_person(actor, worker)
    number = "".join((account_number or "").split())
    errors = {}
    if not (bank or "").strip():
        errors["bank"] = [_("Enter the bank.")]
    if not number.isdigit() or not 12 <= len(number) <= 30:
        errors["account_number"] = [_("An account number has 12 to 30 digits.")]
    if not (holder or "").strip():
        errors["holder"] = [_("Enter the account holder.")]
    if errors:
        raise ValidationError(errors)
    current = PaymentAccount.objects.select_for_update().filter(model_worker=worker, ended_on__isnull=True).first()
    if current:
        if valid_from <= current.valid_from:
            raise ValidationError(
                {
                    "valid_from": [
                        _("The new account must start after the current one (%(d)s).") % {"d": current.valid_from}
                    ]
                }
            )
        current.ended_on = valid_from - dt.timedelta(days=1)
        current.save(update_fields=["ended_on"])
    account = PaymentAccount.objects.create(
        model_worker=worker, bank=bank.strip(), account_number=number, holder=holder.strip(), valid_from=valid_from
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=worker,
        object_type="benefits.paymentaccount",
        object_id=account.pk,
        object_repr=str(account),
        changes={"account": [str(current) if current else None, str(account)]},
    )
    return account


def reveal_account(*, actor, account: PaymentAccount) -> str:
    if not (
        permissions.has_perm(actor, Perm.REVEAL_ACCOUNT) and permissions.may_see_worker(actor, account.model_worker)
    ):
        raise PermissionDenied(_("You may not see account numbers unmasked."))
    record(
        actor=actor,
        action=AuditAction.REVEAL,
        obj=account.model_worker,
        object_type="benefits.paymentaccount",
        object_id=account.pk,
        object_repr=str(account),
        detail={"field": "account_number"},
    )
    return account.account_number


@transaction.atomic
def add_hold(
    *, actor, worker: ModelWorker, reason: str, starts_on: dt.date, note: str = "", ends_on: dt.date | None = None
) -> TreatmentHold:
    _require_person(actor, worker)
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The end is before the start.")]})
    hold = TreatmentHold.objects.create(
        model_worker=worker, reason=reason, starts_on=starts_on, ends_on=ends_on, note=note[:200]
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=worker,
        object_type="benefits.treatmenthold",
        object_id=hold.pk,
        object_repr=str(hold),
        changes={"hold": [None, f"{hold} {note}".strip()]},
    )
    return hold


@transaction.atomic
def end_hold(*, actor, hold: TreatmentHold, ends_on: dt.date) -> TreatmentHold:
    _require_person(actor, hold.model_worker)
    if ends_on < hold.starts_on:
        raise ValidationError({"ends_on": [_("The end is before the start.")]})
    before = hold.ends_on
    hold.ends_on = ends_on
    hold.save(update_fields=["ends_on"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=hold.model_worker,
        object_type="benefits.treatmenthold",
        object_id=hold.pk,
        object_repr=str(hold),
        changes={"ends_on": [before.isoformat() if before else None, ends_on.isoformat()]},
    )
    return hold


def current_accounts(worker_ids) -> dict[int, tuple[str, str, str]]:
    out = {}
    ids = list(worker_ids)
    for i in range(0, len(ids), 900):
        for wid, bank, number, holder in PaymentAccount.objects.filter(
            model_worker_id__in=ids[i : i + 900], ended_on__isnull=True
        ).values_list("model_worker_id", "bank", "account_number", "holder"):
            out[wid] = (bank, number, holder)
    return out


# --- What may still be paid -------------------------------------------------------------------
#
# The invariant for money: for every person, scheme and period, what is paid (net of
# reversals) and what is being paid (lines to pay, of every kind: regular, arrears, carried
# failures) never adds up to more than what is due. Every path that makes a line — a regular
# batch, the failures it carries in, an arrears batch — asks ``_within_due`` how much the line
# may be, with the scheme row locked (``select_for_update``), so two such paths for one scheme
# run one after the other and the second sees what the first made. Paying and reversing need
# no lock: paying turns a line to pay into a ledger entry of the same amount in one commit,
# and a reversal or a failure only lowers what is covered.

COVER_CHUNK = 400  # people per statement: two subqueries stay under SQLite's 999 parameters


def _covered(scheme_id: int, first: dt.date, last: dt.date, worker_ids=None) -> dict[tuple[int, dt.date], Decimal]:
    """What is paid (net) or being paid, by (person, period), in ``first``…``last``.

    The ledger and the lines to pay of a person are read in one statement: a payment recorded
    meanwhile moves an amount from one to the other, and a statement sees both or neither."""
    out: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)

    def read(ids) -> None:
        ledger = LedgerEntry.objects.filter(scheme_id=scheme_id, period__range=(first, last))
        lines = BatchLine.objects.filter(scheme_id=scheme_id, state=LineState.PENDING, period__range=(first, last))
        if ids is not None:
            ledger, lines = ledger.filter(model_worker_id__in=ids), lines.filter(model_worker_id__in=ids)
        both = (
            ledger.order_by()
            .values_list("model_worker_id", "period", "amount")
            .union(lines.order_by().values_list("model_worker_id", "period", "amount"), all=True)
        )
        for wid, period, amount in both:
            out[(wid, period)] += amount

    ids = sorted(set(worker_ids)) if worker_ids is not None else None
    if ids is None or len(ids) > 25 * COVER_CHUNK:
        read(None)  # a whole batch: reading the period is cheaper than naming everyone
    else:
        for i in range(0, len(ids), COVER_CHUNK):
            read(ids[i : i + COVER_CHUNK])
    return out


def _within_due(scheme: Scheme, claims: list[tuple[int, dt.date, Decimal, Decimal]]) -> list[Decimal]:
    """For each (person, period, due, wanted), the amount a new line may have: ``wanted``, less
    whatever would take the person-period above what is due (zero: no line). The caller holds
    the scheme's lock and makes the lines before letting it go."""
    if not claims:
        return []
    periods_of = [c[1] for c in claims]
    cover = _covered(scheme.pk, min(periods_of), max(periods_of), {c[0] for c in claims})
    allowed = []
    for wid, period, due, wanted in claims:
        have = cover.get((wid, period), Decimal(0))
        amount = max(min(wanted, due - have), Decimal(0))
        cover[(wid, period)] = have + amount
        allowed.append(amount)
    return allowed


# --- Batches ----------------------------------------------------------------------------------

LINE_COLUMNS = [
    "batch_id",
    "scheme_id",
    "model_worker_id",
    "period",
    "kind",
    "amount",
    "level",
    "rule_id",
    "words",
    "bank",
    "account_number",
    "holder",
    "state",
    "paid_on",
    "reference",
    "failure_reason",
    "carried_from_id",
    "items",
    "signed_by",
    "created_at",
]


def _batch_title(scheme: Scheme, period: dt.date) -> str:
    return f"{scheme.name} · {scheme.period_label(period)}"


def generate_batch(*, actor, scheme: Scheme, period: dt.date, progress=None) -> Batch:
    """The batch of a scheme for a period: one line per entitled person, and the people left out
    with their reason. Idempotent: run twice, or twice at once, it adds only what is missing —
    the scheme is locked while generating and the database refuses a second live line for a
    person and period. Failed lines of earlier batches of the scheme are carried in."""
    _require(actor, Perm.PREPARE_BATCHES)
    period = periods.start_of(period, scheme.period, scheme.one_off_date)
    try:
        with transaction.atomic():
            return _generate(actor, scheme, period, progress)
    except IntegrityError:
        # Another generation of the same batch committed first: what it made is the batch.
        batch = Batch.objects.filter(scheme=scheme, period=period, kind=BatchKind.REGULAR).first()
        if batch is None:
            raise
        return batch


def regenerate_batch(*, actor, batch: Batch) -> Batch:
    """Add to a regular batch the people entitled since it was made (an arrears batch is made
    once, from the report, and has no period to fill)."""
    if batch.kind != BatchKind.REGULAR:
        raise DomainError(_("Only a regular batch can take in people newly entitled."), code="conflict")
    return generate_batch(actor=actor, scheme=batch.scheme, period=batch.period)


def _generate(actor, scheme: Scheme, period: dt.date, progress) -> Batch:
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)  # one generation per scheme at a time
    batch, created = Batch.objects.get_or_create(
        scheme=scheme,
        period=period,
        kind=BatchKind.REGULAR,
        defaults={"title": _batch_title(scheme, period), "prepared_by": actor},
    )
    if batch.state != BatchState.DRAFT:
        return batch
    rules = entitlement.rules_of(scheme)
    # Whoever is being paid or was paid for the period (in any batch), and whoever already has a
    # line in this batch — removed lines included: a removal stands until the preparer undoes it.
    taken = set(
        BatchLine.objects.filter(scheme=scheme, period=period, kind=BatchKind.REGULAR)
        .filter(Q(state__in=[LineState.PENDING, LineState.PAID]) | Q(batch=batch))
        .values_list("model_worker_id", flat=True)
    )
    # Who is left out, and why, is derived: it is worked out afresh on every generation.
    LeftOut.objects.filter(batch=batch).delete()
    facts = entitlement.load_facts(queryset=entitlement.candidates(scheme))
    if progress:
        progress(len(facts) // 3, len(facts))
    due: dict[int, entitlement.Due] = {}
    left: list[tuple[int, str, str]] = []
    for wid, f in facts.items():
        if wid in taken:
            continue
        result = entitlement.evaluate(f, scheme, rules, period)
        if isinstance(result, entitlement.Due):
            due[wid] = result
        else:
            left.append((wid, result.reason, result.words))
    accounts = current_accounts(due) if not scheme.is_in_kind else {}
    items = {str(si.item): str(si.quantity) for si in scheme.items.select_related("item")} if scheme.is_in_kind else {}
    now = timezone.now()
    carried = _carry_failed(batch, scheme, rules, now)
    payable = []
    for wid, d in due.items():
        if accounts.get(wid) is None and not scheme.is_in_kind:
            left.append((wid, "no_account", _("No bank account on record")))
        else:
            payable.append((wid, d))
    # What an arrears batch already paid or is paying for the period is not paid again.
    allowed = _within_due(scheme, [(wid, period, d.amount, d.amount) for wid, d in payable])
    lines = []
    for (wid, d), amount in zip(payable, allowed, strict=True):
        if amount <= 0:
            left.append((wid, "covered", _("Already paid or being paid for this period in an arrears batch")))
            continue
        words = d.words
        if amount < d.amount:
            words = _("%(words)s; ¥%(paid)s of it paid in an arrears batch") % {
                "words": d.words,
                "paid": d.amount - amount,
            }
        bank, number, holder = accounts.get(wid) or ("", "", "")
        lines.append(
            (
                batch.pk,
                scheme.pk,
                wid,
                period,
                BatchKind.REGULAR,
                amount,
                d.level,
                d.rule_id,
                words[:200],
                bank,
                number,
                holder,
                LineState.PENDING,
                None,
                "",
                "",
                None,
                items,
                "",
                now,
            )
        )
    bulk.insert(BatchLine, LINE_COLUMNS, lines)
    bulk.insert(LeftOut, ["batch_id", "model_worker_id", "reason", "words"], ((batch.pk, *row) for row in left))
    _refresh_totals(batch)
    record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=batch,
        detail={"step": "generate", "lines": len(lines), "carried": carried, "left_out": len(left)},
    )
    return batch


def _carry_failed(batch: Batch, scheme: Scheme, rules, now) -> int:
    """Failed lines of earlier batches of the scheme come into this one (at the current account),
    for what is still due: a title revoked or a death entered since, or an arrears batch that
    paid the period meanwhile, leaves less (or nothing) to carry."""
    failed = list(
        BatchLine.objects.filter(scheme=scheme, state=LineState.FAILED, kind=BatchKind.REGULAR)
        .exclude(batch=batch)
        .select_related("batch")
        .order_by("period", "pk")
    )
    if not failed:
        return 0
    facts = entitlement.load_facts({line.model_worker_id for line in failed})

    def due(line: BatchLine) -> Decimal:
        f = facts.get(line.model_worker_id)
        result = entitlement.evaluate(f, scheme, rules, line.period) if f else None
        return result.amount if isinstance(result, entitlement.Due) else Decimal(0)

    allowed = _within_due(scheme, [(line.model_worker_id, line.period, due(line), line.amount) for line in failed])
    failed, amounts = (
        [line for line, amount in zip(failed, allowed, strict=True) if amount > 0],
        [amount for amount in allowed if amount > 0],
    )
    if not failed:
        return 0
    accounts = current_accounts({line.model_worker_id for line in failed})
    rows = []
    for line, amount in zip(failed, amounts, strict=True):
        bank, number, holder = accounts.get(line.model_worker_id, (line.bank, line.account_number, line.holder))
        rows.append(
            (
                batch.pk,
                scheme.pk,
                line.model_worker_id,
                line.period,
                BatchKind.REGULAR,
                amount,
                line.level,
                line.rule_id,
                (
                    line.words
                    if amount == line.amount
                    else (_("%(words)s; ¥%(amount)s still owed") % {"words": line.words, "amount": amount})[:200]
                ),
                bank,
                number,
                holder,
                LineState.PENDING,
                None,
                "",
                "",
                line.pk,
                line.items,
                "",
                now,
            )
        )
    BatchLine.objects.filter(pk__in=[line.pk for line in failed]).update(state=LineState.CARRIED)
    bulk.insert(BatchLine, LINE_COLUMNS, rows)
    for earlier in {line.batch for line in failed}:
        _refresh_totals(earlier)  # a carried line now counts in this batch, not in its first one
    return len(rows)


def _refresh_totals(batch: Batch) -> None:
    live = BatchLine.objects.filter(batch=batch).exclude(state__in=[LineState.REMOVED, LineState.CARRIED])
    agg = live.aggregate(n=Count("id"), total=Sum("amount"))
    Batch.objects.filter(pk=batch.pk).update(
        line_count=agg["n"] or 0,
        total=agg["total"] or Decimal("0"),
        left_out_count=LeftOut.objects.filter(batch=batch).count(),
    )
    batch.refresh_from_db()


def _transition(*, actor, batch: Batch, allowed: tuple[str, ...], to: str, perm: Perm, step: str):
    """Lock the batch, check it may move, and set its new state; returns (batch, old state)."""
    _require(actor, perm)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.state not in allowed:
        raise DomainError(
            _("This batch is %(s)s; it cannot be %(step)s now.") % {"s": BatchState(batch.state).label, "step": step},
            code="conflict",
        )
    before = batch.state
    batch.state = to
    return batch, before


@transaction.atomic
def submit_batch(*, actor, batch: Batch) -> Batch:
    batch, before = _transition(
        actor=actor,
        batch=batch,
        allowed=(BatchState.DRAFT,),
        to=BatchState.SUBMITTED,
        perm=Perm.PREPARE_BATCHES,
        step=_("submitted"),
    )
    if not batch.lines.filter(state=LineState.PENDING).exists():
        raise DomainError(_("The batch has no lines to pay."), code="conflict")
    batch.submitted_by, batch.submitted_at = actor, timezone.now()
    batch.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=batch, changes={"state": [before, batch.state]})
    return batch


@transaction.atomic
def return_batch(*, actor, batch: Batch, reason: str) -> Batch:
    """Back to draft for corrections (by the approver, with a reason)."""
    batch, before = _transition(
        actor=actor,
        batch=batch,
        allowed=(BatchState.SUBMITTED,),
        to=BatchState.DRAFT,
        perm=Perm.APPROVE_BATCHES,
        step=_("returned"),
    )
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    batch.save()
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=batch,
        changes={"state": [before, batch.state]},
        detail={"reason": reason.strip()},
    )
    return batch


@transaction.atomic
def approve_batch(*, actor, batch: Batch) -> Batch:
    """Separation of duties: whoever prepared a batch may not approve it — checked before the
    state, so the preparer hears that (403), not that someone else got there first (409)."""
    _require(actor, Perm.APPROVE_BATCHES)
    prepared_by = Batch.objects.filter(pk=batch.pk).values_list("prepared_by_id", flat=True).first()
    if prepared_by == getattr(actor, "pk", None):
        raise DomainError(_("You prepared this batch, so someone else must approve it."), code="forbidden")
    batch, before = _transition(
        actor=actor,
        batch=batch,
        allowed=(BatchState.SUBMITTED,),
        to=BatchState.APPROVED,
        perm=Perm.APPROVE_BATCHES,
        step=_("approved"),
    )
    batch.approved_by, batch.approved_at = actor, timezone.now()
    batch.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=batch, changes={"state": [before, batch.state]})
    return batch


@transaction.atomic
def remove_line(*, actor, line: BatchLine, reason: str) -> BatchLine:
    """Lines change only while the batch is a draft; a removed line stays, marked, with why."""
    _require(actor, Perm.PREPARE_BATCHES)
    batch = Batch.objects.select_for_update().get(pk=line.batch_id)
    if batch.state != BatchState.DRAFT:
        raise DomainError(_("Lines change only while the batch is a draft."), code="conflict")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    line = BatchLine.objects.get(pk=line.pk)
    if line.state != LineState.PENDING:
        raise DomainError(_("This line is no longer to pay."), code="conflict")
    line.state, line.failure_reason = LineState.REMOVED, reason.strip()[:200]
    line.save(update_fields=["state", "failure_reason"])
    _refresh_totals(batch)
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=batch,
        changes={"line": [str(line.model_worker_id), None]},
        model_worker_id=line.model_worker_id,
        detail={"reason": line.failure_reason},
    )
    return line


def _require_paying(actor, batch: Batch) -> Batch:
    _require(actor, Perm.PREPARE_BATCHES)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.state not in (BatchState.APPROVED, BatchState.PAID, BatchState.PARTLY_FAILED):
        raise DomainError(_("Payments are recorded once the batch is approved."), code="conflict")
    return batch


def _settle(batch: Batch, actor) -> None:
    """A batch with no line left to pay is paid, or partly failed."""
    states = set(batch.lines.exclude(state__in=[LineState.REMOVED]).values_list("state", flat=True))
    if LineState.PENDING in states:
        return
    new = BatchState.PARTLY_FAILED if LineState.FAILED in states else BatchState.PAID
    if new != batch.state:
        before = batch.state
        batch.state, batch.paid_at = new, batch.paid_at or timezone.now()
        batch.save(update_fields=["state", "paid_at"])
        record(actor=actor, action=AuditAction.UPDATE, obj=batch, changes={"state": [before, new]})


def record_return_file(*, actor, batch: Batch, data: bytes, name: str) -> dict[str, int]:
    """The bank's return file, read only once the actor may record payments: a file from
    someone who may not is refused unread (the spreadsheet reader is the exposed part).
    Reading happens outside the batch's lock; ``record_results`` checks the rest."""
    from gongjiang.benefits import bankfile

    _require(actor, Perm.PREPARE_BATCHES)
    return record_results(actor=actor, batch=batch, results=bankfile.parse_return(batch, data, name))


@transaction.atomic
def record_results(*, actor, batch: Batch, results: list[dict]) -> dict[str, int]:
    """Results from the bank (or by hand): each {line, paid: bool, paid_on, reference, reason}.

    A paid line becomes a ledger entry; a failed line waits for a later batch. A line recorded
    as paid that the bank then returns is reversed in the ledger (never edited)."""
    batch = _require_paying(actor, batch)
    lines = {line.pk: line for line in batch.lines.select_for_update().filter(pk__in=[r["line"] for r in results])}
    paid = failed = 0
    entries = []
    for r in results:
        line = lines.get(r["line"])
        if line is None:
            raise ValidationError(_("Line %(n)s is not in this batch.") % {"n": r["line"]})
        if r["paid"]:
            if line.state == LineState.PAID:
                continue
            if line.state != LineState.PENDING:
                raise DomainError(
                    _("Line %(n)s cannot be paid: it is %(s)s.") % {"n": line.pk, "s": LineState(line.state).label},
                    code="conflict",
                )
            if not r.get("paid_on"):
                raise ValidationError(_("Line %(n)s: the date of payment is missing.") % {"n": line.pk})
            line.state, line.paid_on, line.reference = LineState.PAID, r["paid_on"], (r.get("reference") or "")[:60]
            line.signed_by = (r.get("signed_by") or "")[:50]
            entries.append(
                LedgerEntry(
                    model_worker_id=line.model_worker_id,
                    scheme_id=line.scheme_id,
                    period=line.period,
                    amount=line.amount,
                    level=line.level,
                    paid_on=line.paid_on,
                    line=line,
                    reference=line.reference,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
            )
            paid += 1
        else:
            if not (r.get("reason") or "").strip():
                raise ValidationError(_("Line %(n)s: give the reason it failed.") % {"n": line.pk})
            if line.state == LineState.PAID:
                payment = LedgerEntry.objects.filter(line=line, kind=LedgerKind.PAYMENT).first()
                if payment:
                    _reverse(actor, payment, _("Returned by the bank: %(r)s") % {"r": r["reason"]})
            elif line.state != LineState.PENDING:
                continue
            line.state, line.failure_reason = LineState.FAILED, r["reason"].strip()[:200]
            failed += 1
        line.save(update_fields=["state", "paid_on", "reference", "failure_reason", "signed_by"])
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    if batch.scheme.is_in_kind:
        _hand_out_stock(batch, [e.line for e in entries], actor)
    _settle(batch, actor)
    record(
        actor=actor, action=AuditAction.UPDATE, obj=batch, detail={"step": "results", "paid": paid, "failed": failed}
    )
    return {"paid": paid, "failed": failed}


@transaction.atomic
def pay_all(*, actor, batch: Batch, paid_on: dt.date, reference: str = "") -> dict[str, int]:
    """Every line still to pay, paid on one date (the bank confirmed the whole file). Written in
    bulk: a monthly batch can have two hundred thousand lines."""
    batch = _require_paying(actor, batch)
    if batch.scheme.is_in_kind:
        pending = list(batch.lines.filter(state=LineState.PENDING).values_list("pk", flat=True))
        return record_results(
            actor=actor,
            batch=batch,
            results=[{"line": pk, "paid": True, "paid_on": paid_on, "reference": reference} for pk in pending],
        )
    pending = batch.lines.filter(state=LineState.PENDING)
    rows = list(pending.values_list("pk", "model_worker_id", "scheme_id", "period", "amount", "level"))
    pending.update(state=LineState.PAID, paid_on=paid_on, reference=reference[:60])
    now = timezone.now()
    creator = actor.pk if getattr(actor, "is_authenticated", False) else None
    bulk.insert(
        LedgerEntry,
        LEDGER_COLUMNS,
        (
            (wid, sid, period, LedgerKind.PAYMENT, amount, level, paid_on, pk, None, reference[:60], "", now, creator)
            for pk, wid, sid, period, amount, level in rows
        ),
    )
    _settle(batch, actor)
    record(
        actor=actor, action=AuditAction.UPDATE, obj=batch, detail={"step": "results", "paid": len(rows), "failed": 0}
    )
    return {"paid": len(rows), "failed": 0}


LEDGER_COLUMNS = [
    "model_worker_id",
    "scheme_id",
    "period",
    "kind",
    "amount",
    "level",
    "paid_on",
    "line_id",
    "reverses_id",
    "reference",
    "reason",
    "created_at",
    "created_by_id",
]


@transaction.atomic
def close_batch(*, actor, batch: Batch) -> Batch:
    batch, before = _transition(
        actor=actor,
        batch=batch,
        allowed=(BatchState.PAID, BatchState.PARTLY_FAILED),
        to=BatchState.CLOSED,
        perm=Perm.PREPARE_BATCHES,
        step=_("closed"),
    )
    batch.closed_at = timezone.now()
    batch.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=batch, changes={"state": [before, batch.state]})
    return batch


# --- Ledger -----------------------------------------------------------------------------------


def _reverse(actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    if entry.kind != LedgerKind.PAYMENT:
        raise DomainError(_("Only a payment can be reversed."), code="conflict")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise DomainError(_("This payment has already been reversed."), code="conflict")
    reversal = LedgerEntry.objects.create(
        model_worker_id=entry.model_worker_id,
        scheme_id=entry.scheme_id,
        period=entry.period,
        kind=LedgerKind.REVERSAL,
        amount=-entry.amount,
        level=entry.level,
        paid_on=timezone.localdate(),
        reverses=entry,
        reason=reason[:200],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        actor=actor,
        action=AuditAction.REVOKE,
        obj=reversal.model_worker,
        object_type="benefits.ledgerentry",
        object_id=reversal.pk,
        object_repr=f"{entry.scheme} {entry.period:%Y-%m} {entry.amount}",
        detail={"reverses": entry.pk, "reason": reason},
    )
    return reversal


@transaction.atomic
def reverse_entry(*, actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """A correction is a reversing entry with a reason; the person-period is owed again."""
    _require(actor, Perm.APPROVE_BATCHES)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    return _reverse(actor, entry, reason.strip())


# --- Arrears ----------------------------------------------------------------------------------


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
    *, actor, scheme: Scheme, first: dt.date, last: dt.date, today: dt.date | None = None
) -> Batch | None:
    """A 补发 batch for every person-period in the range owed more than was paid or is being
    paid: after a raise back-dated, a retirement entered late, a failed or reversed payment.

    The range ends at ``arrears_until``. A batch is made only when something can be paid:
    ``None`` when nothing is owed; a DomainError naming them when the only people owed have no
    bank account (a batch that is made lists them among the people left out)."""
    _require(actor, Perm.PREPARE_BATCHES)
    from gongjiang.benefits.reports import on_time_report

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
        report = on_time_report(scheme, first, last, rows=True, statuses=["missing", "short"])
        owed = [r for r in report.rows if r.owed > 0]
        accounts = current_accounts({r.worker_id for r in owed}) if not scheme.is_in_kind else {}
        # Nobody can be paid without an account: they stay owed, listed, for the next arrears run.
        unpaid = sorted({r.worker_id for r in owed if r.worker_id not in accounts}) if not scheme.is_in_kind else []
        owed = [r for r in owed if scheme.is_in_kind or r.worker_id in accounts]
        allowed = _within_due(scheme, [(r.worker_id, r.period, r.due, r.owed) for r in owed])
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
                (
                    batch.pk,
                    scheme.pk,
                    r.worker_id,
                    r.period,
                    BatchKind.ARREARS,
                    amount,
                    r.level,
                    r.rule_id,
                    f"{words} · {r.words}"[:200],
                    bank,
                    number,
                    holder,
                    LineState.PENDING,
                    None,
                    "",
                    "",
                    None,
                    {},
                    "",
                    now,
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
            _refresh_totals(earlier)
        _refresh_totals(batch)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=batch,
            detail={"step": "arrears", "lines": len(rows), "total": str(batch.total)},
        )
        return batch


# --- In-kind ----------------------------------------------------------------------------------


@transaction.atomic
def receive_stock(*, actor, item: Item, quantity: Decimal, moved_on: dt.date, note: str = "") -> StockMovement:
    _require(actor, Perm.PREPARE_BATCHES)
    if quantity is None or quantity <= 0:
        raise ValidationError({"quantity": [_("Enter the quantity received.")]})
    movement = StockMovement.objects.create(
        item=item, kind=StockKind.RECEIVED, quantity=quantity, moved_on=moved_on, note=note[:200], created_by=actor
    )
    record(actor=actor, action=AuditAction.CREATE, obj=movement, object_repr=f"{item} +{quantity}")
    return movement


def stock_of(item: Item) -> Decimal:
    return item.movements.aggregate(s=Sum("quantity"))["s"] or Decimal("0")


def _hand_out_stock(batch: Batch, lines: list[BatchLine], actor) -> None:
    """Hand-outs take their items from stock; stock never goes below zero."""
    if not lines:
        return
    needed: dict[int, Decimal] = {}
    per_person = {si.item_id: si.quantity for si in batch.scheme.items.all()}
    for item_id, quantity in per_person.items():
        needed[item_id] = quantity * len(lines)
    for item in Item.objects.select_for_update().filter(pk__in=list(needed)):
        if stock_of(item) < needed[item.pk]:
            raise DomainError(
                _("Not enough %(item)s in stock: %(have)s, %(need)s needed.")
                % {"item": item.name, "have": stock_of(item), "need": needed[item.pk]},
                code="conflict",
            )
    movements = [
        StockMovement(
            item_id=item_id,
            kind=StockKind.HANDED_OUT,
            quantity=-quantity,
            moved_on=line.paid_on,
            line=line,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for line in lines
        for item_id, quantity in per_person.items()
    ]
    StockMovement.objects.bulk_create(movements, batch_size=2000)


# --- A person's treatment ---------------------------------------------------------------------


def person_treatment(worker: ModelWorker, today: dt.date | None = None) -> list[dict]:
    """For the profile: each scheme the person is or was entitled to, now and in total."""
    from gongjiang.benefits.reports import person_owed

    today = today or timezone.localdate()
    facts = entitlement.load_facts([worker.pk]).get(worker.pk)
    # The person's ledger and pending lines, read once for every scheme.
    paid: dict[int, list] = defaultdict(list)
    for scheme_id, period, amount in LedgerEntry.objects.filter(model_worker=worker).values_list(
        "scheme_id", "period", "amount"
    ):
        paid[scheme_id].append((period, amount))
    pending: dict[int, list] = defaultdict(list)
    for scheme_id, period, amount in BatchLine.objects.filter(model_worker=worker, state=LineState.PENDING).values_list(
        "scheme_id", "period", "amount"
    ):
        pending[scheme_id].append((period, amount))
    out = []
    for scheme in Scheme.objects.filter(is_active=True).prefetch_related("rules"):
        rules = entitlement.rules_of(scheme)
        if not rules or facts is None:
            continue
        current = periods.start_of(today, scheme.period, scheme.one_off_date)
        now = entitlement.evaluate(facts, scheme, rules, current)
        owed = person_owed(scheme, facts, rules, today, paid=paid[scheme.pk], pending=pending[scheme.pk])
        if isinstance(now, entitlement.Due) or owed["due"] or owed["paid"]:
            out.append({"scheme": scheme, "now": now, **owed})
    return out
