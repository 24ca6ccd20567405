"""Care event pages: the list, create and edit, the detail (invitations, the picker, answers,
attendance, minutes, photos). Thin: changes through ``care.services.events``, reads through
``care.event_selectors`` and ``care.access``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record, record_read
from gongjiang.accounts.decorators import perm_required, section
from gongjiang.accounts.enums import AuditAction
from gongjiang.archive.selectors import visible_model_workers
from gongjiang.care import event_selectors as selectors
from gongjiang.care.access import access_event, access_event_invitation, access_event_photo
from gongjiang.care.enums import OPEN, EventKind, InvitationState
from gongjiang.care.event_forms import EventForm, MinutesForm, PhotoForm
from gongjiang.care.permissions import CarePerm
from gongjiang.care.services import events as services
from gongjiang.core.forms import apply_errors, report_problem
from gongjiang.core.pagination import page_from_request, without_paging


def _years() -> list[int]:
    return list(range(timezone.localdate().year + 1, 2013, -1))


@perm_required(CarePerm.VIEW_CARE)
@section("care_events")
def event_list(request):
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 1979 <= int(raw) <= 2100 else None
    kind = request.GET.get("kind", "")
    kind = kind if kind in EventKind.values else ""
    qs = selectors.events(request.user, year=year, kind=kind)
    page = page_from_request(request, qs, ["-starts_on", "-id"], size=None)
    return render(
        request,
        "care/events.html",
        {
            "page": page,
            "base_query": without_paging(request).urlencode(),
            "year": year,
            "kind": kind,
            "years": _years(),
            "kinds": EventKind.choices,
            "may_create": permissions.has_perm(request.user, CarePerm.RECORD_CARE),
        },
    )


def _form_page(request, event=None):
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data.get(k) for k in EventForm.Meta.fields}
        try:
            if event is None:
                event = services.create_event(actor=request.user, organiser=request.user.organisation, data=data)
            else:
                event = services.change_event(actor=request.user, event=event, data=data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The event has been saved."))
            return redirect(event)
    return render(
        request,
        "care/form.html",
        {
            "form": form,
            "heading": event or _("New event"),
            "back": event.get_absolute_url() if event else reverse("care:events"),
            "crumb": (reverse("care:events"), _("Care events")),
        },
    )


@perm_required(CarePerm.RECORD_CARE)
@section("care_events")
def event_create(request):
    if not services.may_organise(request.user, request.user.organisation):
        raise PermissionDenied
    return _form_page(request)


@perm_required(CarePerm.RECORD_CARE)
@section("care_events")
def event_edit(request, pk: int):
    event = access_event(request.user, pk)
    if not services.may_organise(request.user, event.organiser):
        raise PermissionDenied
    return _form_page(request, event)


@perm_required(CarePerm.VIEW_CARE)
@section("care_events")
def event_detail(request, pk: int):
    event = access_event(request.user, pk)
    may_record = services.may_organise(request.user, event.organiser)
    qs = selectors.invitations(request.user, event)
    state = request.GET.get("state", "")
    if state in InvitationState.values:
        qs = qs.filter(state=state)
    page = page_from_request(request, qs.exclude(state=InvitationState.WAITING), ["-created_at", "-id"], size=None)
    waiting = list(
        selectors.invitations(request.user, event).filter(state=InvitationState.WAITING).order_by("waiting_since", "id")
    )
    q = request.GET.get("q", "")
    found = list(selectors.candidates(request.user, event, q)[: selectors.PICKER_SHOWN]) if may_record else []
    shown = len(page.items) + len(waiting) + len(found)
    if shown:
        record_read(actor=request.user, object_type="care.eventinvitation", rows=shown, query=request.GET, obj=event)
    return render(
        request,
        "care/event.html",
        {
            "event": event,
            "counts": selectors.state_counts(event),
            "states": InvitationState.choices,
            "state": state,
            "page": page,
            "waiting": waiting,
            "found": found,
            "q": q,
            "photos": list(selectors.photos(event)),
            "base_query": without_paging(request).urlencode(),
            "started": event.starts_on <= timezone.localdate(),
            "open_states": list(OPEN),
            "may_record": may_record,
            "minutes_form": MinutesForm(initial={"minutes": event.minutes}),
            "photo_form": PhotoForm(),
        },
    )


# --- Changes (POST only) --------------------------------------------------------------------------


@require_POST
@perm_required(CarePerm.RECORD_CARE)
def event_invite(request, pk: int):
    event = access_event(request.user, pk)
    ids = [int(i) for i in request.POST.getlist("person") if i.isdigit()]
    people = {p.pk: p for p in visible_model_workers(request.user).select_related("union").filter(pk__in=ids)}
    waiting = request.POST.get("waiting") == "1"
    done = []
    for pid in ids:
        if pid not in people:
            continue
        try:
            services.invite(actor=request.user, event=event, model_worker=people[pid], waiting=waiting)
        except (ValidationError, PermissionDenied) as e:
            report_problem(request, e)
        else:
            done.append(people[pid].name)
    if done:
        names = "、".join(done)
        if waiting:
            messages.success(request, _("On the waiting list: %(names)s.") % {"names": names})
        else:
            messages.success(request, _("Invited: %(names)s.") % {"names": names})
    return redirect(event)


@require_POST
@perm_required(CarePerm.RECORD_CARE)
def event_answer(request, pk: int):
    invitation = access_event_invitation(request.user, pk)
    try:
        promoted = services.answer(
            actor=request.user, invitation=invitation, accepted=request.POST.get("answer") == "accept"
        )
    except (ValidationError, PermissionDenied) as e:
        report_problem(request, e)
    else:
        messages.success(request, _("The answer has been recorded."))
        for p in promoted:
            messages.info(
                request, _("The place goes to %(name)s from the waiting list.") % {"name": p.model_worker.name}
            )
    return redirect(invitation.event)


@require_POST
@perm_required(CarePerm.RECORD_CARE)
def event_attendance(request, pk: int):
    invitation = access_event_invitation(request.user, pk)
    attended = request.POST.get("attended", "")
    if attended not in ("yes", "no"):
        report_problem(request, ValidationError(_("Say whether the person attended.")))
        return redirect(invitation.event)
    try:
        services.record_attendance(actor=request.user, invitation=invitation, attended=attended == "yes")
    except (ValidationError, PermissionDenied) as e:
        report_problem(request, e)
    else:
        messages.success(request, _("Attendance has been recorded."))
    return redirect(invitation.event)


@require_POST
@perm_required(CarePerm.RECORD_CARE)
def event_minutes(request, pk: int):
    event = access_event(request.user, pk)
    try:
        services.record_minutes(actor=request.user, event=event, minutes=request.POST.get("minutes", ""))
    except (ValidationError, PermissionDenied) as e:
        report_problem(request, e)
    else:
        messages.success(request, _("The minutes have been recorded."))
    return redirect(event)


@require_POST
@perm_required(CarePerm.RECORD_CARE)
def event_photo_upload(request, pk: int):
    event = access_event(request.user, pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the photo."))
    else:
        try:
            services.add_photo(
                actor=request.user, event=event, upload=form.cleaned_data["file"], caption=form.cleaned_data["caption"]
            )
        except (ValidationError, PermissionDenied) as e:
            report_problem(request, e)
        else:
            messages.success(request, _("The photo has been added."))
    return redirect(f"{event.get_absolute_url()}#photos")


@perm_required(CarePerm.VIEW_CARE)
def event_photo(request, pk: int):
    """A photo, to those who may see the event; each download on record."""
    photo = access_event_photo(request.user, pk)
    if photo.archived_at is not None and not services.may_organise(request.user, photo.event.organiser):
        raise Http404
    png = photo.original_name.lower().endswith(".png")
    response = FileResponse(photo.file.open("rb"), content_type="image/png" if png else "image/jpeg")
    response["Cache-Control"] = "private, no-store"
    record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=photo,
        object_repr=f"{photo.event} · {photo.original_name}",
        organisation_id=photo.event.organiser_id,
        detail={"file": "care_event_photo"},
    )
    return response


@require_POST
@perm_required(CarePerm.RECORD_CARE)
def event_photo_archive(request, pk: int):
    photo = access_event_photo(request.user, pk)
    try:
        services.archive_photo(actor=request.user, photo=photo)
    except PermissionDenied as e:
        report_problem(request, e)
    else:
        messages.success(request, _("The photo has been archived; it stays on record."))
    return redirect(f"{photo.event.get_absolute_url()}#photos")
