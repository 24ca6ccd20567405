"""Who may do what: one table from role to capabilities, and the scopes that follow from it.

Views, the API and services all ask these functions, so a rule is written once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, TypeAlias

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongjiang.accounts import reach
from gongjiang.accounts.enums import Role
from gongjiang.accounts.models import Organisation

if TYPE_CHECKING:
    from gongjiang.accounts.models import User


class Perm(StrEnum):
    MANAGE_USERS = "manage_users"
    MANAGE_CONFIG = "manage_config"
    VIEW_ALL_RECORDS = "view_all_records"
    EDIT_RECORDS = "edit_records"
    ARCHIVE_RECORDS = "archive_records"
    REVEAL_SENSITIVE = "reveal_sensitive"
    EXPORT = "export"
    EXPORT_UNMASKED = "export_unmasked"
    VIEW_AUDIT = "view_audit"
    VIEW_DASHBOARD = "view_dashboard"
    MANAGE_SCHEMES = "manage_schemes"
    PREPARE_BATCHES = "prepare_batches"
    APPROVE_BATCHES = "approve_batches"
    VIEW_BATCHES = "view_batches"
    REVEAL_ACCOUNT = "reveal_account"
    # Confirming (or rejecting) the records grassroots unions submit.
    VERIFY_RECORDS = "verify_records"
    # The 三创 platform: reading it (scoped), applying for a unit, keeping a unit's records
    # (scoped to the user's union or own unit), running it (review, plaques, evaluations,
    # decisions, funding), and scoring units as a reviewer.
    VIEW_PLATFORM = "view_platform"
    APPLY_UNITS = "apply_units"
    KEEP_UNITS = "keep_units"
    MANAGE_PLATFORM = "manage_platform"
    SCORE_UNITS = "score_units"
    # Personal API tokens, for the systems the federation, a union or the auditor connect
    # (a model worker or a studio leader has none to connect).
    USE_API = "use_api"


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.FEDERATION_ADMIN: frozenset(Perm),
    Role.FEDERATION_STAFF: frozenset(
        {
            Perm.VIEW_ALL_RECORDS,
            Perm.EDIT_RECORDS,
            Perm.ARCHIVE_RECORDS,
            Perm.VERIFY_RECORDS,
            Perm.REVEAL_SENSITIVE,
            Perm.EXPORT,
            Perm.EXPORT_UNMASKED,
            Perm.VIEW_DASHBOARD,
            Perm.MANAGE_SCHEMES,
            Perm.PREPARE_BATCHES,
            Perm.APPROVE_BATCHES,
            Perm.VIEW_BATCHES,
            Perm.REVEAL_ACCOUNT,
            Perm.VIEW_PLATFORM,
            Perm.APPLY_UNITS,
            Perm.KEEP_UNITS,
            Perm.MANAGE_PLATFORM,
            Perm.SCORE_UNITS,
            Perm.USE_API,
        }
    ),
    # A grassroots union works on its own people only (scope below): it keeps their records,
    # reveals what paperwork needs, and exports masked lists.
    Role.UNION_STAFF: frozenset(
        {
            Perm.EDIT_RECORDS,
            Perm.REVEAL_SENSITIVE,
            Perm.EXPORT,
            Perm.VIEW_DASHBOARD,
            Perm.VIEW_PLATFORM,
            Perm.APPLY_UNITS,
            Perm.KEEP_UNITS,
            Perm.USE_API,
        }
    ),
    # The auditor reads: the audit log, and the records it points at, masked.
    Role.AUDITOR: frozenset(
        {
            Perm.VIEW_ALL_RECORDS,
            Perm.VIEW_AUDIT,
            Perm.VIEW_DASHBOARD,
            Perm.VIEW_BATCHES,
            Perm.VIEW_PLATFORM,
            Perm.USE_API,
        }
    ),
    # A studio leader keeps their own unit (members, meetings, achievements, expenses) and
    # sees their own record and their members' records; nothing of other units.
    Role.STUDIO_LEADER: frozenset({Perm.VIEW_PLATFORM, Perm.KEEP_UNITS}),
    Role.MODEL_WORKER: frozenset(),
}

SELF_SCOPED_ROLES = frozenset({Role.STUDIO_LEADER, Role.MODEL_WORKER})

# Capabilities of the apps above this one (care, nominations, publicity…): each app declares its
# own in its ``permissions`` module and grants them to roles here, so this table never imports
# a higher floor.
_GRANTED: dict[str, set[str]] = {}


def grant(role_perms: Mapping[str, Iterable[str]]) -> None:
    """Give roles an app's own capabilities (called once by the app's ``permissions`` module)."""
    for role, perms in role_perms.items():
        _GRANTED.setdefault(str(role), set()).update(str(p) for p in perms)


def registered_perms() -> set[str]:
    """Every capability known: this table's and the apps' (for the templates' ``can``)."""
    return {p.value for p in Perm} | {p for perms in _GRANTED.values() for p in perms}


class SystemActor:
    """The actor of management commands, background tasks and the demo: explicit, never a
    person, allowed everything. Services refuse ``actor=None``; they take this instead."""

    pk = None
    id = None
    username = "system"
    full_name = "系统"
    role = "system"
    is_active = True
    is_authenticated = True
    is_system = True
    model_worker_id = None
    organisation_id = None

    def __str__(self) -> str:
        return self.full_name


SYSTEM = SystemActor()

# Who acts in a service: a person, or the system (commands, tasks, the demo). Never None.
Actor: TypeAlias = "User | SystemActor"


def is_system(actor) -> bool:
    return getattr(actor, "is_system", False) is True


def user_of(actor: Actor | None) -> User | None:
    """The user to store in a ``*_by`` column: the person acting, or ``None`` for the system
    actor (a command or a task) and for anyone not signed in."""
    if actor is None or is_system(actor) or not getattr(actor, "is_authenticated", False):
        return None
    return actor  # type: ignore[return-value]  # not the system actor, so a User


def has_perm(user, perm: str) -> bool:
    if is_system(user):
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return perm in ROLE_PERMS.get(user.role, frozenset()) or perm in _GRANTED.get(user.role, ())


def require(actor: Actor | None, perm: str, message=None) -> None:
    """The one permission check of services: ``actor`` (a user or ``SYSTEM``) holds ``perm``, or
    PermissionDenied with a Chinese message. ``None`` is refused: say who acts."""
    if actor is None:
        raise PermissionDenied(_("No one to act as: pass the user, or the system actor."))
    if not has_perm(actor, perm):
        raise PermissionDenied(message or _("You may not do this."))


def is_self_scoped(user) -> bool:
    return getattr(user, "role", None) in SELF_SCOPED_ROLES


def union_scope(user) -> list[int] | None:
    """Ids of the unions whose people the user may see; ``None`` means every union."""
    if has_perm(user, Perm.VIEW_ALL_RECORDS):
        return None
    if user.role == Role.UNION_STAFF:
        cached = getattr(user, "cached_union_scope", None)  # once per request's user
        if cached is None:
            org = user.organisation
            cached = (
                list(Organisation.objects.filter(path__startswith=org.path).values_list("pk", flat=True))
                if org.path
                else [org.pk]
            )
            user.cached_union_scope = cached
        return cached
    return []


def led_unit_member_ids(user):
    """A leader's reach in the archive: the model workers on their units' teams (a queryset of
    ids, for a subquery). ``platform`` provides it (``accounts.reach``)."""
    return reach.team_member_ids(user)


def may_see_worker(user, worker) -> bool:
    if has_perm(user, Perm.VIEW_ALL_RECORDS):
        return True
    if is_self_scoped(user):
        if user.model_worker_id == worker.pk:
            return True
        return (
            user.role == Role.STUDIO_LEADER
            and user.model_worker_id is not None
            and led_unit_member_ids(user).filter(model_worker_id=worker.pk).exists()
        )
    scope = union_scope(user)
    return scope is not None and worker.union_id in scope


def may_edit_worker(user, worker) -> bool:
    return has_perm(user, Perm.EDIT_RECORDS) and may_see_worker(user, worker)


def may_reveal(user, worker) -> bool:
    """Unmasked identity numbers and phones: for roles that need them, and for the person."""
    if is_self_scoped(user):
        return user.model_worker_id == worker.pk
    return has_perm(user, Perm.REVEAL_SENSITIVE) and may_see_worker(user, worker)


def may_use_union(user, union) -> bool:
    """May the user put a person into this union (create, edit, import)?"""
    scope = union_scope(user)
    return scope is None or union.pk in scope


def may_see_private(user, worker) -> bool:
    """A person's private matters — family, hardship file, treatment, the history of changes:
    for the federation, the auditor, the person's union and the person. A studio leader sees
    their team members' records (who they are, their honours) but not these."""
    if is_self_scoped(user):
        return user.model_worker_id == worker.pk
    return may_see_worker(user, worker)


def may_see_treatment(user, worker) -> bool:
    """A person's treatment (schemes, payments, anything owed): one of their private matters."""
    return may_see_private(user, worker)
