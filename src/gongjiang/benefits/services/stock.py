"""In-kind stock: received, and handed out with the lines of an in-kind batch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor, require, user_of
from gongjiang.benefits.enums import StockKind
from gongjiang.benefits.models import (
    Batch,
    BatchLine,
    Item,
    StockMovement,
)
from gongjiang.core.errors import DomainError

Perm = permissions.Perm


@transaction.atomic
def receive_stock(*, actor: Actor, item: Item, quantity: Decimal, moved_on: dt.date, note: str = "") -> StockMovement:
    require(actor, Perm.PREPARE_BATCHES)
    if quantity is None or quantity <= 0:
        raise ValidationError({"quantity": [_("Enter the quantity received.")]})
    movement = StockMovement.objects.create(
        item=item,
        kind=StockKind.RECEIVED,
        quantity=quantity,
        moved_on=moved_on,
        note=note[:200],
        created_by=user_of(actor),
    )
    record(actor=actor, action=AuditAction.CREATE, obj=movement, object_repr=f"{item} +{quantity}")
    return movement


def stock_of(item: Item) -> Decimal:
    return item.movements.aggregate(s=Sum("quantity"))["s"] or Decimal("0")


def hand_out_stock(batch: Batch, lines: list[BatchLine], actor: Actor) -> None:
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
            moved_on=cast(dt.date, line.paid_on),  # a line handed out is paid, on its day
            line=line,
            created_by=user_of(actor),
        )
        for line in lines
        for item_id, quantity in per_person.items()
    ]
    StockMovement.objects.bulk_create(movements, batch_size=2000)
