"""Units: the overview, the list, application to plaque, and what a unit keeps (the six haves
and evidence, members, inspections, meetings, achievements, mentoring, expenses)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from gongjiang.accounts import permissions
from gongjiang.accounts.decorators import perm_required, section
from gongjiang.accounts.permissions import Perm
from gongjiang.archive.selectors import search_condition, visible_model_workers
from gongjiang.core import charts
from gongjiang.core.errors import DomainError
from gongjiang.core.forms import apply_errors, report_problem
from gongjiang.core.pagination import page_from_request, without_paging
from gongjiang.core.redirects import back_to
from gongjiang.platform import access, evaluation, funding, plaques, selectors, services
from gongjiang.platform.enums import Have, InspectionState, Tier
from gongjiang.platform.forms import (
    AchievementForm,
    AwardForm,
    EndMemberForm,
    EvidenceForm,
    ExpenseForm,
    FollowUpForm,
    HaveForm,
    InspectionForm,
    MeetingForm,
    MemberForm,
    MentorshipForm,
    OutcomeForm,
    OverviewForm,
    ReReviewForm,
    ReviewForm,
    UnitFilterForm,
    UnitForm,
    VoidForm,
    picker_label,
)
from gongjiang.platform.models import (
    Achievement,
    Mentorship,
    PlatformPolicy,
    UnitMember,
)


def _form_page(request, form, *, heading, unit=None, back=None, multipart=False, explain=""):
    return render(
        request,
        "platform/form.html",
        {
            "form": form,
            "heading": heading,
            "unit": unit,
            "back": back or (unit.get_absolute_url() if unit else ""),
            "multipart": multipart,
            "explain": explain,
        },
    )


# --- Overview and list -----------------------------------------------------------------------


@perm_required(Perm.VIEW_PLATFORM)
@section("platform")
def overview(request):
    today = timezone.localdate()
    form = OverviewForm(request.GET or None)
    data = selectors.overview(today, **form.choice(today))
    years = data["years"]
    return render(
        request,
        "platform/overview.html",
        {
            **data,
            "form": form,
            "today": today,
            "tiers": [(t, Tier(t).label) for t in (Tier.STUDIO, Tier.STAR_POST, Tier.STANDARD_BEARER)],
            "year_rows": sorted(years.items(), reverse=True),
        },
    )


@perm_required(Perm.VIEW_PLATFORM)
@xframe_options_sameorigin
def chart(request):
    today = timezone.localdate()
    last = OverviewForm(request.GET or None).choice(today).get("year") or today.year
    first = selectors.first_year()
    years = selectors.units_by_year(first, last) if first else {}
    labels = [str(y) for y in years]
    fig = charts.stacked_bars(
        labels,
        [
            (str(Tier(t).label), [years[y][t] for y in years])
            for t in (Tier.STUDIO, Tier.STAR_POST, Tier.STANDARD_BEARER)
        ],
        ylabel=_("Units holding a plaque at the end of the year"),
    )
    response = HttpResponse(charts.to_svg(fig), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    return response


@perm_required(Perm.VIEW_PLATFORM)
@section("platform_units")
def unit_list(request):
    form = UnitFilterForm(request.GET or None)
    qs = selectors.visible_units(request.user).select_related("leader", "union")
    f = form.cleaned_data if form.is_valid() else {}
    qs = selectors.filter_units(qs, status=f.get("status") or "", tier=f.get("tier") or "", q=f.get("q") or "")
    page = page_from_request(request, qs, ["-id"])
    params = without_paging(request)
    return render(request, "platform/units.html", {"form": form, "page": page, "base_query": params.urlencode()})


@perm_required(Perm.VIEW_PLATFORM)
def pick_person(request):
    """Options for a person picker: the model workers the user may see whose name, pinyin or
    ID ending matches (at most 20)."""
    q = request.GET.get("q", "").strip()
    people = []
    condition = search_condition(q) if q else None
    if condition is not None:
        people = list(visible_model_workers(request.user).filter(condition).order_by("name", "id")[:20])
    return render(
        request,
        "platform/partials/options.html",
        {"options": [(p.pk, picker_label(p)) for p in people], "searched": bool(q)},
    )


@perm_required(Perm.VIEW_PLATFORM)
def pick_employer(request):
    q = request.GET.get("q", "").strip()
    employers = []
    if q:
        employers = list(selectors.visible_employers(request.user).filter(name__contains=q)[:20])
    return render(
        request, "platform/partials/options.html", {"options": [(e.pk, e.name) for e in employers], "searched": bool(q)}
    )


# --- Application, review, plaque --------------------------------------------------------------


@perm_required(Perm.APPLY_UNITS)
@section("platform_units")
def unit_create(request):
    form = UnitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.apply_unit(actor=request.user, data=form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The application has been recorded; the federation will review it."))
            return redirect(unit)
    return render(request, "platform/unit_form.html", {"form": form, "heading": _("Apply for a unit")})


@perm_required(Perm.VIEW_PLATFORM)
@section("platform_units")
def unit_edit(request, pk: int):
    unit = access.access_unit(request.user, pk)
    if not services.may_edit_unit(request.user, unit):
        raise PermissionDenied(_("You may not change this unit."))
    initial = {k: getattr(unit, k) for k in services.UNIT_FIELDS}
    form = UnitForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(
                actor=request.user,
                unit=unit,
                data=form.cleaned_data,
                version=int(request.POST.get("version", 0)) or None,
            )
        except (ValidationError, DomainError) as e:
            apply_errors(form, e) if isinstance(e, ValidationError) else form.add_error(None, e.message)
        except PermissionDenied:
            raise
        else:
            messages.success(request, _("Saved."))
            return redirect(unit)
    return render(request, "platform/unit_form.html", {"form": form, "heading": unit.name, "unit": unit})


@perm_required(Perm.VIEW_PLATFORM)
@section("platform_units")
def unit_detail(request, pk: int):
    unit = access.access_unit(request.user, pk)
    user = request.user
    overview = selectors.unit_overview(unit)
    achievements = unit.achievements.filter(voided_at__isnull=True)
    manage = permissions.has_perm(user, Perm.MANAGE_PLATFORM)
    see_scores = (
        manage or permissions.has_perm(user, Perm.SCORE_UNITS) or permissions.has_perm(user, Perm.VIEW_ALL_RECORDS)
    )
    return render(
        request,
        "platform/unit.html",
        {
            "unit": unit,
            "may_keep": services.may_keep_unit(user, unit),
            "may_edit": services.may_edit_unit(user, unit),
            "manage": manage,
            "see_scores": see_scores,
            "have_rows": overview.have_rows,
            "haves_met": overview.haves_met,
            "haves_missing": [row.label for row in overview.have_rows if not row.met],
            "members": overview.members,
            "events": overview.events,
            "evaluations": overview.evaluations,
            "cases": overview.pending_cases,
            "inspections": unit.inspections.annotate(n=Count("follow_ups")).order_by("-inspected_on")[:10],
            "meetings": unit.meetings.order_by("-held_on")[:5],
            "meeting_count": unit.meetings.count(),
            "achievement_counts": overview.achievement_counts,
            "recent_achievements": achievements.select_related("person").order_by("-year", "-id")[:10],
            "mentorships": unit.mentorships.order_by("-agreed_on")[:10],
            "funds": funding.funds_of(unit),
            "expenses": unit.expenses.order_by("-spent_on", "-id")[:10],
            "disbursements": unit.disbursements.order_by("-paid_on", "-id")[:10],
            "review_form": ReviewForm(),
            "award_form": AwardForm(),
            "re_review_form": ReReviewForm(),
            "policy": PlatformPolicy.current(),
            "spans": overview.spans,
            "today": timezone.localdate(),
        },
    )


@require_POST
@perm_required(Perm.MANAGE_PLATFORM)
def unit_review(request, pk: int):
    unit = access.access_unit(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or do not approve."))
        return redirect(unit)
    try:
        services.review_unit(
            actor=request.user,
            unit=unit,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
    except (ValidationError, DomainError) as e:
        report_problem(request, e)
    else:
        messages.success(request, _("The review has been recorded."))
    return redirect(unit)


@require_POST
@perm_required(Perm.MANAGE_PLATFORM)
def unit_award(request, pk: int):
    unit = access.access_unit(request.user, pk)
    form = AwardForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date of the award."))
        return redirect(unit)
    try:
        unit = services.award_plaque(
            actor=request.user,
            unit=unit,
            on=form.cleaned_data["on"],
            stars=form.cleaned_data.get("stars"),
            override_reason=form.cleaned_data.get("override_reason", ""),
        )
    except (ValidationError, DomainError) as e:
        report_problem(request, e)
    else:
        messages.success(request, _("The plaque %(n)s has been awarded.") % {"n": unit.plaque_number})
    return redirect(unit)


@perm_required(Perm.VIEW_PLATFORM)
def unit_plaque(request, pk: int):
    """The certificate and the plaque, in the one unified style, as PDF."""
    return plaques.pdf_response(access.access_unit(request.user, pk))


@require_POST
@perm_required(Perm.MANAGE_PLATFORM)
def unit_re_review(request, pk: int):
    unit = access.access_unit(request.user, pk)
    form = ReReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the result."))
        return redirect(unit)
    try:
        evaluation.re_review(
            actor=request.user, unit=unit, passed=form.cleaned_data["passed"] == "yes", note=form.cleaned_data["note"]
        )
    except (ValidationError, DomainError) as e:
        report_problem(request, e)
    else:
        messages.success(request, _("The re-review has been recorded."))
    return redirect(unit)


# --- The six haves and evidence ----------------------------------------------------------------


@perm_required(Perm.VIEW_PLATFORM)
def unit_have(request, pk: int, have: str):
    unit = access.access_unit(request.user, pk, keep=True)
    if have not in Have.values:
        raise Http404
    item = unit.haves.filter(have=have).first()
    form = HaveForm(request.POST or None, initial={"met": item.met, "note": item.note} if item else None)
    upload = EvidenceForm(prefix="e")
    if request.method == "POST" and form.is_valid():
        services.set_have(actor=request.user, unit=unit, have=have, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect(f"{unit.get_absolute_url()}#haves")
    return render(
        request,
        "platform/have.html",
        {
            "unit": unit,
            "have": have,
            "label": Have(have).label,
            "form": form,
            "upload": upload,
            "evidence": unit.evidence.filter(have=have, withdrawn_at__isnull=True),
        },
    )


@require_POST
@perm_required(Perm.VIEW_PLATFORM)
def evidence_upload(request, pk: int):
    unit = access.access_unit(request.user, pk, keep=True)
    form = EvidenceForm(request.POST, request.FILES, prefix="e")
    have = request.POST.get("have", "")
    achievement = None
    if request.POST.get("achievement"):
        achievement = get_object_or_404(Achievement, pk=request.POST["achievement"], unit=unit)
    if not form.is_valid():
        messages.error(request, _("Choose the file."))
    else:
        try:
            services.add_evidence(
                actor=request.user,
                unit=unit,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                have=have,
                achievement=achievement,
            )
        except ValidationError as e:
            report_problem(request, e)
        else:
            messages.success(request, _("The file has been added."))
    return back_to(request, f"{unit.get_absolute_url()}#haves")


@perm_required(Perm.VIEW_PLATFORM)
def evidence_file(request, pk: int):
    evidence = access.access_evidence(request.user, pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=not evidence.is_image, filename=evidence.original_name)


@require_POST
@perm_required(Perm.VIEW_PLATFORM)
def evidence_withdraw(request, pk: int):
    evidence = access.access_evidence(request.user, pk)
    services.withdraw_evidence(actor=request.user, evidence=evidence)
    messages.success(request, _("The file no longer counts as evidence; it stays on record."))
    return back_to(request, evidence.unit.get_absolute_url())


# --- Members, inspections, meetings ------------------------------------------------------------


@perm_required(Perm.VIEW_PLATFORM)
def member_add(request, pk: int):
    unit = access.access_unit(request.user, pk, keep=True)
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_member(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The member has been added."))
            return redirect(f"{unit.get_absolute_url()}#members")
    return _form_page(request, form, heading=_("Add a member"), unit=unit)


@require_POST
@perm_required(Perm.VIEW_PLATFORM)
def member_end(request, pk: int):
    member = access.access_member(request.user, pk, keep=True)
    unit = member.unit
    form = EndMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date the member left."))
    else:
        try:
            services.end_member(actor=request.user, member=member, left_on=form.cleaned_data["left_on"])
        except (ValidationError, DomainError) as e:
            report_problem(request, e)
        else:
            messages.success(request, _("Saved."))
    return redirect(f"{unit.get_absolute_url()}#members")


@perm_required(Perm.MANAGE_PLATFORM)
def inspection_add(request, pk: int):
    unit = access.access_unit(request.user, pk)
    form = InspectionForm(request.POST or None, initial={"inspected_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.add_inspection(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The inspection has been recorded."))
            return redirect("platform:inspection", inspection.pk)
    return _form_page(request, form, heading=_("Record an inspection"), unit=unit)


@perm_required(Perm.VIEW_PLATFORM)
def inspection_detail(request, pk: int):
    inspection = access.access_inspection(request.user, pk)
    unit = inspection.unit
    form = FollowUpForm(request.POST or None, initial={"on": timezone.localdate()})
    may_keep = services.may_keep_unit(request.user, unit)
    if not permissions.has_perm(request.user, Perm.MANAGE_PLATFORM):
        del form.fields["close"]
    if request.method == "POST":
        if not may_keep:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.follow_up(
                    actor=request.user,
                    inspection=inspection,
                    on=form.cleaned_data["on"],
                    note=form.cleaned_data["note"],
                    close=form.cleaned_data.get("close", False),
                )
            except (ValidationError, DomainError) as e:
                apply_errors(form, e) if isinstance(e, ValidationError) else form.add_error(None, e.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("platform:inspection", inspection.pk)
    return render(
        request,
        "platform/inspection.html",
        {
            "inspection": inspection,
            "unit": unit,
            "form": form,
            "may_keep": may_keep,
            "follow_ups": inspection.follow_ups.select_related("by"),
            "open": inspection.state == InspectionState.OPEN,
        },
    )


@perm_required(Perm.VIEW_PLATFORM)
def meeting_add(request, pk: int):
    unit = access.access_unit(request.user, pk, keep=True)
    form = MeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_meeting(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The meeting has been recorded."))
            return redirect(f"{unit.get_absolute_url()}#meetings")
    return _form_page(request, form, heading=_("Record a meeting"), unit=unit)


@perm_required(Perm.VIEW_PLATFORM)
def meeting_list(request, pk: int):
    unit = access.access_unit(request.user, pk)
    page = page_from_request(request, unit.meetings.all(), ["-held_on", "-id"], size=20)
    return render(
        request,
        "platform/meetings.html",
        {"unit": unit, "page": page, "base_query": "", "may_keep": services.may_keep_unit(request.user, unit)},
    )


# --- Achievements, mentoring, expenses ---------------------------------------------------------


@perm_required(Perm.VIEW_PLATFORM)
def achievement_add(request, pk: int):
    unit = access.access_unit(request.user, pk, keep=True)
    form = AchievementForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "file"}
        try:
            item = services.add_achievement(actor=request.user, data={**data, "unit": unit})
            if form.cleaned_data.get("file"):
                services.add_evidence(actor=request.user, unit=unit, upload=form.cleaned_data["file"], achievement=item)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The achievement has been recorded."))
            return redirect("platform:unit_achievements", unit.pk)
    return _form_page(
        request,
        form,
        heading=_("Record an achievement"),
        unit=unit,
        multipart=True,
        explain=_(
            "A research project needs its role (led or took part) and status; an honour "
            "whether it is collective or individual."
        ),
    )


@perm_required(Perm.VIEW_PLATFORM)
def unit_achievements(request, pk: int):
    unit = access.access_unit(request.user, pk)
    qs = unit.achievements.select_related("person").prefetch_related("evidence")
    kind = request.GET.get("kind", "")
    if kind:
        qs = qs.filter(kind=kind)
    page = page_from_request(request, qs, ["-year", "-id"])
    return render(
        request,
        "platform/unit_achievements.html",
        {
            "unit": unit,
            "page": page,
            "kind": kind,
            "base_query": f"kind={kind}",
            "counts": selectors.achievement_counts(unit.achievements.all()),
            "may_keep": services.may_keep_unit(request.user, unit),
            "void_form": VoidForm(),
        },
    )


@require_POST
@perm_required(Perm.VIEW_PLATFORM)
def achievement_void(request, pk: int):
    item = access.access_achievement(request.user, pk, keep=True)
    unit = item.unit
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
    else:
        services.void_achievement(actor=request.user, achievement=item, reason=form.cleaned_data["reason"])
        messages.success(request, _("Voided: it stays on record and no longer counts."))
    return redirect("platform:unit_achievements", unit.pk)


@perm_required(Perm.VIEW_PLATFORM)
def mentorship_add(request, pk: int):
    unit = access.access_unit(request.user, pk, keep=True)
    form = MentorshipForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_mentorship(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The agreement has been recorded."))
            return redirect("platform:mentorship", item.pk)
    return _form_page(request, form, heading=_("Record a master–apprentice agreement"), unit=unit)


@perm_required(Perm.VIEW_PLATFORM)
def mentorship_detail(request, pk: int):
    item = access.access_mentorship(request.user, pk)
    unit = item.unit
    may_keep = services.may_keep_unit(request.user, unit)
    form = OutcomeForm(
        request.POST or None,
        initial={k: getattr(item, k) for k in ("state", "contest_place", "grade_reached", "outcome_on", "reward")},
    )
    if request.method == "POST":
        if not may_keep:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.record_mentorship_outcome(actor=request.user, mentorship=item, **form.cleaned_data)
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, _("Saved."))
                return redirect("platform:mentorship", item.pk)
    return render(request, "platform/mentorship.html", {"item": item, "unit": unit, "form": form, "may_keep": may_keep})


@perm_required(Perm.VIEW_PLATFORM)
def expense_add(request, pk: int):
    unit = access.access_unit(request.user, pk, keep=True)
    form = ExpenseForm(request.POST or None, request.FILES or None, initial={"spent_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            funding.add_expense(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The expense has been recorded."))
            return redirect(f"{unit.get_absolute_url()}#funds")
    return _form_page(request, form, heading=_("Record an expense"), unit=unit, multipart=True)


@require_POST
@perm_required(Perm.VIEW_PLATFORM)
def expense_void(request, pk: int):
    expense = access.access_expense(request.user, pk, keep=True)
    unit = expense.unit
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
    else:
        funding.void_expense(actor=request.user, expense=expense, reason=form.cleaned_data["reason"])
        messages.success(request, _("Voided: it stays on record and no longer counts."))
    return redirect(f"{unit.get_absolute_url()}#funds")


@perm_required(Perm.VIEW_PLATFORM)
def expense_receipt(request, pk: int):
    expense = access.access_expense(request.user, pk)
    if not expense.receipt:
        raise Http404
    return FileResponse(expense.receipt.open("rb"), filename=expense.receipt_name or "receipt")


@perm_required(Perm.VIEW_PLATFORM)
def meeting_detail(request, pk: int):
    meeting = access.access_meeting(request.user, pk)
    unit = meeting.unit
    return render(request, "platform/meeting.html", {"meeting": meeting, "unit": unit})


@perm_required(Perm.VIEW_PLATFORM)
def person(request, pk: int):
    """A model worker on the platform (a section of the profile, loaded with htmx): the units
    they lead or belong to, their achievements and their apprentices."""
    worker = get_object_or_404(visible_model_workers(request.user, include_archived=True), pk=pk)
    units = selectors.visible_units(request.user)
    memberships = (
        UnitMember.objects.filter(model_worker=worker, unit__in=units)
        .select_related("unit")
        .order_by("left_on", "-joined_on", "id")
    )
    achievements = (
        Achievement.objects.filter(person=worker, voided_at__isnull=True)
        .filter(Q(unit__isnull=True) | Q(unit__in=units))
        .select_related("unit")
    )
    return render(
        request,
        "platform/partials/person.html",
        {
            "w": worker,
            "memberships": memberships,
            "achievements": achievements.order_by("-year", "-id")[:20],
            "counts": selectors.achievement_counts(achievements),
            "apprentices": Mentorship.objects.filter(master=worker, unit__in=units).order_by("-agreed_on")[:10],
        },
    )
