"""安全事件: what the admin and the auditor watch for."""

from django.shortcuts import render

from gongjiang.accounts import security
from gongjiang.accounts.decorators import perm_required, section
from gongjiang.accounts.enums import SecurityEventKind
from gongjiang.accounts.permissions import Perm

DAY_CHOICES = (1, 7, 30, 90, 365)


@perm_required(Perm.VIEW_AUDIT)
@section("security_events")
def security_events(request):
    days = int(request.GET["days"]) if request.GET.get("days", "").isdigit() else 30
    days = days if days in DAY_CHOICES else 30
    kind = request.GET.get("kind", "")
    kind = kind if kind in SecurityEventKind.values or kind == "refusal_burst" else ""
    limits = security.Limits.current()
    since = security.since_days(days)
    show_events = kind != SecurityEventKind.REFUSAL_BURST
    show_bursts = kind in ("", SecurityEventKind.REFUSAL_BURST)
    return render(
        request,
        "accounts/security_events.html",
        {
            "events": security.events(since, limits, kind) if show_events else [],
            "bursts": security.bursts(since, limits) if show_bursts else [],
            "show_events": show_events,
            "show_bursts": show_bursts,
            "limits": limits,
            "days": days,
            "day_choices": DAY_CHOICES,
            "kind": kind,
            "kinds": SecurityEventKind.choices,
            "event_limit": security.EVENT_LIMIT,
        },
    )
