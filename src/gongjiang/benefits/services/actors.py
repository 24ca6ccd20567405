"""Who is written down as having done a thing."""

from __future__ import annotations

from gongjiang.accounts.permissions import is_system


def user_of(actor):
    """The user to store in a ``*_by`` column: the person acting, or ``None`` for the system
    actor (a command or a task) and for anyone not signed in."""
    if is_system(actor) or not getattr(actor, "is_authenticated", False):
        return None
    return actor
