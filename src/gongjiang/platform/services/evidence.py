"""The evidence a unit keeps: uploaded files, checked; withdrawn, never deleted."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor, user_of
from gongjiang.core import uploads
from gongjiang.platform.enums import (
    Have,
)
from gongjiang.platform.models import (
    Achievement,
    Evidence,
    Unit,
)
from gongjiang.platform.permissions import require_keep
from gongjiang.platform.services.common import clean_text

Perm = permissions.Perm


EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".doc", ".xlsx", ".xls", ".wps", ".txt")


def check_upload(upload, *, suffixes=EVIDENCE_SUFFIXES) -> None:
    limit = settings.GONGJIANG.get("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
    if upload.size > limit:
        raise ValidationError({"file": [_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}]})
    if not upload.name.lower().endswith(suffixes):
        raise ValidationError({"file": [_("Upload a PDF, a picture (JPEG, PNG), a Word or Excel file.")]})
    uploads.check(upload)


@transaction.atomic
def add_evidence(
    *, actor: Actor, unit: Unit, upload, caption: str = "", have: str = "", achievement: Achievement | None = None
) -> Evidence:
    require_keep(actor, unit)
    check_upload(upload)
    if achievement is not None and achievement.unit_id != unit.pk:
        raise PermissionDenied(_("You may not change this unit."))
    evidence = Evidence(
        unit=unit,
        have=have if have in Have.values else "",
        achievement=achievement,
        original_name=upload.name[-200:],
        size=upload.size,
        caption=clean_text(caption)[:200],
        uploaded_by=user_of(actor),
    )
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    record(actor=actor, action=AuditAction.CREATE, obj=evidence, object_repr=f"{unit} · {evidence.original_name}")
    return evidence


@transaction.atomic
def withdraw_evidence(*, actor: Actor, evidence: Evidence) -> Evidence:
    """The file stays with the record (an auditor may ask for it); it no longer counts."""
    require_keep(actor, evidence.unit)
    if evidence.withdrawn_at is None:
        evidence.withdrawn_at = timezone.now()
        evidence.save(update_fields=["withdrawn_at"])
        record(actor=actor, action=AuditAction.VOID, obj=evidence, object_repr=evidence.original_name)
    return evidence
