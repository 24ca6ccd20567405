"""Model-worker records: created, edited, archived and restored; the photo; a number revealed."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import diff, record, security_event, snapshot
from gongjiang.accounts.enums import AuditAction, SecurityEventKind
from gongjiang.accounts.permissions import Actor
from gongjiang.archive import validation
from gongjiang.archive.enums import Status, Verification
from gongjiang.archive.fields import PERSON_FIELDS
from gongjiang.archive.models import ModelWorker
from gongjiang.archive.permissions import require_edit
from gongjiang.archive.services.employers import employer_named
from gongjiang.core.errors import DomainError
from gongjiang.core.masking import mask_id_number, mask_phone
from gongjiang.core.pinyin import name_keys
from gongjiang.core.validation import check_fields


def _validate_person(data: dict[str, Any], *, actor: Actor, exclude_pk: int | None = None) -> dict[str, Any]:
    """Normalise and check a complete set of person values; raise ValidationError by field."""
    errors: dict[str, list] = {}
    clean = dict(data)
    try:
        clean["name"] = validation.clean_name(data.get("name", ""))
    except ValidationError as e:
        errors["name"] = e.messages
    id_info = None
    try:
        id_info = validation.clean_id_number(data.get("id_number"))
        clean["id_number"] = id_info.number if id_info else None
    except ValidationError as e:
        errors["id_number"] = e.messages
    try:
        clean["phone"] = validation.clean_phone(data.get("phone"))
    except ValidationError as e:
        errors["phone"] = e.messages
    if not data.get("birth_date"):
        if id_info:
            clean["birth_date"] = id_info.birth_date
        else:
            errors.setdefault("birth_date", []).append(_("Enter the date of birth."))
    if not data.get("sex"):
        if id_info:
            clean["sex"] = id_info.sex
        else:
            errors.setdefault("sex", []).append(_("Choose the sex."))
    if not data.get("union"):
        errors.setdefault("union", []).append(_("Choose the union."))
    try:
        validation.check_person(
            id_info=id_info,
            birth_date=clean.get("birth_date"),
            sex=clean.get("sex"),
            status=clean.get("status"),
            retired_on=clean.get("retired_on"),
            died_on=clean.get("died_on"),
        )
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    clean["_hidden_clash"] = []
    if id_info and "id_number" not in errors:
        holders = ModelWorker.objects.filter(id_number=id_info.number).exclude(verification=Verification.REJECTED)
        if exclude_pk is not None:
            holders = holders.exclude(pk=exclude_pk)
        for clash in holders.order_by("pk")[:20]:
            if actor is None or permissions.may_see_worker(actor, clash):
                errors["id_number"] = [
                    _("Another record (%(name)s) already has this ID number.") % {"name": clash.name}
                ]
                break
            # A record the user may not see: the answer must not depend on it (that would tell
            # whose the number is). The submission waits, unverified, for the federation.
            clean["_hidden_clash"].append(clash.pk)
    if errors:
        raise ValidationError(errors)
    return clean


def _apply_person(worker: ModelWorker, clean: dict[str, Any]) -> None:
    for field in PERSON_FIELDS:
        if field not in clean:
            continue
        value = clean[field]
        if field == "employer" and isinstance(value, str):
            value = employer_named(value, clean.get("union") or worker.union)
        if field in ("retired_on", "died_on") and value == "":
            value = None
        if field == "front_line":
            value = bool(value)
        elif value is None and field not in ("employer", "id_number", "retired_on", "died_on"):
            value = ""
        setattr(worker, field, value)
    worker.name_pinyin, worker.name_initials = name_keys(worker.name)
    worker.id_last4 = (worker.id_number or "")[-4:]


@transaction.atomic
def create_model_worker(*, actor: Actor, data: dict[str, Any]) -> ModelWorker:
    """Create a record. The union must be one the actor may use."""
    if not permissions.has_perm(actor, permissions.Perm.EDIT_RECORDS):
        raise PermissionDenied(_("You may not create records."))
    union = data.get("union")
    if union is not None and not permissions.may_use_union(actor, union):
        raise ValidationError({"union": [_("You may only add people to your own union.")]})
    clean = _validate_person({"status": Status.WORKING, **data}, actor=actor)
    worker = ModelWorker()
    _apply_person(worker, clean)
    worker.verification = submitted_verification(actor)
    check_fields(worker)
    worker.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=worker,
        changes=diff({}, snapshot(worker, [f for f in PERSON_FIELDS if f in clean] + ["verification"])),
    )
    _report_hidden_clash(actor, worker, clean["_hidden_clash"])
    return worker


def submitted_verification(actor: Actor | None) -> str:
    """A record a grassroots union (anyone with a scope) submits waits for the federation;
    the federation's own, and the command line's, are verified."""
    if actor is not None and permissions.union_scope(actor) is not None:
        return Verification.PENDING
    return Verification.CONFIRMED


def _report_hidden_clash(actor: Actor, worker: ModelWorker, holders: list[int], **detail) -> None:
    """A security event for the admin. Not attached to the record (``model_worker_id`` stays
    empty): the record's history is the union's to read."""
    if not holders:
        return
    security_event(
        kind=SecurityEventKind.HIDDEN_CLASH,
        actor=actor,
        object_type="archive.modelworker",
        object_id=worker.pk,
        object_repr=worker.name,
        detail={"submitted": worker.pk, "held_by": holders, **detail},
    )


@transaction.atomic
def update_model_worker(
    *, actor: Actor, worker: ModelWorker, data: dict[str, Any], expected_version: int | None = None
) -> ModelWorker:
    """Change the given fields only; a value not given is left as it is.

    ``expected_version`` is the version the user's form was made from: if someone saved in
    between, the change is refused rather than overwriting theirs.
    """
    worker = ModelWorker.objects.select_for_update().get(pk=worker.pk)
    require_edit(actor, worker)
    if expected_version is not None and worker.version != expected_version:
        raise DomainError(
            _(
                "Someone else changed this record while you were editing it. Reload the page and make "
                "your change again."
            ),
            code="conflict",
        )
    if "union" in data and data["union"] != worker.union and not permissions.may_use_union(actor, data["union"]):
        raise ValidationError({"union": [_("You may only move people into your own union.")]})
    data = dict(data)
    for field, mask in (("id_number", mask_id_number), ("phone", mask_phone)):
        sent = data.get(field)
        if isinstance(sent, str) and "*" in sent and sent == mask(getattr(worker, field)):
            del data[field]  # the masked value sent back as it was shown: unchanged
    current = {f: getattr(worker, f) for f in PERSON_FIELDS}
    if current["employer"] is not None:
        current["employer"] = current["employer"].name
    clean = _validate_person({**current, **data}, actor=actor, exclude_pk=worker.pk)
    changed = {k: v for k, v in clean.items() if k in data}
    fields = [*PERSON_FIELDS, "verification"]
    before = snapshot(worker, fields)
    _apply_person(worker, changed)
    new_number = worker.id_number != current["id_number"]
    if new_number and worker.id_number and submitted_verification(actor) == Verification.PENDING:
        # A new identity from a union is checked by the federation, like a new record.
        worker.verification = Verification.PENDING
    after = snapshot(worker, fields)
    changes = diff(before, after)
    if not changes:
        return worker
    worker.version += 1
    check_fields(worker)
    worker.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=worker, changes=changes)
    if new_number:
        _report_hidden_clash(actor, worker, clean["_hidden_clash"])
    return worker


@transaction.atomic
def archive_model_worker(*, actor: Actor, worker: ModelWorker, reason: str) -> ModelWorker:
    """Take a record out of the lists and counts. Nothing is deleted; it can be restored."""
    if not (
        permissions.has_perm(actor, permissions.Perm.ARCHIVE_RECORDS) and permissions.may_see_worker(actor, worker)
    ):
        raise PermissionDenied(_("You may not archive records."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for archiving.")]})
    worker = ModelWorker.objects.select_for_update().get(pk=worker.pk)
    if worker.is_archived:
        raise DomainError(_("This record is already archived."), code="conflict")
    worker.archived_at = timezone.now()
    worker.archive_reason = reason[:200]
    worker.version += 1
    worker.save(update_fields=["archived_at", "archive_reason", "version", "updated_at"])
    record(actor=actor, action=AuditAction.ARCHIVE, obj=worker, detail={"reason": reason})
    return worker


@transaction.atomic
def restore_model_worker(*, actor: Actor, worker: ModelWorker) -> ModelWorker:
    if not (
        permissions.has_perm(actor, permissions.Perm.ARCHIVE_RECORDS) and permissions.may_see_worker(actor, worker)
    ):
        raise PermissionDenied(_("You may not restore records."))
    worker = ModelWorker.objects.select_for_update().get(pk=worker.pk)
    if not worker.is_archived:
        raise DomainError(_("This record is not archived."), code="conflict")
    worker.archived_at = None
    worker.archive_reason = ""
    worker.version += 1
    worker.save(update_fields=["archived_at", "archive_reason", "version", "updated_at"])
    record(actor=actor, action=AuditAction.RESTORE, obj=worker)
    return worker


PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "BMP", "GIF"}


@transaction.atomic
def set_photo(*, actor: Actor, worker: ModelWorker, upload) -> ModelWorker:
    """Store a photo re-encoded as a small JPEG: no metadata (EXIF location) and no payload
    other than pixels survives."""
    require_edit(actor, worker)
    if upload.size > settings.GONGJIANG["PHOTO_MAX_BYTES"]:
        raise ValidationError({"photo": [_("The photo is larger than 4 MB.")]})
    try:
        Image.MAX_IMAGE_PIXELS = 40_000_000
        image = Image.open(upload)
        if image.format not in PHOTO_FORMATS:
            raise ValidationError({"photo": [_("Upload a JPEG or PNG photo.")]})
        picture = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError({"photo": [_("This file is not a picture we can read.")]}) from None
    picture.thumbnail((600, 800))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    old = worker.photo.name if worker.photo else ""
    worker.photo.save("photo.jpg", ContentFile(out.getvalue()), save=False)
    worker.version += 1
    worker.save(update_fields=["photo", "version", "updated_at"])
    record(actor=actor, action=AuditAction.UPDATE, obj=worker, changes={"photo": [old, worker.photo.name]})
    return worker


REVEALABLE = {"id_number", "phone"}


def reveal(*, actor: Actor, worker: ModelWorker, field: str) -> str:
    """Show a masked value in clear to a role that needs it, and log that it was seen."""
    if field not in REVEALABLE:
        raise PermissionDenied(_("This value cannot be revealed."))
    if not permissions.may_reveal(actor, worker):
        raise PermissionDenied(_("You may not see this value unmasked."))
    value = getattr(worker, field) or ""
    record(actor=actor, action=AuditAction.REVEAL, obj=worker, detail={"field": field})
    return value
