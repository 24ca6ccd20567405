"""Logins, failed logins, logouts and lockouts go into the audit log."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from gongjiang.accounts import login_limits
from gongjiang.accounts.audit import record, security_event
from gongjiang.accounts.enums import AuditAction, Role, SecurityEventKind
from gongjiang.accounts.models import User
from gongjiang.core import context

# Sent inside the service's transaction when what a user's credentials stand for changes — the
# password reset or changed, the role changed, the account deactivated — so that the apps that
# hand out credentials of their own (API tokens) withdraw them. kwargs: actor, user, reason.
credentials_changed = Signal()


class _Named:
    """An actor known only by the user name that was typed."""

    is_authenticated = False

    def __init__(self, username: str):
        self.username = (username or "")[:150]


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(actor=user, action=AuditAction.LOGIN, obj=user, organisation_id=user.organisation_id)
    if request is not None and hasattr(request, "session"):
        # The absolute lifetime counts from here (accounts.middleware).
        request.session["started"] = time.time()


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(actor=user, action=AuditAction.LOGOUT, obj=user, organisation_id=user.organisation_id)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    record(
        actor=_Named(username),
        action=AuditAction.LOGIN_FAILED,
        object_type="accounts.user",
        object_repr=username,
    )
    if request is not None:
        login_limits.note_failure(context.client_ip(request), username or "")


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    record(
        actor=_Named(username),
        action=AuditAction.LOCKOUT,
        object_type="accounts.user",
        object_repr=username or "",
    )
    user = User.objects.filter(username=username).first() if username else None
    if user is not None and (user.role == Role.FEDERATION_ADMIN or user.is_superuser):
        # Someone is guessing the administrator's password: the 安全事件 page must show it.
        security_event(
            kind=SecurityEventKind.ADMIN_LOCKOUT,
            obj=user,
            organisation_id=user.organisation_id,
            detail={"username": username, "address": ip_address},
        )
