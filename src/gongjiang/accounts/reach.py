"""What a studio leader reaches, provided by the app that knows units (a registry: accounts
imports no domain app).

``platform`` registers its answers in ``AppConfig.ready()``::

    reach.register(team_member_ids=..., led_unit_ids=...)

Without a registration a leader reaches no one beyond their own record and leads no unit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gongjiang.accounts.models import User

_providers: dict[str, Callable[[Any], Any]] = {}


def register(*, team_member_ids: Callable[[Any], Any], led_unit_ids: Callable[[Any], Any]) -> None:
    """``team_member_ids(user)``: a queryset of ``model_worker_id`` values (for a subquery), the
    people on the teams of the units the user leads; ``led_unit_ids(user)``: the ids of the
    units the user may open as their own, in a stable order."""
    _providers["team_member_ids"] = team_member_ids
    _providers["led_unit_ids"] = led_unit_ids


def team_member_ids(user):
    provider = _providers.get("team_member_ids")
    if provider is None:
        return User.objects.none().values("model_worker_id")
    return provider(user)


def led_unit_ids(user, limit: int) -> list[int]:
    provider = _providers.get("led_unit_ids")
    return [] if provider is None else list(provider(user)[:limit])
