"""Keyset pagination and capped counts: lists stay fast at a million rows.

OFFSET makes the database walk every skipped row and COUNT(*) walks them all; a list page
needs neither. A page is "the next 20 rows after this one" in a fixed, unique order (the last
key is always the primary key), and the count stops at a cap ("more than 10,000").
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet


@dataclass
class Page:
    items: list
    count: int
    count_capped: bool
    number: int = 1
    has_next: bool = False
    has_prev: bool = False
    next_cursor: str = ""
    prev_cursor: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def start_index(self) -> int:
        return (self.number - 1) * settings.GONGJIANG["LIST_PAGE_SIZE"] + 1 if self.items else 0


def capped_count(qs: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """Count up to ``cap`` rows: (count, True) when there are more than ``cap``."""
    cap = cap or settings.GONGJIANG["LIST_COUNT_CAP"]
    n = qs.select_related(None).order_by()[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)


def _encode(values: list) -> str:
    raw = json.dumps(values, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> list | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, TypeError):
        return None
    return values if isinstance(values, list) else None


class KeysetPaginator:
    def __init__(self, ordering: list[str], page_size: int | None = None):
        if ordering[-1].lstrip("-") not in ("id", "pk"):
            raise ValueError("the last ordering key must be the primary key")
        self.ordering = ordering
        self.page_size = page_size or settings.GONGJIANG["LIST_PAGE_SIZE"]

    @staticmethod
    def _name(key: str) -> str:
        return key.lstrip("-")

    def _coerce(self, qs: QuerySet, values: list) -> list | None:
        if len(values) != len(self.ordering):
            return None
        out = []
        for key, value in zip(self.ordering, values, strict=True):
            model_field = qs.model._meta.get_field(self._name(key))
            try:
                out.append(model_field.to_python(value))
            except Exception:  # a cursor edited by hand is just ignored
                return None
        return out

    def _after(self, ordering: list[str], values: list) -> Q:
        """Rows strictly after ``values`` in ``ordering``: (a > x) or (a = x and b > y) ..."""
        condition = Q()
        equal = Q()
        for key, value in zip(ordering, values, strict=True):
            name = self._name(key)
            op = "lt" if key.startswith("-") else "gt"
            condition |= equal & Q(**{f"{name}__{op}": value})
            equal &= Q(**{name: value})
        first = ordering[0]
        # The redundant bound on the first key lets the database start an index range there.
        bound = Q(**{f"{self._name(first)}__{'lte' if first.startswith('-') else 'gte'}": values[0]})
        return bound & condition

    def values_of(self, obj) -> list:
        return [getattr(obj, self._name(k)) for k in self.ordering]

    def paginate(self, qs: QuerySet, *, after: str = "", before: str = "", number: int = 1, count: bool = True) -> Page:
        size = self.page_size
        reverse = False
        cursor_values = None
        if before:
            cursor_values = _decode(before)
            reverse = True
        elif after:
            cursor_values = _decode(after)
        if cursor_values is not None:
            cursor_values = self._coerce(qs, cursor_values)
        if cursor_values is None:
            reverse = False
            number = 1
        ordering = [k[1:] if k.startswith("-") else f"-{k}" for k in self.ordering] if reverse else self.ordering
        page_qs = qs.order_by(*ordering)
        if cursor_values is not None:
            page_qs = page_qs.filter(self._after(ordering, cursor_values))
        rows = list(page_qs[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if reverse:
            rows.reverse()
        total, capped = capped_count(qs) if count else (0, False)
        page = Page(items=rows, count=total, count_capped=capped, number=max(number, 1))
        if reverse:
            page.has_prev = more
            page.has_next = True
        else:
            page.has_prev = cursor_values is not None
            page.has_next = more
        if rows:
            page.next_cursor = _encode(self.values_of(rows[-1])) if page.has_next else ""
            page.prev_cursor = _encode(self.values_of(rows[0])) if page.has_prev else ""
        return page


PAGING_PARAMS = ("after", "before", "page")


def page_from_request(request, qs: QuerySet, ordering: list[str], *, size: int | None = 50, count: bool = True) -> Page:
    """One keyset page of ``qs`` as the request asks for it (``after``/``before``/``page``):
    the one place a list view reads its paging parameters. ``size=None``: the list page size
    of the settings."""
    number = request.GET.get("page", "")
    return KeysetPaginator(ordering, page_size=size).paginate(
        qs,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        number=int(number) if number.isdigit() else 1,
        count=count,
    )


def without_paging(request):
    """The request's query without its paging parameters (a mutable copy): the filters a
    page's links and exports carry on."""
    params = request.GET.copy()
    for key in PAGING_PARAMS:
        params.pop(key, None)
    return params
