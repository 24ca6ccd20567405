"""What is waiting for a user, shown at the top of their start page, provided by the apps that
know it (a registry: accounts imports no domain app).

An app registers a provider in ``AppConfig.ready()``::

    notices.register(overdue_needs_notice)

A provider takes the user and returns a ``Notice`` or ``None``; it makes at most one query, so
the start page keeps a fixed number of queries whatever the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Notice:
    text: str
    url: str
    # "warning" for what is overdue, "info" for what is merely waiting.
    tone: str = "warning"


_providers: list[Callable[[Any], Notice | None]] = []


def register(provider: Callable[[Any], Notice | None]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def for_user(user) -> list[Notice]:
    return [n for n in (provider(user) for provider in _providers) if n is not None]
