"""Tokens: create (the secret is returned once), revoke, and resolve a presented token."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.api.models import ApiToken

MAX_ACTIVE = 10
TOUCH_EVERY = dt.timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lifetime_days() -> int:
    """How long a token lasts at most, and by default (``API_TOKEN_DAYS``)."""
    return int(settings.GONGJIANG.get("API_TOKEN_DAYS", 90))


@transaction.atomic
def create_token(*, actor, name: str, expires_on: dt.date | None = None) -> tuple[ApiToken, str]:
    """A new token for the actor; returns the record and the token text, which is never stored.

    Every token expires: by default, and at the latest, ``API_TOKEN_DAYS`` from today, so a
    token forgotten in a config file stops working on its own."""
    name = " ".join((name or "").split())
    errors = {}
    today = timezone.localdate()
    latest = today + dt.timedelta(days=lifetime_days())
    if not name:
        errors["name"] = [_("Name the token, e.g. the system that will use it.")]
    if expires_on is None:
        expires_on = latest
    elif expires_on <= today:
        errors["expires_on"] = [_("The expiry date must be in the future.")]
    elif expires_on > latest:
        errors["expires_on"] = [
            _("A token lasts at most %(n)s days: choose %(d)s or earlier.") % {"n": lifetime_days(), "d": latest}
        ]
    active = [t for t in ApiToken.objects.filter(user=actor, revoked_at__isnull=True) if t.is_active]
    if len(active) >= MAX_ACTIVE:
        errors["name"] = [_("You have %(n)s tokens in use; revoke one first.") % {"n": MAX_ACTIVE}]
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(4)
    text = f"gj_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=actor, name=name[:60], prefix=prefix, key_hash=_hash(text), expires_on=expires_on
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=token,
        object_repr=str(token),
        detail={"expires_on": expires_on.isoformat() if expires_on else None},
    )
    return token, text


@transaction.atomic
def revoke_token(*, actor, token: ApiToken) -> ApiToken:
    """A user revokes their own tokens; the federation admin anyone's (a leaver's, say)."""

    if token.user_id != actor.pk and not permissions.has_perm(actor, permissions.Perm.MANAGE_USERS):
        raise PermissionDenied(_("You may not revoke this token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor=actor, action=AuditAction.DEACTIVATE, obj=token, object_repr=str(token))
    return token


@transaction.atomic
def revoke_all(*, actor, user, reason: str) -> int:
    """Revoke every token of ``user`` still in use (their password was reset or changed, their
    role changed, they left); one audit entry per token, with the reason."""
    now = timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        record(actor=actor, action=AuditAction.DEACTIVATE, obj=token, object_repr=str(token), detail={"reason": reason})
    return len(tokens)


def usable(token: ApiToken) -> bool:
    """May this token act for its user now? Not when it is revoked or expired, the user is
    inactive, their password must be changed (reset by an admin, or expired by the policy), or
    the password changed after the token was made: a token never outlives the password."""
    user = token.user
    if not token.is_active or not user.is_active or user.password_change_due():
        return False
    return not (user.password_changed_at and token.created_at < user.password_changed_at)


def resolve(text: str, *, ip: str | None = None) -> ApiToken | None:
    """The usable token for this text, with its user; None otherwise."""
    if not text or not text.startswith("gj_") or len(text) > 100:
        return None
    token = ApiToken.objects.select_related("user", "user__organisation").filter(key_hash=_hash(text)).first()
    if token is None or not usable(token):
        return None
    now = timezone.now()
    # Record use at most once a minute: a busy integration should not write on every call.
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY or token.last_used_ip != ip:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
        token.last_used_at, token.last_used_ip = now, ip
    return token
