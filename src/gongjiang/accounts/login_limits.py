"""Failed logins counted per address, across every user name tried from it.

django-axes locks a user name *at one address* after ``AXES_FAILURE_LIMIT`` failures, so that
nobody can lock the administrator out from their own desk by guessing from another. What that
alone allows — one address trying forty user names five times each — this stops: after
``LOGIN_ADDRESS_LIMIT`` failed logins from one address within ``LOGIN_ADDRESS_MINUTES``, that
address may not try again until the window has passed. The limit sits well above one user's
lockout because many staff of one office share an address behind the government's NAT.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from gongjiang.accounts.audit import security_event
from gongjiang.accounts.enums import SecurityEventKind
from gongjiang.core import throttle


def limit() -> int:
    return settings.LOGIN_ADDRESS_LIMIT


def minutes() -> int:
    return settings.LOGIN_ADDRESS_MINUTES


def _key(ip: str) -> str:
    return f"login-failures:{ip}"


def failures(ip: str | None) -> int:
    return cache.get(_key(ip), 0) if ip else 0


def blocked(ip: str | None) -> bool:
    return failures(ip) >= limit()


def note_failure(ip: str | None, username: str) -> int:
    """Count a failed login from ``ip``; the failure that reaches the limit is a security event."""
    if not ip:
        return 0
    key = _key(ip)
    with throttle.serialised(key):
        cache.add(key, 0, timeout=minutes() * 60)  # the window starts with the first failure
        try:
            n = cache.incr(key)
        except ValueError:  # the window ended between add and incr
            cache.set(key, 1, timeout=minutes() * 60)
            n = 1
    if n == limit():
        security_event(
            kind=SecurityEventKind.THROTTLED,
            detail={"address": ip, "failures": n, "minutes": minutes(), "last_username": username[:150]},
        )
    return n
