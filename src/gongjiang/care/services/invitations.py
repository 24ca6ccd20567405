"""Invitations: invite, accept, decline, the waiting list, attendance — shared by check-ups and stays.

A batch's capacity is never exceeded. Taking a place locks the batch row (``select_for_update``)
and raises ``taken`` by one conditional update (``taken < capacity``), so of two staff taking the
last place at once one gets it and the other is told in words; the check constraint
``care_batch_never_over_capacity`` is the database's backstop. A declined place goes to the
first person on the batch's waiting list.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.archive.enums import Level, Status, Verification
from gongjiang.care.enums import OPEN, InvitationState
from gongjiang.care.models import Batch, Invitation
from gongjiang.care.services.common import require_record_for


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _take_place(batch: Batch) -> bool:
    """One place of the (locked) batch, or False when none is left."""
    return Batch.objects.filter(pk=batch.pk, taken__lt=F("capacity")).update(taken=F("taken") + 1) == 1


def _free_place(batch: Batch) -> None:
    Batch.objects.filter(pk=batch.pk, taken__gt=0).update(taken=F("taken") - 1)


def _log(actor, invitation: Invitation, action, changes: dict) -> None:
    record(
        actor=actor,
        action=action,
        obj=invitation,
        object_repr=str(invitation),
        model_worker_id=invitation.model_worker_id,
        organisation_id=invitation.model_worker.union_id,
        changes=changes,
    )


def _check_person(worker) -> None:
    if worker.archived_at is not None or worker.verification != Verification.CONFIRMED:
        raise ValidationError(_("Only verified records in the archive can be invited."))
    if worker.status == Status.DECEASED:
        raise ValidationError(_("%(name)s has died.") % {"name": worker.name})
    if worker.highest_level == Level.NONE:
        raise ValidationError(_("%(name)s holds no model-worker title.") % {"name": worker.name})


@transaction.atomic
def invite(*, actor, batch: Batch, model_worker, reason: str = "", waiting: bool = False) -> Invitation:
    """Invite a person to a batch (one of its places), or put them on its waiting list.

    Refused when the batch is full (say so, and offer the waiting list), when the person is
    already in this campaign, or when they cannot be invited at all."""
    require_record_for(actor, model_worker)
    _check_person(model_worker)
    batch = Batch.objects.select_for_update().select_related("campaign").get(pk=batch.pk)
    if Invitation.objects.filter(campaign_id=batch.campaign_id, model_worker=model_worker).exists():
        raise ValidationError(_("%(name)s is already in this campaign.") % {"name": model_worker.name})
    now = timezone.now()
    if not waiting and not _take_place(batch):
        raise ValidationError(
            _("%(batch)s is full (%(n)s places): no place is left. Put the person on the waiting list instead.")
            % {"batch": batch.name, "n": batch.capacity}
        )
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                campaign_id=batch.campaign_id,
                batch=batch,
                model_worker=model_worker,
                state=InvitationState.WAITING if waiting else InvitationState.INVITED,
                reason=(reason or "").strip()[:300],
                waiting_since=now if waiting else None,
                invited_by=_user(actor),
            )
    except IntegrityError:  # invited into the campaign by someone else a moment ago
        raise ValidationError(_("%(name)s is already in this campaign.") % {"name": model_worker.name}) from None
    _log(actor, invitation, AuditAction.CREATE, {"batch": [None, batch.name], "state": [None, invitation.state]})
    return invitation


def _locked(invitation: Invitation) -> tuple[Invitation, Batch]:
    batch = Batch.objects.select_for_update().get(pk=invitation.batch_id)
    invitation = Invitation.objects.select_for_update().select_related("model_worker").get(pk=invitation.pk)
    return invitation, batch


def fill_from_waiting(actor, batch: Batch) -> list[Invitation]:
    """Give the free places of the (locked) batch to its waiting list, first come first."""
    promoted = []
    waiting = (
        Invitation.objects.select_for_update()
        .select_related("model_worker")
        .filter(batch=batch, state=InvitationState.WAITING)
        .order_by("waiting_since", "id")
    )
    for invitation in waiting:
        if not _take_place(batch):
            break
        invitation.state = InvitationState.INVITED
        invitation.save(update_fields=["state", "updated_at"])
        _log(actor, invitation, AuditAction.UPDATE, {"state": [InvitationState.WAITING, InvitationState.INVITED]})
        promoted.append(invitation)
    return promoted


@transaction.atomic
def answer(*, actor, invitation: Invitation, accepted: bool) -> list[Invitation]:
    """The person's answer. A decline frees the place for the first on the waiting list (returned)."""
    require_record_for(actor, invitation.model_worker)
    invitation, batch = _locked(invitation)
    if invitation.state not in (*OPEN, InvitationState.WAITING):
        raise ValidationError(
            _("The answer can no longer be changed: %(state)s.") % {"state": invitation.get_state_display()}
        )
    if accepted and invitation.state == InvitationState.WAITING:
        raise ValidationError(_("The person is on the waiting list: there is no place to accept yet."))
    before = invitation.state
    invitation.state = InvitationState.ACCEPTED if accepted else InvitationState.DECLINED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["state", "answered_at", "updated_at"])
    _log(actor, invitation, AuditAction.UPDATE, {"state": [before, invitation.state]})
    if not accepted and before in OPEN:
        _free_place(batch)
        return fill_from_waiting(actor, batch)
    return []


@transaction.atomic
def record_attendance(
    *, actor, invitation: Invitation, attended: bool, follow_up: bool = False, note: str = ""
) -> Invitation:
    """Whether the person came, from the batch's first day on. For a check-up, only what care
    needs is kept — a follow-up flag and a short note — never the medical report."""
    require_record_for(actor, invitation.model_worker)
    invitation, batch = _locked(invitation)
    if invitation.state not in OPEN:
        raise ValidationError(
            _("Attendance is recorded for people invited or who accepted, not: %(state)s.")
            % {"state": invitation.get_state_display()}
        )
    if batch.starts_on > timezone.localdate():
        raise ValidationError(_("The batch has not started yet (%(on)s).") % {"on": batch.starts_on.isoformat()})
    note = (note or "").strip()[:300] if attended else ""
    follow_up = bool(follow_up) and attended
    before = {"state": invitation.state, "follow_up": invitation.follow_up, "follow_up_note": invitation.follow_up_note}
    invitation.state = InvitationState.ATTENDED if attended else InvitationState.ABSENT
    invitation.follow_up = follow_up
    invitation.follow_up_note = note
    invitation.save(update_fields=["state", "follow_up", "follow_up_note", "updated_at"])
    after = {"state": invitation.state, "follow_up": follow_up, "follow_up_note": note}
    _log(actor, invitation, AuditAction.UPDATE, {k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return invitation


def is_past(batch: Batch, today: dt.date | None = None) -> bool:
    return batch.starts_on <= (today or timezone.localdate())
