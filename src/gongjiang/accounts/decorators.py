"""Views' gates: log in and hold capabilities (``perm_required``); the menu entry a view is under."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from gongjiang.accounts import permissions


def perm_required(*perms: str):
    """Log in first; then every listed capability, or 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not all(permissions.has_perm(request.user, p) for p in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def section(name: str):
    """Mark the sidebar entry that a view belongs to."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            request.nav_section = name
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
