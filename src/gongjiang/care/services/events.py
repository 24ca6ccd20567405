"""Care events (联谊, 座谈会, 一日游): the federation's, and a grassroots union's for its own people.

Invitations, answers, the waiting list and attendance are the batches' own machinery
(``invitations.place`` and the rest, with ``invitations.EVENTS``): the capacity is never exceeded.
Photos are kept in private storage, checked like the platform's evidence, and archived, never
deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction, OrganisationKind
from gongjiang.accounts.models import Organisation
from gongjiang.care.enums import EventKind
from gongjiang.care.models import Event, EventInvitation, EventPhoto
from gongjiang.care.permissions import CarePerm
from gongjiang.care.services import invitations
from gongjiang.core import uploads

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def may_organise(actor, organiser: Organisation) -> bool:
    """The federation organises for anyone; a grassroots union for itself (and the unions under it)."""
    if not permissions.has_perm(actor, CarePerm.RECORD_CARE):
        return False
    scope = permissions.union_scope(actor) if not permissions.is_system(actor) else None
    return scope is None or organiser.pk in scope


def require_organise(actor, organiser: Organisation) -> None:
    permissions.require(actor, CarePerm.RECORD_CARE)
    if not may_organise(actor, organiser):
        raise PermissionDenied(_("This event is not your union's."))


def for_everyone(organiser: Organisation) -> bool:
    return organiser.kind == OrganisationKind.FEDERATION


def may_invite(event: Event, worker) -> bool:
    """A union's event is for the union's own people (and those of the unions under it)."""
    if for_everyone(event.organiser):
        return True
    path = event.organiser.path
    union = worker.union
    return union is not None and (union.pk == event.organiser_id or (bool(path) and union.path.startswith(path)))


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list] = {}
    clean = {
        "kind": data.get("kind") or "",
        "title": (data.get("title") or "").strip()[:100],
        "starts_on": data.get("starts_on"),
        "ends_on": data.get("ends_on") or None,
        "place": (data.get("place") or "").strip()[:200],
        "capacity": data.get("capacity"),
        "topic": (data.get("topic") or "").strip()[:200],
        "note": (data.get("note") or "").strip(),
    }
    if clean["kind"] not in EventKind.values:
        errors["kind"] = [_("Choose the kind.")]
    if not clean["title"]:
        errors["title"] = [_("Give the event a title.")]
    if not clean["place"]:
        errors["place"] = [_("Give the place.")]
    starts, ends = clean["starts_on"], clean["ends_on"]
    if not isinstance(starts, dt.date):
        errors["starts_on"] = [_("Give the date.")]
    elif isinstance(ends, dt.date) and ends < starts:
        errors["ends_on"] = [_("The last day is before the first.")]
    if not isinstance(clean["capacity"], int) or clean["capacity"] < 1:
        errors["capacity"] = [_("Give the number of places (at least one).")]
    if clean["kind"] == EventKind.SYMPOSIUM and not clean["topic"]:
        errors["topic"] = [_("A symposium has a topic.")]
    if clean["kind"] != EventKind.SYMPOSIUM:
        clean["topic"] = ""
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def create_event(*, actor, organiser: Organisation, data: dict[str, Any]) -> Event:
    require_organise(actor, organiser)
    clean = _clean(data)
    event = Event.objects.create(organiser=organiser, created_by=_user(actor), **clean)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=event,
        organisation_id=organiser.pk,
        changes={k: [None, v] for k, v in clean.items() if v not in (None, "")},
    )
    return event


@transaction.atomic
def change_event(*, actor, event: Event, data: dict[str, Any]) -> Event:
    """Kind, title, dates, place, topic, note and capacity; the capacity never below the places taken."""
    require_organise(actor, event.organiser)
    event = Event.objects.select_for_update().select_related("organiser").get(pk=event.pk)
    clean = _clean(data)
    if clean["capacity"] < event.taken:
        raise ValidationError(
            {"capacity": [_("%(n)s places are taken already; the capacity cannot be lower.") % {"n": event.taken}]}
        )
    changes = {k: [getattr(event, k), v] for k, v in clean.items() if getattr(event, k) != v}
    for key, value in clean.items():
        setattr(event, key, value)
    event.save()
    if changes:
        record(actor=actor, action=AuditAction.UPDATE, obj=event, organisation_id=event.organiser_id, changes=changes)
    if "capacity" in changes:  # more places: the waiting list moves up
        invitations.fill(invitations.EVENTS, actor, event)
    return event


@transaction.atomic
def record_minutes(*, actor, event: Event, minutes: str) -> Event:
    """A symposium's minutes, recorded once it has taken place."""
    require_organise(actor, event.organiser)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.kind != EventKind.SYMPOSIUM:
        raise ValidationError(_("Only a symposium has minutes."))
    if event.starts_on > timezone.localdate():
        raise ValidationError(_("The minutes are recorded after the symposium (%(on)s).") % {"on": event.starts_on})
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": [_("Write the minutes.")]})
    if minutes != event.minutes:
        before = event.minutes
        event.minutes = minutes
        event.save(update_fields=["minutes"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=event,
            organisation_id=event.organiser_id,
            changes={"minutes": [before, minutes]},
        )
    return event


# --- Invitations ------------------------------------------------------------------------------


@transaction.atomic
def invite(*, actor, event: Event, model_worker, reason: str = "", waiting: bool = False) -> EventInvitation:
    """Invite a person to the event (one of its places), or put them on its waiting list."""
    require_organise(actor, event.organiser)
    if not may_invite(event, model_worker):
        raise ValidationError(
            _("%(name)s is not one of %(union)s's people.") % {"name": model_worker.name, "union": event.organiser}
        )
    return invitations.place(
        invitations.EVENTS, actor=actor, holder=event, model_worker=model_worker, reason=reason, waiting=waiting
    )


@transaction.atomic
def answer(*, actor, invitation: EventInvitation, accepted: bool) -> list[EventInvitation]:
    require_organise(actor, invitation.event.organiser)
    return invitations.settle(invitations.EVENTS, actor=actor, invitation=invitation, accepted=accepted)


@transaction.atomic
def record_attendance(*, actor, invitation: EventInvitation, attended: bool) -> EventInvitation:
    require_organise(actor, invitation.event.organiser)
    return invitations.attend(invitations.EVENTS, actor=actor, invitation=invitation, attended=attended)


# --- Photos -----------------------------------------------------------------------------------


def check_photo(upload) -> None:
    """A JPEG or PNG picture, no larger than the evidence limit, whose bytes are what its name says."""
    limit = settings.GONGJIANG.get("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
    if upload.size > limit:
        raise ValidationError({"file": [_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}]})
    if not upload.name.lower().endswith(PHOTO_SUFFIXES):
        raise ValidationError({"file": [_("Upload a picture (JPEG or PNG).")]})
    uploads.check(upload)


@transaction.atomic
def add_photo(*, actor, event: Event, upload, caption: str = "") -> EventPhoto:
    require_organise(actor, event.organiser)
    check_photo(upload)
    photo = EventPhoto(
        event=event,
        original_name=upload.name[-200:],
        size=upload.size,
        caption=(caption or "").strip()[:200],
        uploaded_by=_user(actor),
    )
    photo.file.save(upload.name, upload, save=False)
    photo.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=photo,
        object_repr=f"{event} · {photo.original_name}",
        organisation_id=event.organiser_id,
    )
    return photo


@transaction.atomic
def archive_photo(*, actor, photo: EventPhoto) -> EventPhoto:
    """The file stays on record; it is no longer shown with the event."""
    require_organise(actor, photo.event.organiser)
    if photo.archived_at is None:
        photo.archived_at = timezone.now()
        photo.save(update_fields=["archived_at"])
        record(
            actor=actor,
            action=AuditAction.ARCHIVE,
            obj=photo,
            object_repr=f"{photo.event} · {photo.original_name}",
            organisation_id=photo.event.organiser_id,
        )
    return photo
