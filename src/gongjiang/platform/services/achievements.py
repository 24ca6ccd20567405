"""Achievements of a unit or a person."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import diff, record, snapshot
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import User
from gongjiang.accounts.permissions import Actor, require
from gongjiang.platform.enums import (
    AchievementKind,
)
from gongjiang.platform.models import (
    Achievement,
)
from gongjiang.platform.permissions import require_keep
from gongjiang.platform.services.common import check_person, clean_text

Perm = permissions.Perm


ACHIEVEMENT_FIELDS = [
    "unit",
    "person",
    "person_name",
    "kind",
    "title",
    "level",
    "role",
    "project_status",
    "scope",
    "issuer",
    "year",
    "achieved_on",
    "note",
]


def _clean_achievement(data: dict[str, Any]) -> dict[str, Any]:
    clean = {k: data.get(k) for k in ACHIEVEMENT_FIELDS}
    errors: dict[str, list] = {}
    clean["title"] = clean_text(data.get("title"))[:200]
    if not clean["title"]:
        errors["title"] = [_("Enter the title.")]
    kind = data.get("kind")
    if kind not in AchievementKind.values:
        errors["kind"] = [_("Choose the kind.")]
    for key in ("person_name", "issuer", "level", "role", "project_status", "scope", "note"):
        clean[key] = clean_text(data.get(key)) if key != "note" else (data.get(key) or "").strip()
    if clean["person"] is not None:
        clean["person_name"] = ""
    if kind == AchievementKind.PROJECT and not (clean["role"] and clean["project_status"]):
        errors["role"] = [_("Say whether the project was led or joined, and whether it is completed.")]
    if kind == AchievementKind.HONOUR and not clean["scope"]:
        errors["scope"] = [_("Say whether the honour is collective or individual.")]
    if kind != AchievementKind.PROJECT:
        clean["role"] = clean["project_status"] = ""
    if kind != AchievementKind.HONOUR:
        clean["scope"] = ""
    year = data.get("year")
    if not year or not 1949 <= int(year) <= timezone.localdate().year:
        errors["year"] = [_("Enter the year it was achieved.")]
    if clean["unit"] is None and clean["person"] is None and not clean["person_name"]:
        errors["person_name"] = [_("An achievement belongs to a unit or a person.")]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def add_achievement(*, actor: User, data: dict[str, Any]) -> Achievement:
    clean = _clean_achievement(data)
    if clean["unit"] is not None:
        require_keep(actor, clean["unit"])
    else:
        require(actor, Perm.MANAGE_PLATFORM)
    check_person(actor, "person", clean["person"])
    achievement = Achievement.objects.create(created_by=actor, **clean)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=achievement,
        changes=diff({}, snapshot(achievement, ACHIEVEMENT_FIELDS)),
    )
    return achievement


@transaction.atomic
def void_achievement(*, actor: Actor, achievement: Achievement, reason: str) -> Achievement:
    """Entered by mistake: it stays on record and no longer counts."""
    if achievement.unit is not None:
        require_keep(actor, achievement.unit)
    else:
        require(actor, Perm.MANAGE_PLATFORM)
    if not clean_text(reason):
        raise ValidationError({"reason": [_("Say why it is voided.")]})
    if achievement.voided_at is None:
        achievement.voided_at, achievement.void_reason = timezone.now(), clean_text(reason)[:200]
        achievement.save(update_fields=["voided_at", "void_reason"])
        record(actor=actor, action=AuditAction.VOID, obj=achievement, detail={"reason": achievement.void_reason})
    return achievement
