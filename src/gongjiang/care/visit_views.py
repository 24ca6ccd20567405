"""Visit plans, visits and needs: pages over ``care.services.visits`` / ``needs`` and ``care.visit_selectors``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record_read
from gongjiang.accounts.decorators import perm_required, section
from gongjiang.archive.forms import VisitFindingsForm
from gongjiang.archive.models import HardshipFile
from gongjiang.archive.selectors import visible_model_workers
from gongjiang.care import visit_selectors as selectors
from gongjiang.care.access import access_entry, access_need, access_plan, access_visit, need_holders
from gongjiang.care.enums import NeedSource, NeedState
from gongjiang.care.forms import NeedForm, PlanForm, ResolveForm, StepForm, VisitForm, VisitRuleForm
from gongjiang.care.permissions import CarePerm
from gongjiang.care.services import needs as need_services
from gongjiang.care.services import visit_file
from gongjiang.care.services import visits as visit_services
from gongjiang.core.errors import DomainError
from gongjiang.core.forms import apply_errors, report_problem
from gongjiang.core.pagination import page_from_request, without_paging


def _can(user, perm) -> bool:
    return permissions.has_perm(user, perm)


# --- Plans ------------------------------------------------------------------------------------


@perm_required(CarePerm.VIEW_CARE)
@section("care_visits")
def plans(request):
    page = page_from_request(request, selectors.plans(), ["-year", "-id"], size=None)
    recent = list(selectors.visits(request.user).order_by("-visited_on", "-id")[:20])
    if recent:
        record_read(actor=request.user, object_type="care.visit", rows=len(recent), query=request.GET)
    return render(
        request,
        "care/plans.html",
        {
            "page": page,
            "base_query": without_paging(request).urlencode(),
            "recent": recent,
            "may_manage": _can(request.user, CarePerm.MANAGE_CARE),
        },
    )


@perm_required(CarePerm.MANAGE_CARE)
@section("care_visits")
def plan_create(request):
    form = PlanForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            plan = visit_services.create_plan(actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The plan has been created."))
            return redirect(plan)
    return render(
        request,
        "care/form.html",
        {
            "form": form,
            "heading": _("New visit plan"),
            "back": reverse("care:plans"),
            "crumb": (reverse("care:plans"), _("Visits")),
        },
    )


@perm_required(CarePerm.VIEW_CARE)
@section("care_visits")
def plan_detail(request, pk: int):
    plan = access_plan(request.user, pk)
    may_record = _can(request.user, CarePerm.RECORD_CARE)
    rule, suggested = selectors.plan_suggestions(request.user, plan) if may_record else (None, [])
    page = page_from_request(request, selectors.plan_entries(request.user, plan), ["-created_at", "-id"], size=None)
    if page.items or suggested:
        record_read(
            actor=request.user,
            object_type="care.planentry",
            rows=len(page.items) + len(suggested),
            query=request.GET,
            obj=plan,
        )
    return render(
        request,
        "care/plan.html",
        {
            "plan": plan,
            "page": page,
            "base_query": without_paging(request).urlencode(),
            "rule": rule,
            "suggested": suggested,
            "may_record": may_record,
            "may_manage": _can(request.user, CarePerm.MANAGE_CARE),
        },
    )


@require_POST
@perm_required(CarePerm.RECORD_CARE)
def plan_add(request, pk: int):
    plan = access_plan(request.user, pk)
    ids = [int(i) for i in request.POST.getlist("person") if i.isdigit()]
    reasons = request.POST.getlist("reason")
    people = {p.pk: p for p in visible_model_workers(request.user).filter(pk__in=ids)}
    added = 0
    try:
        for i, pid in enumerate(ids):
            if pid in people:
                visit_services.add_to_plan(
                    actor=request.user,
                    plan=plan,
                    model_worker=people[pid],
                    reason=reasons[i] if i < len(reasons) else "",
                    by_federation=request.POST.get("by_federation") == "1",
                )
                added += 1
    except (ValidationError, PermissionDenied) as e:
        report_problem(request, e)
    else:
        messages.success(request, _("%(n)s people have been put on the plan.") % {"n": added})
    return redirect(plan)


# --- Visits -----------------------------------------------------------------------------------


@perm_required(CarePerm.RECORD_CARE)
@section("care_visits")
def visit_create(request, pk: int):
    person = get_object_or_404(visible_model_workers(request.user), pk=pk)
    entry_id = request.GET.get("entry", "")
    entry = access_entry(request.user, int(entry_id)) if entry_id.isdigit() else None
    if entry is not None and entry.model_worker_id != person.pk:
        entry = None
    form = VisitForm(request.POST or None, planned=entry is not None, initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            visit = visit_services.record_visit(
                actor=request.user, model_worker=person, data=form.cleaned_data, entry=entry
            )
        except (ValidationError, PermissionDenied) as e:
            if isinstance(e, PermissionDenied):
                raise
            apply_errors(form, e)
        else:
            messages.success(request, _("The visit has been recorded."))
            return redirect(visit)
    back = entry.plan.get_absolute_url() if entry else reverse("care:plans")
    return render(
        request,
        "care/form.html",
        {
            "form": form,
            "heading": _("Visit to %(name)s") % {"name": person.name} + (f" · {entry.plan.title}" if entry else ""),
            "back": back,
            "crumb": (back, entry.plan.title if entry else _("Visits")),
        },
    )


@perm_required(CarePerm.VIEW_CARE)
@section("care_visits")
def visit_detail(request, pk: int):
    visit = access_visit(request.user, pk)
    record_read(actor=request.user, object_type="care.visit", rows=1, obj=visit)
    return _visit_page(request, visit)


def _may_update_file(user, visit) -> bool:
    person = visit.model_worker
    return _can(user, CarePerm.RECORD_CARE) and permissions.may_edit_worker(user, person) and not person.is_archived


def _visit_page(request, visit, file_form=None, file=None):
    may_update = _may_update_file(request.user, visit)
    if may_update and file_form is None:
        file = HardshipFile.objects.filter(model_worker_id=visit.model_worker_id).first()
        file_form = VisitFindingsForm(initial=visit_file.findings_initial(visit, file))
    return render(
        request,
        "care/visit.html",
        {
            "visit": visit,
            "needs": list(visit.needs.select_related("holder").order_by("id")),
            "condolences": list(visit.condolences.select_related("line__batch", "line__scheme").order_by("id")),
            "may_give": _can(request.user, permissions.Perm.PREPARE_BATCHES),
            "may_record": _can(request.user, CarePerm.RECORD_CARE),
            "file_form": file_form if may_update else None,
            "hardship_file": file,
        },
    )


@require_POST
@perm_required(CarePerm.RECORD_CARE)
@section("care_visits")
def visit_update_file(request, pk: int):
    """The visit's findings written into the person's hardship file, in one submit."""
    visit = access_visit(request.user, pk)
    if not _may_update_file(request.user, visit):
        raise PermissionDenied
    file = HardshipFile.objects.filter(model_worker_id=visit.model_worker_id).first()
    form = VisitFindingsForm(request.POST)
    if form.is_valid():
        try:
            visit_file.update_file_from_visit(actor=request.user, visit=visit, data=form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("The hardship file is updated from this visit."))
            return redirect(visit)
    return _visit_page(request, visit, file_form=form, file=file)


# --- Needs ------------------------------------------------------------------------------------


@perm_required(CarePerm.RECORD_CARE)
@section("care_needs")
def need_create(request, pk: int):
    person = get_object_or_404(visible_model_workers(request.user), pk=pk)
    visit_id = request.GET.get("visit", "")
    visit = access_visit(request.user, int(visit_id)) if visit_id.isdigit() else None
    initial = {"holder": request.user.pk, "source": NeedSource.VISIT if visit else NeedSource.PHONE}
    form = NeedForm(request.POST or None, holders=need_holders(person), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            need = need_services.raise_need(actor=request.user, model_worker=person, visit=visit, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The need has been recorded."))
            return redirect(need)
    back = visit.get_absolute_url() if visit else reverse("care:needs")
    return render(
        request,
        "care/form.html",
        {
            "form": form,
            "heading": _("A need of %(name)s") % {"name": person.name},
            "back": back,
            "crumb": (reverse("care:needs"), _("Needs followed up")),
        },
    )


NEED_FILTERS = {"mine", "overdue", "open", "resolved", "all"}


@perm_required(CarePerm.VIEW_CARE)
@section("care_needs")
def need_list(request):
    show = request.GET.get("show", "")
    show = show if show in NEED_FILTERS else "open"
    today = timezone.localdate()
    qs = selectors.needs(request.user)
    if show == "mine":
        qs = qs.filter(holder_id=request.user.pk, state=NeedState.OPEN)
    elif show == "overdue":
        qs = qs.filter(state=NeedState.OPEN, deadline__lt=today)
    elif show in ("open", "resolved"):
        qs = qs.filter(state=show)
    page = page_from_request(request, qs, ["deadline", "id"], size=None)
    if page.items:
        record_read(actor=request.user, object_type="care.need", rows=len(page.items), query=request.GET)
    return render(
        request,
        "care/needs.html",
        {
            "page": page,
            "base_query": without_paging(request).urlencode(),
            "show": show,
            "today": today,
            "my_overdue": selectors.overdue_needs(request.user, today).count(),
        },
    )


@perm_required(CarePerm.VIEW_CARE)
@section("care_needs")
def need_detail(request, pk: int):
    need = access_need(request.user, pk)
    record_read(actor=request.user, object_type="care.need", rows=1, obj=need)
    may_record = _can(request.user, CarePerm.RECORD_CARE)
    return render(
        request,
        "care/need.html",
        {
            "need": need,
            "steps": list(need.steps.select_related("by")),
            "overdue": need.state == NeedState.OPEN and need.deadline < timezone.localdate(),
            "may_record": may_record and need.state == NeedState.OPEN,
            "step_form": StepForm(initial={"on": timezone.localdate()}),
            "resolve_form": ResolveForm(),
        },
    )


@require_POST
@perm_required(CarePerm.RECORD_CARE)
def need_step(request, pk: int):
    need = access_need(request.user, pk)
    form = StepForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the date and what was done."))
        need_services.add_step(actor=request.user, need=need, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as e:
        report_problem(request, e)
    else:
        messages.success(request, _("The step has been recorded."))
    return redirect(need)


@require_POST
@perm_required(CarePerm.RECORD_CARE)
def need_resolve(request, pk: int):
    need = access_need(request.user, pk)
    form = ResolveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say how the need was resolved and how satisfied the person is."))
        need_services.resolve(actor=request.user, need=need, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as e:
        report_problem(request, e)
    else:
        messages.success(request, _("The need has been resolved."))
    return redirect(need)


@perm_required(CarePerm.MANAGE_CARE)
@section("care_rules")
def visit_rule_create(request):
    form = VisitRuleForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            visit_services.add_visit_rule(actor=request.user, **form.cleaned_data)
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
            "heading": _("New visit rule"),
            "back": reverse("care:rules"),
            "crumb": (reverse("care:rules"), _("Eligibility and priority")),
        },
    )
