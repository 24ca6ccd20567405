"""Small helpers every platform service uses."""

from __future__ import annotations

import re

from gongjiang.accounts.permissions import is_system


def is_user(actor) -> bool:
    """A person signed in (not the system actor of a command or task)."""
    return getattr(actor, "is_authenticated", False) and not is_system(actor)


def user_of(actor):
    """The user to store in a ``*_by`` column: the person acting, or ``None`` for the system."""
    return actor if is_user(actor) else None


def clean_text(value) -> str:
    """One line of text: whitespace runs become one space, and the ends are trimmed."""
    return re.sub(r"\s+", " ", str(value or "")).strip()
