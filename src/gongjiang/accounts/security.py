"""The 安全事件 page's figures: lockouts, bursts of refused requests, ID numbers a union sent
that a record outside its scope holds, bulk unmasked exports, and any other security event.

Two queries whatever the size of the log: the events themselves (indexed by action and time),
and the bursts, counted in the database by user, address and clock window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Max, Min, Q, Value
from django.db.models.functions import ExtractMinute, Floor, TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts.enums import AuditAction, SecurityEventKind
from gongjiang.accounts.models import AuditEntry

EVENT_LIMIT = 200
BURST_LIMIT = 100


@dataclass(frozen=True)
class Limits:
    burst_count: int
    burst_minutes: int
    bulk_rows: int

    @classmethod
    def current(cls) -> Limits:
        conf = settings.GONGJIANG
        # Windows are slices of the clock hour (10 minutes: :00–:09, :10–:19, …), so at most 60.
        minutes = max(1, min(int(conf["REFUSAL_BURST_MINUTES"]), 60))
        return cls(max(1, int(conf["REFUSAL_BURST_COUNT"])), minutes, max(1, int(conf["BULK_UNMASKED_ROWS"])))


def kind_of(entry: AuditEntry) -> str:
    """The event's kind (a ``SecurityEventKind``) for an entry the events query returned."""
    if entry.action == AuditAction.LOCKOUT:
        return SecurityEventKind.LOCKOUT
    if entry.action == AuditAction.EXPORT:
        return SecurityEventKind.BULK_UNMASKED_EXPORT
    return (entry.detail or {}).get("kind", "")


def label_of(kind: str) -> str:
    try:
        return str(SecurityEventKind(kind).label)
    except ValueError:
        return kind or _("Security event")


def events(since: dt.datetime, limits: Limits, kind: str = "") -> list[AuditEntry]:
    """Lockouts, security events and unmasked exports of at least ``bulk_rows`` rows, newest first."""
    bulk = Q(action=AuditAction.EXPORT, detail__unmasked=True, detail__rows__gte=limits.bulk_rows)
    lockouts = Q(action=AuditAction.LOCKOUT)
    recorded = Q(action=AuditAction.SECURITY)
    if kind == SecurityEventKind.BULK_UNMASKED_EXPORT:
        cond = bulk
    elif kind == SecurityEventKind.LOCKOUT:
        cond = lockouts | Q(action=AuditAction.SECURITY, detail__kind=kind)
    elif kind:
        cond = Q(action=AuditAction.SECURITY, detail__kind=kind)
    else:
        cond = lockouts | recorded | bulk
    qs = AuditEntry.objects.filter(cond, at__gte=since).select_related("actor").order_by("-at", "-id")
    entries = list(qs[:EVENT_LIMIT])
    for e in entries:
        e.kind = kind_of(e)
        e.kind_label = label_of(e.kind)
    return entries


def bursts(since: dt.datetime, limits: Limits) -> list[dict]:
    """Refused requests by one user from one address: windows with at least ``burst_count``."""
    return list(
        AuditEntry.objects.filter(action=AuditAction.REFUSED, at__gte=since)
        .annotate(hour=TruncHour("at"), slot=Floor(ExtractMinute("at") / Value(limits.burst_minutes)))
        .values("actor_username", "ip_address", "hour", "slot")
        .annotate(n=Count("id"), first=Min("at"), last=Max("at"))
        .filter(n__gte=limits.burst_count)
        .order_by(F("first").desc())[:BURST_LIMIT]
    )


def since_days(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
