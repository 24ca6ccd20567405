"""Every change to the archive: each function checks the rules, writes the audit log and keeps
the derived columns (highest level, hardship flag, pinyin keys) right in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import diff, record, security_event, snapshot
from gongjiang.accounts.enums import AuditAction, SecurityEventKind
from gongjiang.accounts.models import Organisation
from gongjiang.archive import validation
from gongjiang.archive.enums import MODEL_WORKER_KINDS, Level, Status, Verification
from gongjiang.archive.models import Employer, FamilyMember, HardshipFile, Honour, ModelWorker
from gongjiang.archive.signals import records_merged
from gongjiang.core.errors import DomainError
from gongjiang.core.masking import mask_id_number, mask_phone
from gongjiang.core.pinyin import name_keys
from gongjiang.core.validation import check_fields

PERSON_FIELDS = [
    "name",
    "sex",
    "ethnicity",
    "birth_date",
    "id_number",
    "political_affiliation",
    "education",
    "employer",
    "position",
    "title_or_grade",
    "union",
    "phone",
    "address",
    "status",
    "retired_on",
    "died_on",
    "deeds",
    "remarks",
]
HONOUR_FIELDS = ["title", "kind", "level", "awarding_body", "year", "document_number", "remarks"]
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
HARDSHIP_FIELDS = [
    "is_active",
    "category",
    "established_on",
    "health",
    "serious_illness",
    "monthly_income",
    "family_monthly_income",
    "family_size",
    "housing",
    "housing_area",
    "housing_note",
    "needs_and_wishes",
    "remarks",
]


# --- Derived values ---------------------------------------------------------------------------


def highest_level_of(honours: Iterable[tuple[str, int, Any, Any]], as_of: dt.date | None = None) -> int:
    """The rule, in one place: the highest level among model-worker honours (advanced workers
    included) that are not void and not revoked (as of ``as_of``, when given).

    ``honours`` holds (kind, level, revoked_on, voided_at) tuples. Returns ``Level.NONE``
    when there is none.
    """
    best = int(Level.NONE)
    for kind, level, revoked_on, voided_at in honours:
        if kind not in MODEL_WORKER_KINDS or voided_at is not None:
            continue
        if revoked_on is not None and (as_of is None or revoked_on <= as_of):
            continue
        best = min(best, int(level))
    return best


def refresh_highest_level(worker: ModelWorker) -> int:
    """Recompute from the database; must run inside the transaction that changed an honour."""
    level = (
        Honour.objects.filter(
            model_worker=worker, kind__in=MODEL_WORKER_KINDS, revoked_on__isnull=True, voided_at__isnull=True
        ).aggregate(m=Min("level"))["m"]
        or Level.NONE
    )
    if worker.highest_level != level:
        ModelWorker.objects.filter(pk=worker.pk).update(highest_level=level)
        worker.highest_level = level
    return level


def employer_named(name: str, union: Organisation | None = None) -> Employer | None:
    name = " ".join((name or "").split())
    if not name:
        return None
    employer, _created = Employer.objects.get_or_create(name=name, defaults={"union": union})
    return employer


# --- Checks -----------------------------------------------------------------------------------


def _require_edit(actor, worker: ModelWorker) -> None:
    if not permissions.may_edit_worker(actor, worker):
        raise PermissionDenied(_("You may not change this record."))
    if worker.is_archived:
        raise DomainError(_("This record is archived; restore it before changing it."), code="conflict")


def _validate_person(data: dict[str, Any], *, actor, exclude_pk: int | None = None) -> dict[str, Any]:
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
        for clash in holders.exclude(pk=exclude_pk).order_by("pk")[:20]:
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
        if value is None and field not in ("employer", "id_number", "retired_on", "died_on"):
            value = ""
        setattr(worker, field, value)
    worker.name_pinyin, worker.name_initials = name_keys(worker.name)
    worker.id_last4 = (worker.id_number or "")[-4:]


# --- Model-worker records ---------------------------------------------------------------------


@transaction.atomic
def create_model_worker(*, actor, data: dict[str, Any]) -> ModelWorker:
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


def submitted_verification(actor) -> str:
    """A record a grassroots union (anyone with a scope) submits waits for the federation;
    the federation's own, and the command line's, are verified."""
    if actor is not None and permissions.union_scope(actor) is not None:
        return Verification.PENDING
    return Verification.CONFIRMED


def _report_hidden_clash(actor, worker: ModelWorker, holders: list[int], **detail) -> None:
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
    *, actor, worker: ModelWorker, data: dict[str, Any], expected_version: int | None = None
) -> ModelWorker:
    """Change the given fields only; a value not given is left as it is.

    ``expected_version`` is the version the user's form was made from: if someone saved in
    between, the change is refused rather than overwriting theirs.
    """
    worker = ModelWorker.objects.select_for_update().get(pk=worker.pk)
    _require_edit(actor, worker)
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


# --- Verification by the federation -----------------------------------------------------------


def _require_verify(actor, worker: ModelWorker) -> ModelWorker:
    if not (permissions.has_perm(actor, permissions.Perm.VERIFY_RECORDS) and permissions.may_see_worker(actor, worker)):
        raise PermissionDenied(_("You may not verify records."))
    worker = ModelWorker.objects.select_for_update().get(pk=worker.pk)
    if worker.verification != Verification.PENDING or worker.is_archived:
        raise DomainError(_("This record is not awaiting verification."), code="conflict")
    return worker


def verified_holder(worker: ModelWorker) -> ModelWorker | None:
    """The verified record that already has this record's ID number, if any."""
    if not worker.id_number:
        return None
    return (
        ModelWorker.objects.filter(id_number=worker.id_number, verification=Verification.CONFIRMED)
        .exclude(pk=worker.pk)
        .first()
    )


@transaction.atomic
def confirm_model_worker(*, actor, worker: ModelWorker) -> ModelWorker:
    """The federation has checked a union's record: it counts from now on (statistics and
    treatment). A record whose ID number a verified record has is not confirmed: it is merged
    into that record, or rejected."""
    worker = _require_verify(actor, worker)
    holder = verified_holder(worker)
    if holder is not None:
        raise DomainError(
            _("Record %(n)s (%(name)s, %(union)s) already has this ID number: merge this record into it, or reject it.")
            % {"n": holder.pk, "name": holder.name, "union": holder.union.name},
            code="conflict",
        )
    worker.verification = Verification.CONFIRMED
    worker.version += 1
    worker.save(update_fields=["verification", "version", "updated_at"])
    record(
        actor=actor,
        action=AuditAction.CONFIRM,
        obj=worker,
        changes={"verification": [Verification.PENDING, Verification.CONFIRMED]},
    )
    return worker


@transaction.atomic
def reject_model_worker(*, actor, worker: ModelWorker, reason: str) -> ModelWorker:
    """Not accepted: the record is archived with the reason (kept, never deleted); the union
    sees why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason.")]})
    worker = _require_verify(actor, worker)
    worker.verification = Verification.REJECTED
    worker.archived_at = timezone.now()
    worker.archive_reason = reason[:200]
    worker.version += 1
    worker.save(update_fields=["verification", "archived_at", "archive_reason", "version", "updated_at"])
    record(
        actor=actor,
        action=AuditAction.ARCHIVE,
        obj=worker,
        changes={"verification": [Verification.PENDING, Verification.REJECTED]},
        detail={"reason": worker.archive_reason},
    )
    return worker


@transaction.atomic
def archive_model_worker(*, actor, worker: ModelWorker, reason: str) -> ModelWorker:
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
def restore_model_worker(*, actor, worker: ModelWorker) -> ModelWorker:
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
def set_photo(*, actor, worker: ModelWorker, upload) -> ModelWorker:
    """Store a photo re-encoded as a small JPEG: no metadata (EXIF location) and no payload
    other than pixels survives."""
    from django.conf import settings
    from PIL import Image, ImageOps, UnidentifiedImageError

    _require_edit(actor, worker)
    if upload.size > settings.GONGJIANG["PHOTO_MAX_BYTES"]:
        raise ValidationError({"photo": [_("The photo is larger than 4 MB.")]})
    try:
        Image.MAX_IMAGE_PIXELS = 40_000_000
        image = Image.open(upload)
        if image.format not in PHOTO_FORMATS:
            raise ValidationError({"photo": [_("Upload a JPEG or PNG photo.")]})
        image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError({"photo": [_("This file is not a picture we can read.")]}) from None
    image.thumbnail((600, 800))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    old = worker.photo.name if worker.photo else ""
    worker.photo.save("photo.jpg", ContentFile(out.getvalue()), save=False)
    worker.version += 1
    worker.save(update_fields=["photo", "version", "updated_at"])
    record(actor=actor, action=AuditAction.UPDATE, obj=worker, changes={"photo": [old, worker.photo.name]})
    return worker


REVEALABLE = {"id_number", "phone"}


def reveal(*, actor, worker: ModelWorker, field: str) -> str:
    """Show a masked value in clear to a role that needs it, and log that it was seen."""
    if field not in REVEALABLE:
        raise PermissionDenied(_("This value cannot be revealed."))
    if not permissions.may_reveal(actor, worker):
        raise PermissionDenied(_("You may not see this value unmasked."))
    value = getattr(worker, field) or ""
    record(actor=actor, action=AuditAction.REVEAL, obj=worker, detail={"field": field})
    return value


# --- Honours ----------------------------------------------------------------------------------


def _validate_honour(worker: ModelWorker, data: dict[str, Any]) -> None:
    errors: dict[str, list] = {}
    if not (data.get("title") or "").strip():
        errors["title"] = [_("Enter the title of the honour.")]
    try:
        validation.check_honour_year(data.get("year"), worker.birth_date)
    except ValidationError as e:
        errors.update(e.message_dict)
    if data.get("level") in (None, "", Level.NONE):
        errors["level"] = [_("Choose the level.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_honour(*, actor, worker: ModelWorker, data: dict[str, Any]) -> Honour:
    worker = ModelWorker.objects.select_for_update().get(pk=worker.pk)
    _require_edit(actor, worker)
    _validate_honour(worker, data)
    honour = Honour(model_worker=worker)
    for field in HONOUR_FIELDS:
        if field in data:
            setattr(honour, field, data[field] if data[field] is not None else "")
    honour.title = honour.title.strip()
    check_fields(honour)
    honour.save()
    refresh_highest_level(worker)
    record(actor=actor, action=AuditAction.CREATE, obj=honour, changes=diff({}, snapshot(honour, HONOUR_FIELDS)))
    return honour


@transaction.atomic
def update_honour(*, actor, honour: Honour, data: dict[str, Any]) -> Honour:
    worker = ModelWorker.objects.select_for_update().get(pk=honour.model_worker_id)
    _require_edit(actor, worker)
    honour = Honour.objects.get(pk=honour.pk)
    if honour.voided_at:
        raise DomainError(_("A voided honour cannot be changed."), code="conflict")
    merged = {**{f: getattr(honour, f) for f in HONOUR_FIELDS}, **data}
    _validate_honour(worker, merged)
    before = snapshot(honour, HONOUR_FIELDS)
    for field in HONOUR_FIELDS:
        if field in data:
            setattr(honour, field, data[field] if data[field] is not None else "")
    changes = diff(before, snapshot(honour, HONOUR_FIELDS))
    if changes:
        honour.save()
        refresh_highest_level(worker)
        record(actor=actor, action=AuditAction.UPDATE, obj=honour, changes=changes)
    return honour


@transaction.atomic
def revoke_honour(*, actor, honour: Honour, revoked_on: dt.date, reason: str) -> Honour:
    """撤销称号: the honour stays on the record, marked revoked; it no longer counts."""
    worker = ModelWorker.objects.select_for_update().get(pk=honour.model_worker_id)
    _require_edit(actor, worker)
    honour = Honour.objects.get(pk=honour.pk)
    errors = {}
    if honour.revoked_on or honour.voided_at:
        raise DomainError(_("This honour is already revoked or voided."), code="conflict")
    if not revoked_on:
        errors["revoked_on"] = [_("Enter the date of revocation.")]
    elif revoked_on > timezone.localdate():
        errors["revoked_on"] = [_("This date is in the future.")]
    elif revoked_on.year < honour.year:
        errors["revoked_on"] = [_("The honour cannot be revoked before the year it was awarded.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for the revocation.")]
    if errors:
        raise ValidationError(errors)
    honour.revoked_on = revoked_on
    honour.revocation_reason = reason.strip()[:200]
    honour.save(update_fields=["revoked_on", "revocation_reason", "updated_at"])
    refresh_highest_level(worker)
    record(
        actor=actor,
        action=AuditAction.REVOKE,
        obj=honour,
        changes={
            "revoked_on": [None, revoked_on.isoformat()],
            "revocation_reason": ["", honour.revocation_reason],
        },
    )
    return honour


@transaction.atomic
def void_honour(*, actor, honour: Honour, reason: str) -> Honour:
    """An honour entered by mistake: kept and shown struck through, ignored everywhere else."""
    worker = ModelWorker.objects.select_for_update().get(pk=honour.model_worker_id)
    _require_edit(actor, worker)
    honour = Honour.objects.get(pk=honour.pk)
    if honour.voided_at:
        raise DomainError(_("This honour is already voided."), code="conflict")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for voiding this honour.")]})
    honour.voided_at = timezone.now()
    honour.void_reason = reason.strip()[:200]
    honour.save(update_fields=["voided_at", "void_reason", "updated_at"])
    refresh_highest_level(worker)
    record(actor=actor, action=AuditAction.VOID, obj=honour, detail={"reason": honour.void_reason})
    return honour


# --- Family members ---------------------------------------------------------------------------


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
def add_family_member(*, actor, worker: ModelWorker, data: dict[str, Any]) -> FamilyMember:
    _require_edit(actor, worker)
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
def update_family_member(*, actor, member: FamilyMember, data: dict[str, Any]) -> FamilyMember:
    _require_edit(actor, member.model_worker)
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
def remove_family_member(*, actor, member: FamilyMember, reason: str) -> FamilyMember:
    """Family members leave the file (a death, a divorce, an error) but stay in its history."""
    _require_edit(actor, member.model_worker)
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


# --- Hardship file ----------------------------------------------------------------------------


def _validate_hardship(data: dict[str, Any]) -> None:
    errors: dict[str, list] = {}
    if data.get("is_active", True) and not data.get("category"):
        errors["category"] = [_("Choose the hardship category.")]
    if not data.get("established_on"):
        errors["established_on"] = [_("Enter the date the file was opened.")]
    elif data["established_on"] > timezone.localdate():
        errors["established_on"] = [_("This date is in the future.")]
    own, family = data.get("monthly_income"), data.get("family_monthly_income")
    for name, value in (("monthly_income", own), ("family_monthly_income", family)):
        if value is not None and value < 0:
            errors[name] = [_("An income cannot be negative.")]
    if own is not None and family is not None and family < own and not errors:
        errors["family_monthly_income"] = [_("The household income cannot be less than the person's own income.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_hardship_file(*, actor, worker: ModelWorker, data: dict[str, Any]) -> HardshipFile:
    """Open or update the hardship file; the record's hardship flag follows ``is_active``."""
    worker = ModelWorker.objects.select_for_update().get(pk=worker.pk)
    _require_edit(actor, worker)
    file = HardshipFile.objects.filter(model_worker=worker).first()
    creating = file is None
    if creating:
        file = HardshipFile(model_worker=worker)
    merged = {**{f: getattr(file, f) for f in HARDSHIP_FIELDS}, **data}
    _validate_hardship(merged)
    before = {} if creating else snapshot(file, HARDSHIP_FIELDS)
    for field in HARDSHIP_FIELDS:
        if field in data:
            value = data[field]
            if value is None and field not in (
                "monthly_income",
                "family_monthly_income",
                "family_size",
                "housing_area",
                "established_on",
            ):
                value = ""
            setattr(file, field, value)
    if file.is_active:
        file.ended_on, file.end_reason = None, ""
    elif file.ended_on is None:
        file.ended_on = timezone.localdate()
    changes = diff(before, snapshot(file, HARDSHIP_FIELDS))
    if not changes and not creating:
        return file
    check_fields(file)
    file.save()
    if worker.in_hardship != file.is_active:
        ModelWorker.objects.filter(pk=worker.pk).update(in_hardship=file.is_active)
        worker.in_hardship = file.is_active
    record(actor=actor, action=AuditAction.CREATE if creating else AuditAction.UPDATE, obj=file, changes=changes)
    return file


@transaction.atomic
def close_hardship_file(*, actor, file: HardshipFile, ended_on: dt.date, reason: str) -> HardshipFile:
    worker = ModelWorker.objects.select_for_update().get(pk=file.model_worker_id)
    _require_edit(actor, worker)
    file = HardshipFile.objects.get(pk=file.pk)
    if not file.is_active:
        raise DomainError(_("This hardship file is already closed."), code="conflict")
    errors = {}
    if not ended_on:
        errors["ended_on"] = [_("Enter the date.")]
    elif ended_on < file.established_on or ended_on > timezone.localdate():
        errors["ended_on"] = [_("The date must lie between the opening of the file and today.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason.")]
    if errors:
        raise ValidationError(errors)
    file.is_active = False
    file.ended_on = ended_on
    file.end_reason = reason.strip()[:200]
    check_fields(file)
    file.save()
    ModelWorker.objects.filter(pk=worker.pk).update(in_hardship=False)
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=file,
        changes={"is_active": [True, False], "ended_on": [None, ended_on.isoformat()]},
        detail={"reason": file.end_reason},
    )
    return file


# --- Export -----------------------------------------------------------------------------------


def export_roster(
    *, actor, filters, description: str, unmasked: bool, dest, columns: list[str] | None = None, progress=None
) -> int:
    """Write the user's current list to ``dest`` (.xlsx) and log the export.

    Masked unless ``unmasked`` is asked for and the role may export personal data in clear.
    """
    from gongjiang.archive import exports, selectors

    if not permissions.has_perm(actor, permissions.Perm.EXPORT):
        raise PermissionDenied(_("You may not export lists."))
    if unmasked and not permissions.has_perm(actor, permissions.Perm.EXPORT_UNMASKED):
        raise PermissionDenied(_("You may not export unmasked personal data."))
    qs = exports.export_queryset(selectors.filtered_model_workers(actor, filters)).order_by(
        *selectors.ordering_for(filters)
    )
    n = exports.write_roster(
        exports.rows_of(qs),
        dest,
        unmasked=unmasked,
        title=description,
        columns=columns,
        progress=progress,
    )
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="archive.modelworker",
        object_repr=str(_("Model-worker roster")),
        detail={
            "rows": n,
            "filters": description,
            "unmasked": unmasked,
            "columns": columns or exports.COLUMN_KEYS,
        },
    )
    return n


# --- Merging duplicates -----------------------------------------------------------------------


@transaction.atomic
def merge_records(*, actor, keep: ModelWorker, other: ModelWorker) -> ModelWorker:
    """Make two records of one person one: ``other``'s honours, family, hardship file and user
    account move to ``keep``, and other apps move theirs (``signals.records_merged``); blanks in
    ``keep`` are filled from ``other``; ``other`` is archived as merged, and its history shows
    on ``keep``'s profile."""
    if not (
        permissions.has_perm(actor, permissions.Perm.ARCHIVE_RECORDS)
        and permissions.may_see_worker(actor, keep)
        and permissions.may_see_worker(actor, other)
    ):
        raise PermissionDenied(_("You may not merge records."))
    if keep.pk == other.pk:
        raise DomainError(_("A record cannot be merged with itself."), code="conflict")
    keep = ModelWorker.objects.select_for_update().get(pk=keep.pk)
    other = ModelWorker.objects.select_for_update().get(pk=other.pk)
    if keep.is_archived or other.is_archived:
        raise DomainError(_("Archived records cannot be merged."), code="conflict")
    if keep.id_number and other.id_number and keep.id_number != other.id_number:
        raise DomainError(_("The two records have different ID numbers: they are different people."), code="conflict")
    before = snapshot(keep, PERSON_FIELDS)
    # Honours: the other's move over, except those the kept record already has.
    have = {(h.year, h.level, h.kind) for h in keep.honours.filter(voided_at__isnull=True)}
    for h in other.honours.filter(voided_at__isnull=True):
        if (h.year, h.level, h.kind) in have:
            h.voided_at, h.void_reason = timezone.now(), _("Duplicate of an honour on record %(n)s") % {"n": keep.pk}
            h.save(update_fields=["voided_at", "void_reason", "updated_at"])
    Honour.objects.filter(model_worker=other).update(model_worker=keep)
    FamilyMember.objects.filter(model_worker=other).update(model_worker=keep)
    if not HardshipFile.objects.filter(model_worker=keep).exists():
        HardshipFile.objects.filter(model_worker=other).update(model_worker=keep)
    from gongjiang.accounts.models import User

    if not User.objects.filter(model_worker=keep).exists():
        User.objects.filter(model_worker=other).update(model_worker=keep)
    # Treatment, the 三创 platform, … move their own references (or refuse the merge).
    records_merged.send(sender=ModelWorker, actor=actor, keep=keep, other=other)
    # Blanks in the kept record are filled from the other.
    if other.id_number and not keep.id_number:
        number = other.id_number
        ModelWorker.objects.filter(pk=other.pk).update(id_number=None, id_last4="")
        keep.id_number, keep.id_last4 = number, number[-4:]
    for field in (
        "political_affiliation",
        "education",
        "employer",
        "position",
        "title_or_grade",
        "phone",
        "address",
        "retired_on",
        "died_on",
        "deeds",
        "remarks",
    ):
        if not getattr(keep, field) and getattr(other, field):
            setattr(keep, field, getattr(other, field))
    if not keep.photo and other.photo:
        keep.photo = other.photo
    keep.in_hardship = HardshipFile.objects.filter(model_worker=keep, is_active=True).exists()
    keep.version += 1
    keep.save()
    refresh_highest_level(keep)
    ModelWorker.objects.filter(pk=other.pk).update(
        archived_at=timezone.now(),
        archive_reason=(_("Merged into record %(n)s") % {"n": keep.pk})[:200],
        merged_into=keep,
        in_hardship=False,
        highest_level=Level.NONE,
        version=other.version + 1,
    )
    record(
        actor=actor,
        action=AuditAction.MERGE,
        obj=keep,
        changes=diff(before, snapshot(keep, PERSON_FIELDS)),
        detail={"merged": other.pk},
    )
    record(
        actor=actor,
        action=AuditAction.ARCHIVE,
        obj=other,
        detail={"merged_into": keep.pk, "reason": _("Merged into record %(n)s") % {"n": keep.pk}},
    )
    return keep
