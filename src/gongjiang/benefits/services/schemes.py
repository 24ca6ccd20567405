"""Schemes and their standards (rules by period, level and status), and the items an in-kind scheme hands out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import diff, record, snapshot
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor, require, user_of
from gongjiang.archive.enums import Status
from gongjiang.benefits import periods
from gongjiang.benefits.enums import SchemePeriod
from gongjiang.benefits.models import (
    Item,
    Scheme,
    SchemeItem,
    SchemeRule,
)
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


@transaction.atomic
def save_scheme(*, actor: Actor, data: dict[str, Any], scheme: Scheme | None = None) -> Scheme:
    require(actor, Perm.MANAGE_SCHEMES)
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
def save_rule(*, actor: Actor, scheme: Scheme, data: dict[str, Any], rule: SchemeRule | None = None) -> SchemeRule:
    """Add or change a standard. A new standard that starts while an open-ended one is in force
    ends that one the day before. Standards may not otherwise overlap. A standard effective in
    the past changes what was owed: the 按时足额 report shows the arrears."""
    require(actor, Perm.MANAGE_SCHEMES)
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    clean = _clean_rule(scheme, data)
    creating = rule is None
    rule = rule or SchemeRule(scheme=scheme, created_by=user_of(actor))
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
def set_items(*, actor: Actor, scheme: Scheme, quantities: dict[Item, Decimal]) -> None:
    require(actor, Perm.MANAGE_SCHEMES)
    before = {str(si.item): str(si.quantity) for si in scheme.items.select_related("item")}
    for item, quantity in quantities.items():
        if quantity and quantity > 0:
            SchemeItem.objects.update_or_create(scheme=scheme, item=item, defaults={"quantity": quantity})
        else:
            SchemeItem.objects.filter(scheme=scheme, item=item).delete()  # a setting, not a record
    after = {str(si.item): str(si.quantity) for si in scheme.items.select_related("item")}
    if before != after:
        record(actor=actor, action=AuditAction.UPDATE, obj=scheme, changes={"items": [before, after]})
