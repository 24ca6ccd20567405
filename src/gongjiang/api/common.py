"""What every router shares: the error schema, cursor pages, and small converters."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, WithJsonSchema

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record_read
from gongjiang.core.pagination import KeysetPaginator

MAX_LIMIT = 200


def decimal_schema(integer_digits: int, places: int, *, negative: bool = False, example: str = "") -> dict:
    """The JSON schema of a decimal in a request: a string ("1280.50") or a whole number."""
    sign = "-?" if negative else ""
    bound = 10**integer_digits - 1
    text = {"type": "string", "pattern": rf"^{sign}\d{{1,{integer_digits}}}(\.\d{{1,{places}}})?$"}
    if example:
        text["examples"] = [example]
    return {"anyOf": [text, {"type": "integer", "minimum": -bound if negative else 0, "maximum": bound}]}


def decimal_input(integer_digits: int, places: int, *, negative: bool = False, example: str = ""):
    """A decimal in a request. The schema says exactly what is accepted, so generated clients
    (and the fuzzer) send only values the database can hold; pydantic checks the same limits."""
    return Annotated[
        Decimal,
        Field(max_digits=integer_digits + places, decimal_places=places, **({} if negative else {"ge": 0})),
        WithJsonSchema(decimal_schema(integer_digits, places, negative=negative, example=example)),
    ]


# Money (yuan and fen) that may be negative, as a correction is; an amount or income that may not.
Money = decimal_input(10, 2, negative=True, example="1280.50")
Amount = decimal_input(10, 2, example="3200.00")


T = TypeVar("T")


class Page(Schema, Generic[T]):
    """One cursor page: ``next`` is the ``cursor`` of the following page (null on the last);
    ``count`` is exact up to a cap, ``count_capped`` says when it stopped counting."""

    items: list[T]
    next: str | None
    count: int
    count_capped: bool


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


# The statuses every authenticated operation may answer besides its success.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
WRITE_ERRORS = {**ERRORS, 409: ErrorOut}


def page(qs, ordering: list[str], *, cursor: str | None, limit: int, serialize=None) -> dict[str, Any]:
    """One cursor page of ``qs`` in ``ordering`` (keyset: fast at any depth); the items as they
    are (for a schema to read) or passed through ``serialize``."""
    limit = max(1, min(int(limit or 50), MAX_LIMIT))
    result = KeysetPaginator(ordering, page_size=limit).paginate(qs, after=cursor or "")
    return {
        "items": list(result.items) if serialize is None else [serialize(obj) for obj in result.items],
        "next": result.next_cursor if result.has_next else None,
        "count": result.count,
        "count_capped": result.count_capped,
    }


def logged_read(request, object_type: str, result: dict[str, Any], **detail) -> dict[str, Any]:
    """A page of personal data, on record: one audit entry naming the query and the row count."""

    record_read(actor=request.user, object_type=object_type, rows=len(result["items"]), query=request.GET, **detail)
    return result


def require(request, perm) -> None:
    """403 unless the caller's role has ``perm`` (the same table the pages use)."""

    if not permissions.has_perm(request.user, perm):
        raise PermissionDenied(_("You may not do this."))


def choice(value, enum) -> str:
    """The label of a choice, in the request's language."""
    try:
        return str(enum(value).label)
    except ValueError:
        return ""
