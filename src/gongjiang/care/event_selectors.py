"""Read side of care events: the events a user may see (a grassroots union its own, the
federation all), their invitations, and the people a user may invite to one."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from gongjiang.accounts import permissions
from gongjiang.archive.enums import Level, Status, Verification
from gongjiang.archive.models import ModelWorker
from gongjiang.archive.selectors import search_plan, visible_model_workers
from gongjiang.care.enums import InvitationState
from gongjiang.care.models import Event, EventInvitation, EventPhoto
from gongjiang.care.services.events import for_everyone

PICKER_SHOWN = 30


def events(user, *, year: int | None = None, kind: str = "") -> QuerySet[Event]:
    qs = Event.objects.select_related("organiser").annotate(
        n_attended=Count("invitations", filter=Q(invitations__state=InvitationState.ATTENDED)),
    )
    if year is not None:
        qs = qs.filter(starts_on__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    scope = permissions.union_scope(user)
    if scope is None:
        return qs
    return qs.filter(organiser_id__in=scope) if scope else qs.none()


def invitations(user, event: Event) -> QuerySet[EventInvitation]:
    qs = EventInvitation.objects.filter(event=event).select_related("model_worker", "model_worker__union")
    scope = permissions.union_scope(user)
    if scope is None:
        return qs
    return qs.filter(model_worker__union_id__in=scope) if scope else qs.none()


def state_counts(event: Event) -> dict[str, int]:
    counts = dict.fromkeys(InvitationState.values, 0)
    counts.update(
        dict(EventInvitation.objects.filter(event=event).values_list("state").annotate(n=Count("id")).order_by())
    )
    return counts


def photos(event: Event) -> QuerySet[EventPhoto]:
    return event.photos.filter(archived_at__isnull=True).order_by("uploaded_at", "id")


def candidates(user, event: Event, q: str = "") -> QuerySet[ModelWorker]:
    """People the user may invite to the event: in the user's scope (and the organising union's,
    for a union's event), verified, living, holding a title, not yet invited; by name."""
    qs = (
        visible_model_workers(user)
        .filter(verification=Verification.CONFIRMED)
        .exclude(status=Status.DECEASED)
        .exclude(highest_level=Level.NONE)
        .exclude(Exists(EventInvitation.objects.filter(event=event, model_worker=OuterRef("pk"))))
    )
    organiser = event.organiser
    if not for_everyone(organiser):
        own = Q(union_id=organiser.pk)
        qs = qs.filter(own | Q(union__path__startswith=organiser.path) if organiser.path else own)
    if (cond := search_plan(q).condition) is not None:
        qs = qs.filter(cond)
    return qs.select_related("union").order_by("name_pinyin", "pk")
