"""A person's family members."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts.audit import diff, record, snapshot
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor
from gongjiang.archive import validation
from gongjiang.archive.models import FamilyMember, ModelWorker
from gongjiang.archive.permissions import require_edit
from gongjiang.core.errors import DomainError
from gongjiang.core.validation import check_fields

FAMILY_FIELDS = [
    "relation",
    "name",
    "birth_date",
    "employment",
    "health",
    "monthly_income",
    "phone",
    "remarks",
]


def _validate_family(data: dict[str, Any]) -> dict[str, Any]:
    clean = dict(data)
    errors: dict[str, list] = {}
    if not (data.get("name") or "").strip():
        errors["name"] = [_("Enter the name.")]
    try:
        clean["phone"] = validation.clean_phone(data.get("phone"))
    except ValidationError as e:
        errors["phone"] = e.messages
    birth = data.get("birth_date")
    if birth and birth > timezone.localdate():
        errors["birth_date"] = [_("The date of birth is in the future.")]
    if data.get("monthly_income") is not None and data["monthly_income"] < 0:
        errors["monthly_income"] = [_("An income cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def add_family_member(*, actor: Actor, worker: ModelWorker, data: dict[str, Any]) -> FamilyMember:
    require_edit(actor, worker)
    clean = _validate_family(data)
    member = FamilyMember(model_worker=worker)
    for field in FAMILY_FIELDS:
        if field in clean:
            setattr(
                member,
                field,
                clean[field] if clean[field] is not None or field in ("birth_date", "monthly_income") else "",
            )
    check_fields(member)
    member.save()
    record(actor=actor, action=AuditAction.CREATE, obj=member, changes=diff({}, snapshot(member, FAMILY_FIELDS)))
    return member


@transaction.atomic
def update_family_member(*, actor: Actor, member: FamilyMember, data: dict[str, Any]) -> FamilyMember:
    require_edit(actor, member.model_worker)
    member = FamilyMember.objects.select_for_update().get(pk=member.pk)
    if member.removed_at:
        raise DomainError(_("This family member has been removed."), code="conflict")
    clean = _validate_family({**{f: getattr(member, f) for f in FAMILY_FIELDS}, **data})
    before = snapshot(member, FAMILY_FIELDS)
    for field in FAMILY_FIELDS:
        if field in data:
            setattr(
                member,
                field,
                clean[field] if clean[field] is not None or field in ("birth_date", "monthly_income") else "",
            )
    changes = diff(before, snapshot(member, FAMILY_FIELDS))
    if changes:
        check_fields(member)
        member.save()
        record(actor=actor, action=AuditAction.UPDATE, obj=member, changes=changes)
    return member


@transaction.atomic
def remove_family_member(*, actor: Actor, member: FamilyMember, reason: str) -> FamilyMember:
    """Family members leave the file (a death, a divorce, an error) but stay in its history."""
    require_edit(actor, member.model_worker)
    member = FamilyMember.objects.select_for_update().get(pk=member.pk)
    if member.removed_at:
        raise DomainError(_("This family member has already been removed."), code="conflict")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    member.removed_at = timezone.now()
    member.removed_reason = reason.strip()[:200]
    member.save(update_fields=["removed_at", "removed_reason"])
    record(actor=actor, action=AuditAction.ARCHIVE, obj=member, detail={"reason": member.removed_reason})
    return member
