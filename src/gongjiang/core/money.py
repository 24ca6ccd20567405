"""Amounts in yuan as people and banks write them: ``1,234.50``, ``¥300``, ``300元``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")


def parse_yuan(value) -> Decimal:
    """The amount to the fen; ValueError when the text is not an amount."""
    text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
    text = text.removeprefix("¥").removeprefix("￥").removesuffix("元")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    if not amount.is_finite():
        raise ValueError(value)
    return amount.quantize(CENT)
