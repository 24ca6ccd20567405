"""A unit's expenses, and its funds received, spent and left."""

from __future__ import annotations

from ninja import Status

from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import ERRORS, WRITE_ERRORS, page, require
from gongjiang.api.platform.common import get_unit, router
from gongjiang.api.platform.schemas import ExpenseIn, ExpenseOut, ExpensePage, VoidIn
from gongjiang.platform import access, funding
from gongjiang.platform.models import Expense


def _expense(request, pk: int) -> Expense:
    """An expense of a unit the user may keep."""
    require(request, Perm.VIEW_PLATFORM)
    return access.access_expense(request.user, pk, keep=True)


@router.get(
    "/platform/units/{int:unit_id}/expenses",
    response={200: ExpensePage, **ERRORS},
    summary="载体的经费支出（及收到、支出、结余）",
)
def expenses(request, unit_id: int, cursor: str = "", limit: int = 50):
    found = get_unit(request, unit_id)
    return {
        **page(found.expenses.all(), ["-spent_on", "-id"], cursor=cursor, limit=limit),
        "funds": funding.funds_of(found),
    }


@router.post(
    "/platform/units/{int:unit_id}/expenses",
    response={201: ExpenseOut, **WRITE_ERRORS},
    summary="登记经费支出（票据请在网页上传）",
)
def add_expense(request, unit_id: int, payload: ExpenseIn):
    found = get_unit(request, unit_id, keep=True)
    item = funding.add_expense(
        actor=request.user, unit=found, spent_on=payload.spent_on, amount=payload.amount, purpose=payload.purpose
    )
    return Status(201, item)


@router.post(
    "/platform/expenses/{int:expense_id}/void",
    response={200: ExpenseOut, **WRITE_ERRORS},
    summary="作废误登的支出（记录保留，不再计入）",
)
def void_expense(request, expense_id: int, payload: VoidIn):
    item = _expense(request, expense_id)
    return funding.void_expense(actor=request.user, expense=item, reason=payload.reason)
