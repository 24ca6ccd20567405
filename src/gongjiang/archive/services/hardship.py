"""A person's hardship file (困难档案), the spells in and out of hardship it opens and ends,
and the yearly review (年度复核).

The file holds today's facts; each spell (``HardshipSpell``) says when and why the person
entered and left hardship, so a count for a past date can be made. Opening, closing and
reopening the file keep the spells in step in the same transaction; ``ModelWorker.in_hardship``
mirrors "an open spell now"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts.audit import diff, record, snapshot
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor, user_of
from gongjiang.archive.enums import ReviewOutcome
from gongjiang.archive.models import HardshipFile, HardshipReview, HardshipSpell, ModelWorker
from gongjiang.archive.permissions import require_edit
from gongjiang.core.errors import DomainError
from gongjiang.core.validation import check_fields

SPELL_FIELDS = ["entered_on", "entry_reason", "left_on", "exit_reason"]
REVIEW_FIELDS = ["year", "reviewed_on", "outcome", "note"]

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
def save_hardship_file(
    *,
    actor: Actor,
    worker: ModelWorker,
    data: dict[str, Any],
    entered_on: dt.date | None = None,
    reason: str = "",
    source: str = "",
) -> HardshipFile:
    """Open or update the hardship file; the record's hardship flag follows ``is_active``.

    A file opened (or reopened) in hardship starts a spell — from the file's opening date, or
    from ``entered_on`` on reopening (default today); a file set out of hardship ends the open
    spell today. ``reason`` is the spell's entry or exit reason; ``source`` names where the facts
    came from (a visit), for the audit log."""
    worker = ModelWorker.objects.select_for_update().get(pk=worker.pk)
    require_edit(actor, worker)
    found = HardshipFile.objects.filter(model_worker=worker).first()
    creating = found is None
    file = HardshipFile(model_worker=worker) if found is None else found
    merged = {**{f: getattr(file, f) for f in HARDSHIP_FIELDS}, **data}
    _validate_hardship(merged)
    before = {} if creating else snapshot(file, HARDSHIP_FIELDS)
    was_active = (not creating) and file.is_active
    old_established = file.established_on
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
    reason = (reason or "").strip()[:200]
    if file.is_active and not was_active:
        start = file.established_on if creating else (entered_on or timezone.localdate())
        _check_new_spell(worker, start)
    file.save()
    if file.is_active and not was_active:
        _open_spell(actor=actor, worker=worker, on=start, reason=reason)
    elif was_active and not file.is_active:
        _end_spell(actor=actor, worker=worker, on=file.ended_on or timezone.localdate(), reason=reason)
    elif file.is_active and file.established_on != old_established:
        _follow_opening_date(actor=actor, worker=worker, old=old_established, new=file.established_on)
    if worker.in_hardship != file.is_active:
        ModelWorker.objects.filter(pk=worker.pk).update(in_hardship=file.is_active)
        worker.in_hardship = file.is_active
    record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        obj=file,
        changes=changes,
        detail={"source": source} if source else None,
    )
    return file


@transaction.atomic
def close_hardship_file(*, actor: Actor, file: HardshipFile, ended_on: dt.date, reason: str) -> HardshipFile:
    worker = ModelWorker.objects.select_for_update().get(pk=file.model_worker_id)
    require_edit(actor, worker)
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
    spell = _open_spell_of(worker)
    if spell is not None and ended_on < spell.entered_on:
        raise ValidationError(
            {"ended_on": [_("The person entered hardship on %(on)s; the date cannot be earlier.") % _day(spell)]}
        )
    file.is_active = False
    file.ended_on = ended_on
    file.end_reason = reason.strip()[:200]
    check_fields(file)
    file.save()
    _end_spell(actor=actor, worker=worker, on=ended_on, reason=file.end_reason)
    ModelWorker.objects.filter(pk=worker.pk).update(in_hardship=False)
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=file,
        changes={"is_active": [True, False], "ended_on": [None, ended_on.isoformat()]},
        detail={"reason": file.end_reason},
    )
    return file


# --- Spells ----------------------------------------------------------------------------------


def _day(spell: HardshipSpell) -> dict[str, str]:
    return {"on": f"{spell.entered_on:%Y-%m-%d}"}


def _open_spell_of(worker: ModelWorker) -> HardshipSpell | None:
    return HardshipSpell.objects.filter(model_worker=worker, left_on__isnull=True).first()


def _check_new_spell(worker: ModelWorker, start: dt.date) -> None:
    """A new spell starts after every earlier one ended (spells never overlap)."""
    if start > timezone.localdate():
        raise ValidationError({"entered_on": [_("This date is in the future.")]})
    if HardshipSpell.objects.filter(model_worker=worker, left_on__isnull=True).exists():
        raise DomainError(_("This person is already in hardship."), code="conflict")
    last = HardshipSpell.objects.filter(model_worker=worker).order_by("-left_on").first()
    if last is not None and last.left_on is not None and start < last.left_on:
        raise ValidationError(
            {
                "entered_on": [
                    _("The last spell in hardship ended on %(on)s; a new one cannot start earlier.")
                    % {"on": f"{last.left_on:%Y-%m-%d}"}
                ]
            }
        )


def _open_spell(*, actor: Actor, worker: ModelWorker, on: dt.date, reason: str) -> HardshipSpell:
    spell = HardshipSpell(
        model_worker=worker,
        entered_on=on,
        entry_reason=reason,
        recorded_by=user_of(actor),
    )
    check_fields(spell)
    spell.save()
    record(actor=actor, action=AuditAction.CREATE, obj=spell, changes=diff({}, snapshot(spell, SPELL_FIELDS)))
    return spell


def _end_spell(*, actor: Actor, worker: ModelWorker, on: dt.date, reason: str) -> None:
    spell = _open_spell_of(worker)
    if spell is None:
        return
    before = snapshot(spell, SPELL_FIELDS)
    spell.left_on = max(on, spell.entered_on)
    spell.exit_reason = reason
    check_fields(spell)
    spell.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=spell, changes=diff(before, snapshot(spell, SPELL_FIELDS)))


def _follow_opening_date(*, actor: Actor, worker: ModelWorker, old: dt.date, new: dt.date) -> None:
    """The file's opening date corrected while its first spell is still open: the spell follows."""
    spells = list(HardshipSpell.objects.filter(model_worker=worker)[:2])
    if len(spells) != 1 or not spells[0].is_open or spells[0].entered_on != old:
        return
    spell = spells[0]
    before = snapshot(spell, SPELL_FIELDS)
    spell.entered_on = new
    spell.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=spell, changes=diff(before, snapshot(spell, SPELL_FIELDS)))


@transaction.atomic
def correct_spell(*, actor: Actor, spell: HardshipSpell, data: dict[str, Any], reason: str) -> HardshipSpell:
    """Correct a spell entered wrongly (dates, reasons). Nothing is deleted: the correction and
    its reason go to the audit log. An open spell stays open and a closed one closed (the file's
    close and reopen do that), and spells still never overlap."""
    worker = ModelWorker.objects.select_for_update().get(pk=spell.model_worker_id)
    require_edit(actor, worker)
    spell = HardshipSpell.objects.get(pk=spell.pk)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    before = snapshot(spell, SPELL_FIELDS)
    for field in SPELL_FIELDS:
        if field in data:
            value = data[field]
            setattr(spell, field, ("" if value is None else value.strip()[:200]) if "reason" in field else value)
    errors: dict[str, list] = {}
    today = timezone.localdate()
    if not spell.entered_on:
        errors["entered_on"] = [_("Enter the date.")]
    elif spell.entered_on > today:
        errors["entered_on"] = [_("This date is in the future.")]
    if before["left_on"] is None and spell.left_on is not None:
        errors["left_on"] = [_("The spell is still open: close the hardship file to end it.")]
    elif before["left_on"] is not None and spell.left_on is None:
        errors["left_on"] = [_("Enter the date.")]
    elif spell.left_on is not None and (spell.left_on > today or spell.left_on < (spell.entered_on or spell.left_on)):
        errors["left_on"] = [_("The date must lie between entering hardship and today.")]
    if errors:
        raise ValidationError(errors)
    others = HardshipSpell.objects.filter(model_worker=worker).exclude(pk=spell.pk)
    end = spell.left_on
    overlapping = others.filter(Q(left_on__isnull=True) | Q(left_on__gt=spell.entered_on))
    if end is not None:
        overlapping = overlapping.filter(entered_on__lt=end)
    if overlapping.exists():
        raise ValidationError({"entered_on": [_("These dates overlap another spell in hardship.")]})
    changes = diff(before, snapshot(spell, SPELL_FIELDS))
    if not changes:
        return spell
    check_fields(spell)
    spell.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=spell, changes=changes, detail={"reason": reason.strip()})
    return spell


# --- The yearly review ------------------------------------------------------------------------


@transaction.atomic
def review_hardship_file(
    *,
    actor: Actor,
    worker: ModelWorker,
    year: int,
    reviewed_on: dt.date,
    outcome: str,
    note: str = "",
) -> HardshipReview:
    """Record the year's review of a person's hardship file. "Leaves hardship" closes the file
    and ends the spell on the review day, with the note as the reason."""
    worker = ModelWorker.objects.select_for_update().get(pk=worker.pk)
    require_edit(actor, worker)
    file = HardshipFile.objects.filter(model_worker=worker).first()
    if file is None or not file.is_active:
        raise DomainError(_("Only a hardship file in force is reviewed."), code="conflict")
    note = (note or "").strip()
    today = timezone.localdate()
    errors: dict[str, list] = {}
    if not year or year > today.year or year < file.established_on.year:
        errors["year"] = [_("Choose a year from the file's opening to this year.")]
    if not reviewed_on:
        errors["reviewed_on"] = [_("Enter the date.")]
    elif reviewed_on > today or (year and reviewed_on.year < year):
        errors["reviewed_on"] = [_("The review date must lie between the start of that year and today.")]
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = [_("Choose the outcome.")]
    elif outcome != ReviewOutcome.CONTINUE and not note:
        errors["note"] = [_("Say what changed or why the person leaves hardship.")]
    if errors:
        raise ValidationError(errors)
    if HardshipReview.objects.filter(model_worker=worker, year=year).exists():
        raise DomainError(_("This file has already been reviewed for %(year)s.") % {"year": year}, code="conflict")
    review = HardshipReview(
        model_worker=worker,
        year=year,
        reviewed_on=reviewed_on,
        outcome=outcome,
        note=note,
        reviewed_by=user_of(actor),
    )
    check_fields(review)
    review.save()
    record(actor=actor, action=AuditAction.CREATE, obj=review, changes=diff({}, snapshot(review, REVIEW_FIELDS)))
    if outcome == ReviewOutcome.LEAVE:
        close_hardship_file(
            actor=actor,
            file=file,
            ended_on=max(reviewed_on, file.established_on),
            reason=_("Yearly review %(year)s: %(note)s") % {"year": year, "note": note},
        )
    return review
