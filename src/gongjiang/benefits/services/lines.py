"""The row of a batch line as the bulk writer takes it: one shape, built by keyword."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, NamedTuple

from gongjiang.benefits.enums import LineState


class LineRow(NamedTuple):
    """A batch line for ``bulk.insert`` (the order is ``LINE_COLUMNS``)."""

    batch_id: int
    scheme_id: int
    model_worker_id: int
    period: dt.date
    kind: str
    amount: Decimal
    level: int | None
    rule_id: int | None
    words: str
    bank: str
    account_number: str
    holder: str
    state: str
    paid_on: dt.date | None
    reference: str
    failure_reason: str
    carried_from_id: int | None
    items: dict[str, Any]
    signed_by: str
    created_at: dt.datetime


LINE_COLUMNS = list(LineRow._fields)


def pending_line(
    *,
    batch_id: int,
    scheme_id: int,
    model_worker_id: int,
    period: dt.date,
    kind: str,
    amount: Decimal,
    level: int | None,
    rule_id: int | None,
    words: str,
    bank: str,
    account_number: str,
    holder: str,
    created_at: dt.datetime,
    items: dict[str, Any] | None = None,
    carried_from_id: int | None = None,
) -> LineRow:
    """A line still to pay: nothing paid, nothing failed, nobody signed."""
    return LineRow(
        batch_id=batch_id,
        scheme_id=scheme_id,
        model_worker_id=model_worker_id,
        period=period,
        kind=kind,
        amount=amount,
        level=level,
        rule_id=rule_id,
        words=words[:200],
        bank=bank,
        account_number=account_number,
        holder=holder,
        state=LineState.PENDING,
        paid_on=None,
        reference="",
        failure_reason="",
        carried_from_id=carried_from_id,
        items=items if items is not None else {},
        signed_by="",
        created_at=created_at,
    )
