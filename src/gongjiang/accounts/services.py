"""Users, organisations and the security policy: every change checked, audited, atomic."""

from __future__ import annotations

import secrets
import string
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import diff, record, snapshot
from gongjiang.accounts.enums import AuditAction, OrganisationKind, Role
from gongjiang.accounts.models import Organisation, PasswordHistory, SecurityPolicy, User
from gongjiang.accounts.permissions import Actor
from gongjiang.accounts.signals import credentials_changed

USER_FIELDS = ["username", "full_name", "email", "phone", "role", "organisation", "model_worker", "is_active"]
ORG_FIELDS = [
    "name",
    "short_name",
    "code",
    "kind",
    "parent",
    "contact_person",
    "contact_phone",
    "address",
    "sort_order",
    "is_active",
]
POLICY_FIELDS = [
    "min_length",
    "require_letters",
    "require_digits",
    "require_symbols",
    "expiry_days",
    "idle_timeout_minutes",
    "password_history",
]

FEDERATION_ROLES = {Role.FEDERATION_ADMIN, Role.FEDERATION_STAFF, Role.AUDITOR}


def _check_user_shape(data: dict[str, Any]) -> None:
    """A role comes with the organisation and record it needs."""
    role, org, worker = data.get("role"), data.get("organisation"), data.get("model_worker")
    errors: dict[str, list] = {}
    if org is None:
        errors["organisation"] = [_("Choose the organisation.")]
    elif role in FEDERATION_ROLES and org.kind != OrganisationKind.FEDERATION:
        errors["organisation"] = [_("This role belongs to the federation itself.")]
    elif role == Role.UNION_STAFF and org.kind != OrganisationKind.GRASSROOTS:
        errors["organisation"] = [_("Grassroots union staff belong to a grassroots union.")]
    if role in (Role.MODEL_WORKER, Role.STUDIO_LEADER) and worker is None:
        errors["model_worker"] = [_("Link this user to their own model-worker record.")]
    if worker is not None:
        linked = User.objects.filter(model_worker=worker)
        if data.get("pk") is not None:
            linked = linked.exclude(pk=data["pk"])
        clash = linked.first()
        if clash:
            errors["model_worker"] = [
                _("This record is already linked to the user %(user)s.") % {"user": clash.username}
            ]
    if errors:
        raise ValidationError(errors)


def temporary_password() -> str:
    """A one-time password that satisfies any reasonable policy: letters, digits, a symbol."""
    policy = SecurityPolicy.current()
    length = max(12, policy.min_length)
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(length - 3))
    return body + secrets.choice(string.ascii_uppercase) + secrets.choice(string.digits) + secrets.choice("@#%+=")


@transaction.atomic
def create_user(*, actor: Actor, data: dict[str, Any], password: str | None = None) -> tuple[User, str]:
    """Create a user; returns the user and the one-time password to hand over."""
    permissions.require(actor, permissions.Perm.MANAGE_USERS)
    _check_user_shape(data)
    user = User(**{k: v for k, v in data.items() if k in USER_FIELDS})
    given = password is not None
    password = password or temporary_password()
    try:
        password_validation.validate_password(password, user)
    except ValidationError as e:
        raise ValidationError({"password": e.messages}) from None
    user.set_password(password)
    user.must_change_password = not given
    user.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=user,
        organisation_id=user.organisation_id,
        changes=diff({}, snapshot(user, [f for f in USER_FIELDS if f in data])),
    )
    return user, password


@transaction.atomic
def update_user(*, actor: Actor, user: User, data: dict[str, Any]) -> User:
    permissions.require(actor, permissions.Perm.MANAGE_USERS)
    user = User.objects.select_for_update().get(pk=user.pk)
    merged = {**{f: getattr(user, f) for f in USER_FIELDS}, **data, "pk": user.pk}
    _check_user_shape(merged)
    if user.pk == actor.pk and data.get("role", user.role) != Role.FEDERATION_ADMIN:
        raise ValidationError({"role": [_("You cannot take away your own administrator role.")]})
    before = snapshot(user, USER_FIELDS)
    for k, v in data.items():
        if k in USER_FIELDS and k != "is_active":
            setattr(user, k, v)
    changes = diff(before, snapshot(user, USER_FIELDS))
    if changes:
        user.save()
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            organisation_id=user.organisation_id,
            changes=changes,
        )
    if "role" in changes or "organisation" in changes:
        reason = "role_change" if "role" in changes else "organisation_change"
        credentials_changed.send(sender=User, actor=actor, user=user, reason=reason)
    return user


@transaction.atomic
def set_user_active(*, actor: Actor, user: User, active: bool) -> User:
    """Users leave by deactivation; their history in the audit log keeps its author."""
    permissions.require(actor, permissions.Perm.MANAGE_USERS)
    if user.pk == actor.pk and not active:
        raise ValidationError(_("You cannot deactivate yourself."))
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(
        actor=actor,
        action=AuditAction.ACTIVATE if active else AuditAction.DEACTIVATE,
        obj=user,
        organisation_id=user.organisation_id,
    )
    if not active:
        credentials_changed.send(sender=User, actor=actor, user=user, reason="deactivated")
    return user


def _remember_password(user: User) -> None:
    """Keep the hash being replaced (``PasswordHistoryValidator`` reads it)."""
    if not user.password or not user.has_usable_password():
        return
    PasswordHistory.objects.create(user=user, encoded=user.password)
    stale = PasswordHistory.objects.filter(user=user).order_by("-replaced_at", "-id")[PasswordHistory.KEEP :]
    PasswordHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()


@transaction.atomic
def reset_password(*, actor: Actor, user: User) -> str:
    """Give the user a one-time password; they must choose their own at the next login."""
    permissions.require(actor, permissions.Perm.MANAGE_USERS)
    password = temporary_password()
    _remember_password(user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    axes_reset(username=user.username)
    record(actor=actor, action=AuditAction.PASSWORD_RESET, obj=user, organisation_id=user.organisation_id)
    credentials_changed.send(sender=User, actor=actor, user=user, reason="password_reset")
    return password


def is_locked_out(user: User) -> bool:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        username=user.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).exists()


def locked_usernames() -> set[str]:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
        ).values_list("username", flat=True)
    )


@transaction.atomic
def unlock_user(*, actor: Actor, user: User) -> int:
    permissions.require(actor, permissions.Perm.MANAGE_USERS)
    n = axes_reset(username=user.username)
    record(actor=actor, action=AuditAction.UNLOCK, obj=user, organisation_id=user.organisation_id)
    return n


@transaction.atomic
def change_own_password(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password):
        raise ValidationError({"old_password": [_("The current password is wrong.")]})
    if old_password == new_password:
        raise ValidationError({"new_password1": [_("The new password must differ from the current one.")]})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as e:
        raise ValidationError({"new_password1": e.messages}) from None
    _remember_password(user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    record(actor=user, action=AuditAction.PASSWORD_CHANGE, obj=user, organisation_id=user.organisation_id)
    credentials_changed.send(sender=User, actor=user, user=user, reason="password_change")
    return user


def set_large_text(*, user: User, on: bool) -> None:
    """A display preference, not a change worth auditing."""
    User.objects.filter(pk=user.pk).update(large_text=on)


@transaction.atomic
def save_organisation(*, actor: Actor, data: dict[str, Any], organisation: Organisation | None = None) -> Organisation:
    permissions.require(actor, permissions.Perm.MANAGE_USERS)
    creating = organisation is None
    org = organisation or Organisation()
    before = {} if creating else snapshot(org, ORG_FIELDS)
    parent = data.get("parent", org.parent if not creating else None)
    kind = data.get("kind", org.kind)
    if kind == OrganisationKind.GRASSROOTS and parent is None:
        raise ValidationError({"parent": [_("A grassroots union sits under the federation or another union.")]})
    if kind == OrganisationKind.FEDERATION and parent is not None:
        raise ValidationError({"parent": [_("The federation is the top of the tree.")]})
    if not creating and parent is not None and parent.path.startswith(org.path):
        raise ValidationError({"parent": [_("An organisation cannot sit under itself.")]})
    if not creating and data.get("is_active") is False and org.model_workers.filter(archived_at__isnull=True).exists():
        raise ValidationError({"is_active": [_("Move this union's people to another union before closing it.")]})
    for k, v in data.items():
        if k in ORG_FIELDS:
            setattr(org, k, v)
    org.save()
    new_path = f"{parent.path}{org.pk}/" if parent else f"/{org.pk}/"
    if new_path != org.path:
        old_path = org.path
        org.path = new_path
        org.save(update_fields=["path"])
        if old_path:
            for child in Organisation.objects.filter(path__startswith=old_path).exclude(pk=org.pk):
                child.path = new_path + child.path[len(old_path) :]
                child.save(update_fields=["path"])
    changes = diff(before, snapshot(org, ORG_FIELDS))
    if changes:
        record(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            obj=org,
            organisation_id=org.pk,
            changes=changes,
        )
    return org


@transaction.atomic
def update_policy(*, actor: Actor, data: dict[str, Any]) -> SecurityPolicy:
    permissions.require(actor, permissions.Perm.MANAGE_CONFIG)
    policy = SecurityPolicy.objects.select_for_update().order_by("pk").first() or SecurityPolicy()
    before = snapshot(policy, POLICY_FIELDS) if policy.pk else {}
    if data.get("min_length", policy.min_length) < 8:
        raise ValidationError({"min_length": [_("Passwords shorter than 8 characters are not allowed.")]})
    if not 5 <= data.get("idle_timeout_minutes", policy.idle_timeout_minutes) <= 480:
        raise ValidationError({"idle_timeout_minutes": [_("Choose between 5 and 480 minutes.")]})
    if data.get("password_history", policy.password_history) > PasswordHistory.KEEP:
        raise ValidationError(
            {"password_history": [_("At most %(n)d passwords are remembered.") % {"n": PasswordHistory.KEEP}]}
        )
    for k, v in data.items():
        if k in POLICY_FIELDS:
            setattr(policy, k, v)
    policy.save()
    caches["local"].delete(SecurityPolicy.CACHE_KEY)  # other processes within 30 seconds
    changes = diff(before, snapshot(policy, POLICY_FIELDS))
    if changes:
        record(actor=actor, action=AuditAction.UPDATE, obj=policy, changes=changes)
    return policy
