"""Fetch-and-check for the care objects, the same for pages and the API: a person's invitation
outside the user's scope is a 404, as another union's record is."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from gongjiang.accounts import permissions
from gongjiang.accounts.enums import Role
from gongjiang.accounts.models import User
from gongjiang.archive.selectors import visible_model_workers
from gongjiang.care.models import (
    Batch,
    Campaign,
    Event,
    EventInvitation,
    EventPhoto,
    Invitation,
    Need,
    PlanEntry,
    Visit,
    VisitPlan,
)
from gongjiang.care.permissions import CarePerm


def _require_view(user) -> None:
    permissions.require(user, CarePerm.VIEW_CARE)


def access_campaign(user, pk: int) -> Campaign:
    _require_view(user)
    return get_object_or_404(Campaign, pk=pk)


def access_batch(user, pk: int, *, for_update: bool = False) -> Batch:
    _require_view(user)
    qs = Batch.objects.select_related("campaign")
    if for_update:
        qs = qs.select_for_update()
    return get_object_or_404(qs, pk=pk)


def access_invitation(user, pk: int) -> Invitation:
    _require_view(user)
    invitation = get_object_or_404(Invitation.objects.select_related("model_worker", "batch", "batch__campaign"), pk=pk)
    scope = permissions.union_scope(user)
    if scope is not None and invitation.model_worker.union_id not in scope:
        raise Http404
    return invitation


def _in_scope(user, worker) -> None:
    scope = permissions.union_scope(user)
    if scope is not None and worker.union_id not in scope:
        raise Http404


def access_plan(user, pk: int):
    _require_view(user)
    return get_object_or_404(VisitPlan, pk=pk)


def access_visit(user, pk: int):
    _require_view(user)
    visit = get_object_or_404(Visit.objects.select_related("model_worker", "recorded_by"), pk=pk)
    _in_scope(user, visit.model_worker)
    return visit


def access_need(user, pk: int):
    _require_view(user)
    need = get_object_or_404(Need.objects.select_related("model_worker", "holder", "visit"), pk=pk)
    _in_scope(user, need.model_worker)
    return need


def access_entry(user, pk: int):
    _require_view(user)
    entry = get_object_or_404(PlanEntry.objects.select_related("model_worker", "plan"), pk=pk)
    _in_scope(user, entry.model_worker)
    return entry


def _event_in_scope(user, event: Event) -> None:
    """A grassroots union sees its own events only; the federation sees all."""
    scope = permissions.union_scope(user)
    if scope is not None and event.organiser_id not in scope:
        raise Http404


def access_event(user, pk: int) -> Event:
    _require_view(user)
    event = get_object_or_404(Event.objects.select_related("organiser"), pk=pk)
    _event_in_scope(user, event)
    return event


def access_event_invitation(user, pk: int) -> EventInvitation:
    _require_view(user)
    invitation = get_object_or_404(
        EventInvitation.objects.select_related("model_worker", "event", "event__organiser"), pk=pk
    )
    _event_in_scope(user, invitation.event)
    _in_scope(user, invitation.model_worker)
    return invitation


def access_event_photo(user, pk: int) -> EventPhoto:
    _require_view(user)
    photo = get_object_or_404(EventPhoto.objects.select_related("event", "event__organiser"), pk=pk)
    _event_in_scope(user, photo.event)
    return photo


# --- Added for the API (careapi): the fetches the pages did inline, now shared ------------------


def access_person(user, pk: int, *, include_archived: bool = False):
    """A person in the archive the user may see (another union's is a 404), as the pages fetch them."""
    _require_view(user)
    return get_object_or_404(visible_model_workers(user, include_archived=include_archived), pk=pk)


def need_holders(person) -> QuerySet[User]:
    """Who may hold a need of ``person``: active federation staff, or staff of the person's union."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(role__in=[Role.FEDERATION_ADMIN, Role.FEDERATION_STAFF])
            | Q(role=Role.UNION_STAFF, organisation_id=person.union_id)
        )
        .order_by("role", "username")
    )
