"""Tokens: create (the secret is returned once), revoke, and resolve a presented token."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.api.models import ApiToken

MAX_ACTIVE = 10
TOUCH_EVERY = dt.timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_token(*, actor, name: str, expires_on: dt.date | None = None) -> tuple[ApiToken, str]:
    """A new token for the actor; returns the record and the token text, which is never stored."""
    name = " ".join((name or "").split())
    errors = {}
    if not name:
        errors["name"] = [_("Name the token, e.g. the system that will use it.")]
    if expires_on is not None and expires_on <= timezone.localdate():
        errors["expires_on"] = [_("The expiry date must be in the future.")]
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
    from gongjiang.accounts import permissions

    if token.user_id != actor.pk and not permissions.has_perm(actor, permissions.Perm.MANAGE_USERS):
        raise PermissionDenied(_("You may not revoke this token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor=actor, action=AuditAction.DEACTIVATE, obj=token, object_repr=str(token))
    return token


def resolve(text: str, *, ip: str | None = None) -> ApiToken | None:
    """The active token for this text, with its (active) user; None otherwise."""
    if not text or not text.startswith("gj_") or len(text) > 100:
        return None
    token = ApiToken.objects.select_related("user", "user__organisation").filter(key_hash=_hash(text)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute: a busy integration should not write on every call.
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY or token.last_used_ip != ip:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
        token.last_used_at, token.last_used_ip = now, ip
    return token
