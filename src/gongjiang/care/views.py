"""Care pages: check-up and stay campaigns, their batches, invitations, the rules. Thin: every
change goes through ``care.services``, every read through ``care.selectors`` and ``care.access``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record_read
from gongjiang.accounts.decorators import perm_required, section
from gongjiang.accounts.downloads import audited_download
from gongjiang.archive.selectors import visible_model_workers
from gongjiang.care import exports, selectors, yearly
from gongjiang.care.access import access_batch, access_campaign, access_invitation
from gongjiang.care.enums import OPEN, CampaignKind, EventKind, InvitationState, Occasion
from gongjiang.care.forms import AttendanceForm, BatchForm, CampaignForm, RuleForm
from gongjiang.care.models import EventInvitation, Invitation, Need, Visit, VisitRule
from gongjiang.care.permissions import CarePerm
from gongjiang.care.services import campaigns as campaign_services
from gongjiang.care.services import invitations as invitation_services
from gongjiang.care.services import rules as rule_services
from gongjiang.core import charts
from gongjiang.core.forms import apply_errors, report_problem
from gongjiang.core.pagination import page_from_request, without_paging

SECTION = {CampaignKind.CHECKUP: "care_checkups", CampaignKind.STAY: "care_stays"}
LIST_URL = {CampaignKind.CHECKUP: "care:checkups", CampaignKind.STAY: "care:stays"}
CREATE_URL = {CampaignKind.CHECKUP: "care:checkup_create", CampaignKind.STAY: "care:stay_create"}


def _can(user, perm) -> bool:
    return permissions.has_perm(user, perm)


# --- Campaigns --------------------------------------------------------------------------------


def _campaign_list(request, kind: str):
    request.nav_section = SECTION[kind]
    page = page_from_request(request, selectors.campaigns(kind), ["-year", "-id"], size=None)
    return render(
        request,
        "care/campaigns.html",
        {
            "kind": kind,
            "kind_label": CampaignKind(kind).label,
            "page": page,
            "base_query": without_paging(request).urlencode(),
            "create_url": CREATE_URL[kind],
            "may_manage": _can(request.user, CarePerm.MANAGE_CARE),
        },
    )


@perm_required(CarePerm.VIEW_CARE)
def checkups(request):
    return _campaign_list(request, CampaignKind.CHECKUP)


@perm_required(CarePerm.VIEW_CARE)
def stays(request):
    return _campaign_list(request, CampaignKind.STAY)


def _campaign_create(request, kind: str):
    request.nav_section = SECTION[kind]
    form = CampaignForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_services.create_campaign(actor=request.user, kind=kind, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The campaign has been created: add its batches."))
            return redirect(campaign)
    return render(
        request,
        "care/form.html",
        {
            "form": form,
            "heading": _("New %(kind)s campaign") % {"kind": CampaignKind(kind).label},
            "back": reverse(LIST_URL[kind]),
            "crumb": (reverse(LIST_URL[kind]), CampaignKind(kind).label),
        },
    )


@perm_required(CarePerm.MANAGE_CARE)
def checkup_create(request):
    return _campaign_create(request, CampaignKind.CHECKUP)


@perm_required(CarePerm.MANAGE_CARE)
def stay_create(request):
    return _campaign_create(request, CampaignKind.STAY)


@perm_required(CarePerm.VIEW_CARE)
def campaign_detail(request, pk: int):
    campaign = access_campaign(request.user, pk)
    request.nav_section = SECTION[campaign.kind]
    batches = list(selectors.batches_of(campaign))
    may_record = _can(request.user, CarePerm.RECORD_CARE)
    rule, suggested = selectors.suggestions(request.user, campaign) if may_record and batches else (None, [])
    qs = selectors.invitations(request.user, campaign=campaign)
    state = request.GET.get("state", "")
    if state in InvitationState.values:
        qs = qs.filter(state=state)
    page = page_from_request(request, qs, ["-created_at", "-id"], size=None)
    shown = len(page.items) + len(suggested)
    if shown:
        record_read(actor=request.user, object_type="care.invitation", rows=shown, query=request.GET, obj=campaign)
    return render(
        request,
        "care/campaign.html",
        {
            "campaign": campaign,
            "kind_label": campaign.get_kind_display(),
            "list_url": LIST_URL[campaign.kind],
            "batches": batches,
            "open_batches": [b for b in batches if b.free > 0],
            "counts": selectors.state_counts(campaign=campaign),
            "states": InvitationState.choices,
            "state": state,
            "rule": rule,
            "suggested": suggested,
            "page": page,
            "base_query": without_paging(request).urlencode(),
            "may_manage": _can(request.user, CarePerm.MANAGE_CARE),
            "may_record": may_record,
        },
    )


# --- Batches ----------------------------------------------------------------------------------


def _batch_form(request, campaign, batch=None):
    request.nav_section = SECTION[campaign.kind]
    form = BatchForm(request.POST or None, instance=batch, kind=campaign.kind)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data.get(k) for k in BatchForm.Meta.fields}
        try:
            if batch is None:
                batch = campaign_services.add_batch(actor=request.user, campaign=campaign, data=data)
            else:
                batch = campaign_services.change_batch(actor=request.user, batch=batch, data=data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The batch has been saved."))
            return redirect(batch)
    return render(
        request,
        "care/form.html",
        {
            "form": form,
            "heading": batch or _("New batch of %(campaign)s") % {"campaign": campaign},
            "back": batch.get_absolute_url() if batch else campaign.get_absolute_url(),
            "crumb": (campaign.get_absolute_url(), campaign.title),
        },
    )


@perm_required(CarePerm.MANAGE_CARE)
def batch_create(request, pk: int):
    return _batch_form(request, access_campaign(request.user, pk))


@perm_required(CarePerm.MANAGE_CARE)
def batch_edit(request, pk: int):
    batch = access_batch(request.user, pk)
    return _batch_form(request, batch.campaign, batch)


@perm_required(CarePerm.VIEW_CARE)
def batch_detail(request, pk: int):
    batch = access_batch(request.user, pk)
    request.nav_section = SECTION[batch.campaign.kind]
    qs = selectors.invitations(request.user, batch=batch).exclude(state=InvitationState.WAITING)
    page = page_from_request(request, qs, ["-created_at", "-id"], size=None)
    waiting = list(
        selectors.invitations(request.user, batch=batch)
        .filter(state=InvitationState.WAITING)
        .order_by("waiting_since", "id")
    )
    if page.items or waiting:
        record_read(
            actor=request.user,
            object_type="care.invitation",
            rows=len(page.items) + len(waiting),
            query=request.GET,
            obj=batch,
        )
    return render(
        request,
        "care/batch.html",
        {
            "batch": batch,
            "campaign": batch.campaign,
            "is_stay": batch.campaign.kind == CampaignKind.STAY,
            "programme": [line.strip() for line in batch.programme.splitlines() if line.strip()],
            "counts": selectors.state_counts(batch=batch),
            "page": page,
            "waiting": waiting,
            "base_query": without_paging(request).urlencode(),
            "started": invitation_services.is_past(batch),
            "open_states": list(OPEN),
            "may_manage": _can(request.user, CarePerm.MANAGE_CARE),
            "may_record": _can(request.user, CarePerm.RECORD_CARE),
            "attendance_form": AttendanceForm(),
        },
    )


# --- Invitations (POST only) ------------------------------------------------------------------


@require_POST
@perm_required(CarePerm.RECORD_CARE)
def invite(request, pk: int):
    batch = access_batch(request.user, pk)
    person_id = request.POST.get("person", "")
    person = get_object_or_404(visible_model_workers(request.user), pk=int(person_id) if person_id.isdigit() else 0)
    waiting = request.POST.get("waiting") == "1"
    try:
        invitation_services.invite(
            actor=request.user,
            batch=batch,
            model_worker=person,
            reason=request.POST.get("reason", ""),
            waiting=waiting,
        )
    except (ValidationError, PermissionDenied) as e:
        report_problem(request, e)
    else:
        if waiting:
            messages.success(
                request, _("%(name)s is on the waiting list of %(batch)s.") % {"name": person.name, "batch": batch.name}
            )
        else:
            messages.success(
                request, _("%(name)s has been invited to %(batch)s.") % {"name": person.name, "batch": batch.name}
            )
    return redirect(
        request.POST.get("next") if request.POST.get("next") == batch.get_absolute_url() else batch.campaign
    )


@require_POST
@perm_required(CarePerm.RECORD_CARE)
def answer(request, pk: int):
    invitation = access_invitation(request.user, pk)
    try:
        promoted = invitation_services.answer(
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
    return redirect(invitation.batch)


@require_POST
@perm_required(CarePerm.RECORD_CARE)
def attendance(request, pk: int):
    invitation = access_invitation(request.user, pk)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        report_problem(request, ValidationError(_("Say whether the person attended.")))
        return redirect(invitation.batch)
    try:
        invitation_services.record_attendance(
            actor=request.user,
            invitation=invitation,
            attended=form.cleaned_data["attended"] == "yes",
            follow_up=form.cleaned_data["follow_up"],
            note=form.cleaned_data["note"],
        )
    except (ValidationError, PermissionDenied) as e:
        report_problem(request, e)
    else:
        messages.success(request, _("Attendance has been recorded."))
    return redirect(invitation.batch)


# --- Rules --------------------------------------------------------------------------------------


@perm_required(CarePerm.VIEW_CARE)
@section("care_rules")
def rules(request):
    return render(
        request,
        "care/rules.html",
        {
            "groups": [(label, list(selectors.rules(kind))) for kind, label in CampaignKind.choices],
            "visit_rules": list(VisitRule.objects.order_by("-effective_from", "-id")),
            "may_manage": _can(request.user, CarePerm.MANAGE_CARE),
        },
    )


@perm_required(CarePerm.MANAGE_CARE)
@section("care_rules")
def rule_create(request):
    form = RuleForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rule_services.add_rule(
                actor=request.user,
                kind=d["kind"],
                effective_from=d["effective_from"],
                working_every=d["working_every"],
                retired_every=d["retired_every"],
                priority=form.priority(),
                note=d["note"],
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The rule has been saved."))
            return redirect("care:rules")
    return render(
        request,
        "care/form.html",
        {
            "form": form,
            "heading": _("New eligibility and priority rule"),
            "back": reverse("care:rules"),
            "crumb": (reverse("care:rules"), _("Eligibility and priority")),
        },
    )


# --- The year, and a person's care history ------------------------------------------------------


def _year_of(request) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else timezone.localdate().year
    return year if 1979 <= year <= timezone.localdate().year + 1 else timezone.localdate().year


@perm_required(CarePerm.VIEW_CARE)
@section("care_year")
def year_page(request):
    year = _year_of(request)
    data = yearly.care_year(year, unions=permissions.union_scope(request.user))
    return render(
        request,
        "care/year.html",
        {
            "year": year,
            "data": data,
            "sentences": yearly.sentences(data),
            "occasions": [(label, data.visits_by_occasion.get(value, 0)) for value, label in Occasion.choices],
            "event_kinds": [(label, data.events_by_kind[value]) for value, label in EventKind.choices],
            "years": list(range(timezone.localdate().year, 2013, -1)),
        },
    )


@perm_required(CarePerm.VIEW_CARE)
def year_chart(request):
    data = yearly.care_year(_year_of(request), unions=permissions.union_scope(request.user))
    categories = [_("Check-ups"), _("Stays"), _("Visits"), _("Needs"), _("Care events")]
    fig = charts.stacked_bars(
        [str(c) for c in categories],
        [
            (
                _("Attended or made"),
                [data.checkups.attended, data.stays.attended, data.visits, data.needs_resolved, data.events_attended],
            ),
            (
                _("Invited, not attended / open"),
                [
                    max(data.checkups.invited - data.checkups.attended, 0),
                    max(data.stays.invited - data.stays.attended, 0),
                    0,
                    max(data.needs_opened - data.needs_resolved, 0),
                    max(data.events_invited - data.events_attended, 0),
                ],
            ),
        ],
        ylabel=_("People or needs"),
        width=8.0,
    )
    response = HttpResponse(charts.to_svg(fig), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    return response


@perm_required(CarePerm.VIEW_CARE)
def year_export(request):
    year = _year_of(request)
    data = yearly.care_year(year, unions=permissions.union_scope(request.user))
    return audited_download(
        lambda path: exports.write_year(path, data),
        f"关爱服务-{year}.xlsx",
        actor=request.user,
        object_type="care.campaign",
        object_repr=_("Care in %(year)s") % {"year": year},
        detail={"file": "care_year", "year": year},
    )


@perm_required(CarePerm.VIEW_CARE)
def person(request, pk: int):
    """A person's care history (a section of the profile, loaded with htmx)."""
    worker = get_object_or_404(visible_model_workers(request.user, include_archived=True), pk=pk)
    if not permissions.may_see_private(request.user, worker):
        raise PermissionDenied
    invites = list(
        Invitation.objects.filter(model_worker=worker)
        .select_related("batch", "campaign")
        .order_by("-campaign__year", "-id")[:20]
    )
    visits = list(Visit.objects.filter(model_worker=worker).order_by("-visited_on", "-id")[:20])
    needs = list(Need.objects.filter(model_worker=worker).order_by("state", "-raised_on", "-id")[:20])
    events = list(
        EventInvitation.objects.filter(model_worker=worker)
        .select_related("event")
        .order_by("-event__starts_on", "-id")[:20]
    )
    scope = permissions.union_scope(request.user)
    for i in events:  # another union's event is listed, not linked (its page is that union's)
        i.linked = scope is None or i.event.organiser_id in scope
    if invites or visits or needs or events:
        record_read(
            actor=request.user,
            object_type="archive.modelworker",
            rows=len(invites) + len(visits) + len(needs) + len(events),
            obj=worker,
            section="care",
        )
    return render(
        request,
        "care/partials/person.html",
        {
            "w": worker,
            "invites": invites,
            "visits": visits,
            "needs": needs,
            "events": events,
            "may_record": permissions.has_perm(request.user, CarePerm.RECORD_CARE) and worker.archived_at is None,
        },
    )
