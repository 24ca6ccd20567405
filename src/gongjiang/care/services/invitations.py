"""Invitations: invite, accept, decline, the waiting list, attendance — one implementation shared
by check-up and stay batches and by events (``PLACES`` describes each).

A batch's (an event's) capacity is never exceeded. Taking a place locks the row
(``select_for_update``) and raises ``taken`` by one conditional update (``taken < capacity``), so
of two staff taking the last place at once one gets it and the other is told in words; the check
constraints ``care_batch_never_over_capacity`` and ``care_event_never_over_capacity`` are the
database's backstop. A declined place goes to the first person on the waiting list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.archive.enums import Level, Status, Verification
from gongjiang.care.enums import OPEN, InvitationState
from gongjiang.care.models import Batch, Event, EventInvitation, Invitation
from gongjiang.care.services.common import require_record_for


@dataclass(frozen=True)
class Places:
    """What holds the places (a batch, an event), its invitations, and how the messages name them.

    ``field`` is the invitation's foreign key to the holder; ``group(holder)`` the filter within
    which a person is invited once (a batch's campaign, the event itself), also set on a new
    invitation; ``follow_up`` whether attendance keeps a follow-up flag and note (check-ups)."""

    holder: type[Batch] | type[Event]
    invitation: type[Invitation] | type[EventInvitation]
    field: str
    group: Callable[[Any], dict[str, Any]]
    already: Any
    full: Any
    not_started: Any
    follow_up: bool


BATCHES = Places(
    holder=Batch,
    invitation=Invitation,
    field="batch",
    group=lambda batch: {"campaign_id": batch.campaign_id},
    already=gettext_lazy("%(name)s is already in this campaign."),
    full=gettext_lazy(
        "%(batch)s is full (%(n)s places): no place is left. Put the person on the waiting list instead."
    ),
    not_started=gettext_lazy("The batch has not started yet (%(on)s)."),
    follow_up=True,
)
EVENTS = Places(
    holder=Event,
    invitation=EventInvitation,
    field="event",
    group=lambda event: {"event_id": event.pk},
    already=gettext_lazy("%(name)s is already invited to this event."),
    full=gettext_lazy(
        "%(batch)s is full (%(n)s places): no place is left. Put the person on the waiting list instead."
    ),
    not_started=gettext_lazy("The event has not taken place yet (%(on)s)."),
    follow_up=False,
)


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _take_place(spec: Places, holder) -> bool:
    """One place of the (locked) holder, or False when none is left."""
    return spec.holder.objects.filter(pk=holder.pk, taken__lt=F("capacity")).update(taken=F("taken") + 1) == 1


def _free_place(spec: Places, holder) -> None:
    spec.holder.objects.filter(pk=holder.pk, taken__gt=0).update(taken=F("taken") - 1)


def _log(actor, invitation, action, changes: dict) -> None:
    record(
        actor=actor,
        action=action,
        obj=invitation,
        object_repr=str(invitation),
        model_worker_id=invitation.model_worker_id,
        organisation_id=invitation.model_worker.union_id,
        changes=changes,
    )


def check_person(worker) -> None:
    """Only a verified, living holder of a model-worker title is invited."""
    if worker.archived_at is not None or worker.verification != Verification.CONFIRMED:
        raise ValidationError(_("Only verified records in the archive can be invited."))
    if worker.status == Status.DECEASED:
        raise ValidationError(_("%(name)s has died.") % {"name": worker.name})
    if worker.highest_level == Level.NONE:
        raise ValidationError(_("%(name)s holds no model-worker title.") % {"name": worker.name})


def place(spec: Places, *, actor, holder, model_worker, reason: str = "", waiting: bool = False):
    """Invite a person to one of the holder's places, or put them on its waiting list (call
    inside a transaction). Refused when it is full (say so, and offer the waiting list), when the
    person is already in (the campaign, the event), or when they cannot be invited at all."""
    require_record_for(actor, model_worker)
    check_person(model_worker)
    holder = spec.holder.objects.select_for_update().get(pk=holder.pk)
    group = spec.group(holder)
    if spec.invitation.objects.filter(**group, model_worker=model_worker).exists():
        raise ValidationError(str(spec.already) % {"name": model_worker.name})
    now = timezone.now()
    if not waiting and not _take_place(spec, holder):
        label = holder.name if spec.holder is Batch else holder.title
        raise ValidationError(str(spec.full) % {"batch": label, "n": holder.capacity})
    try:
        with transaction.atomic():
            invitation = spec.invitation.objects.create(
                **group,
                **{spec.field: holder},
                model_worker=model_worker,
                state=InvitationState.WAITING if waiting else InvitationState.INVITED,
                reason=(reason or "").strip()[:300],
                waiting_since=now if waiting else None,
                invited_by=_user(actor),
            )
    except IntegrityError:  # invited by someone else a moment ago
        raise ValidationError(str(spec.already) % {"name": model_worker.name}) from None
    label = holder.name if spec.holder is Batch else holder.title
    _log(actor, invitation, AuditAction.CREATE, {spec.field: [None, label], "state": [None, invitation.state]})
    return invitation


def _locked(spec: Places, invitation):
    holder = spec.holder.objects.select_for_update().get(pk=getattr(invitation, f"{spec.field}_id"))
    invitation = spec.invitation.objects.select_for_update().select_related("model_worker").get(pk=invitation.pk)
    return invitation, holder


def fill(spec: Places, actor, holder) -> list:
    """Give the free places of the (locked) holder to its waiting list, first come first."""
    promoted = []
    waiting = (
        spec.invitation.objects.select_for_update()
        .select_related("model_worker")
        .filter(**{spec.field: holder}, state=InvitationState.WAITING)
        .order_by("waiting_since", "id")
    )
    for invitation in waiting:
        if not _take_place(spec, holder):
            break
        invitation.state = InvitationState.INVITED
        invitation.save(update_fields=["state", "updated_at"])
        _log(actor, invitation, AuditAction.UPDATE, {"state": [InvitationState.WAITING, InvitationState.INVITED]})
        promoted.append(invitation)
    return promoted


def settle(spec: Places, *, actor, invitation, accepted: bool) -> list:
    """The person's answer (call inside a transaction). A decline frees the place for the first
    on the waiting list (returned)."""
    require_record_for(actor, invitation.model_worker)
    invitation, holder = _locked(spec, invitation)
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
        _free_place(spec, holder)
        return fill(spec, actor, holder)
    return []


def attend(spec: Places, *, actor, invitation, attended: bool, follow_up: bool = False, note: str = ""):
    """Whether the person came, from the first day on (call inside a transaction)."""
    require_record_for(actor, invitation.model_worker)
    invitation, holder = _locked(spec, invitation)
    if invitation.state not in OPEN:
        raise ValidationError(
            _("Attendance is recorded for people invited or who accepted, not: %(state)s.")
            % {"state": invitation.get_state_display()}
        )
    if holder.starts_on > timezone.localdate():
        raise ValidationError(str(spec.not_started) % {"on": holder.starts_on.isoformat()})
    before: dict[str, Any] = {"state": invitation.state}
    invitation.state = InvitationState.ATTENDED if attended else InvitationState.ABSENT
    after: dict[str, Any] = {"state": invitation.state}
    fields = ["state", "updated_at"]
    if spec.follow_up:
        note = (note or "").strip()[:300] if attended else ""
        follow_up = bool(follow_up) and attended
        before |= {"follow_up": invitation.follow_up, "follow_up_note": invitation.follow_up_note}
        invitation.follow_up = follow_up
        invitation.follow_up_note = note
        after |= {"follow_up": follow_up, "follow_up_note": note}
        fields += ["follow_up", "follow_up_note"]
    invitation.save(update_fields=fields)
    _log(actor, invitation, AuditAction.UPDATE, {k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return invitation


# --- Check-up and stay batches ------------------------------------------------------------------


@transaction.atomic
def invite(*, actor, batch: Batch, model_worker, reason: str = "", waiting: bool = False) -> Invitation:
    """Invite a person to a batch (one of its places), or put them on its waiting list.

    Refused when the batch is full (say so, and offer the waiting list), when the person is
    already in this campaign, or when they cannot be invited at all."""
    return place(BATCHES, actor=actor, holder=batch, model_worker=model_worker, reason=reason, waiting=waiting)


def fill_from_waiting(actor, batch: Batch) -> list[Invitation]:
    """Give the free places of the (locked) batch to its waiting list, first come first."""
    return fill(BATCHES, actor, batch)


@transaction.atomic
def answer(*, actor, invitation: Invitation, accepted: bool) -> list[Invitation]:
    """The person's answer. A decline frees the place for the first on the waiting list (returned)."""
    return settle(BATCHES, actor=actor, invitation=invitation, accepted=accepted)


@transaction.atomic
def record_attendance(
    *, actor, invitation: Invitation, attended: bool, follow_up: bool = False, note: str = ""
) -> Invitation:
    """Whether the person came, from the batch's first day on. For a check-up, only what care
    needs is kept — a follow-up flag and a short note — never the medical report."""
    return attend(BATCHES, actor=actor, invitation=invitation, attended=attended, follow_up=follow_up, note=note)


def is_past(batch: Batch | Event, today: dt.date | None = None) -> bool:
    return batch.starts_on <= (today or timezone.localdate())
