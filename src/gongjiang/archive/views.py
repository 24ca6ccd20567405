from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record_read
from gongjiang.accounts.audit_display import decorate
from gongjiang.accounts.decorators import perm_required, section
from gongjiang.accounts.permissions import Perm
from gongjiang.archive import exports, selectors, services
from gongjiang.archive.enums import ReviewOutcome
from gongjiang.archive.forms import (
    CloseHardshipForm,
    FamilyMemberForm,
    HardshipForm,
    HonourForm,
    ListFilterForm,
    ModelWorkerForm,
    PhotoForm,
    ReasonForm,
    ReviewForm,
    ReviewYearForm,
    RevokeForm,
    SpellForm,
)
from gongjiang.archive.models import FamilyMember, HardshipFile, HardshipSpell, Honour, ModelWorker
from gongjiang.archive.tasks import export_list
from gongjiang.core.errors import DomainError
from gongjiang.core.forms import apply_errors
from gongjiang.core.models import Job
from gongjiang.core.pagination import page_from_request, without_paging


def _worker(request, pk: int) -> ModelWorker:
    """A record the user may see, or 404: another union's record is not reachable by URL."""
    return get_object_or_404(selectors.visible_model_workers(request.user, include_archived=True), pk=pk)


def _editable(request, pk: int) -> ModelWorker:
    worker = _worker(request, pk)
    if not permissions.may_edit_worker(request.user, worker):
        raise PermissionDenied
    return worker


@login_required
@section("archive")
def worker_list(request):
    if permissions.is_self_scoped(request.user):
        return redirect("home")
    form = ListFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    qs = selectors.list_queryset(request.user, filters)
    page = page_from_request(request, qs, selectors.ordering_for(filters), size=None)
    params = without_paging(request)
    record_read(actor=request.user, object_type="archive.modelworker", rows=len(page.items), query=request.GET)
    return render(
        request,
        "archive/list.html",
        {
            "form": form,
            "page": page,
            "base_query": params.urlencode(),
            "filters": filters,
            "export_params": [(k, v) for k, values in params.lists() for v in values],
            "export_columns": [(c.key, c.header) for c in exports.COLUMNS],
            "can_export_unmasked": permissions.has_perm(request.user, Perm.EXPORT_UNMASKED),
            "inline_limit": settings.GONGJIANG["EXPORT_INLINE_LIMIT"],
        },
    )


@require_POST
@perm_required(Perm.EXPORT)
def worker_export(request):
    """Export the list as filtered: small lists at once, large ones in the background."""
    form = ListFilterForm(request.POST, user=request.user)
    filters = form.filters()
    unmasked = request.POST.get("unmasked") == "1"
    columns = [c for c in request.POST.getlist("columns") if c in exports.COLUMN_KEYS] or None
    if unmasked and not permissions.has_perm(request.user, Perm.EXPORT_UNMASKED):
        raise PermissionDenied
    result = export_list(
        actor=request.user,
        filters=filters,
        description=form.describe(),
        unmasked=unmasked,
        columns=columns,
        ip=request.META.get("REMOTE_ADDR"),
    )
    return redirect(result) if isinstance(result, Job) else result


@login_required
@section("archive")
def worker_detail(request, pk: int):
    worker = get_object_or_404(selectors.profile_page_queryset(request.user), pk=pk)
    user = request.user
    private = permissions.may_see_private(user, worker)
    record_read(actor=user, object_type="archive.modelworker", rows=1, query=request.GET, obj=worker)
    return render(
        request,
        "archive/detail.html",
        {
            "w": worker,
            "honours": list(worker.honours.all()),
            "may_see_private": private,
            "family": list(worker.family_members.all()) if private else [],
            "hardship": getattr(worker, "hardship_file", None) if private else None,
            "spells": list(worker.hardship_spells.all()) if private else [],
            "reviews": list(worker.hardship_reviews.all()) if private else [],
            "hardship_history": decorate(selectors.hardship_history_for(worker)) if private else [],
            "history": decorate(selectors.history_for(worker)) if private else [],
            "may_edit": permissions.may_edit_worker(user, worker) and not worker.is_archived,
            "may_reveal": permissions.may_reveal(user, worker),
            "may_archive": permissions.has_perm(user, Perm.ARCHIVE_RECORDS),
            "may_see_audit": permissions.has_perm(user, Perm.VIEW_AUDIT),
            "may_see_treatment": permissions.may_see_treatment(user, worker),
            "may_verify": permissions.has_perm(user, Perm.VERIFY_RECORDS),
            "photo_form": PhotoForm(),
        },
    )


def _save_worker(request, form, worker=None):
    try:
        if worker is None:
            return services.create_model_worker(actor=request.user, data=form.service_data())
        return services.update_model_worker(
            actor=request.user,
            worker=worker,
            data=form.service_data(),
            expected_version=form.cleaned_data.get("version"),
        )
    except ValidationError as e:
        apply_errors(form, e)
    except DomainError as e:
        form.add_error(None, e.message)
    return None


@perm_required(Perm.EDIT_RECORDS)
@section("archive_create")
def worker_create(request):
    form = ModelWorkerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and (worker := _save_worker(request, form)):
        if worker.is_pending:
            messages.success(
                request,
                _("The record of %(name)s has been submitted; the federation will verify it.") % {"name": worker.name},
            )
        else:
            messages.success(request, _("The record of %(name)s has been created.") % {"name": worker.name})
        return redirect(worker)
    return render(request, "archive/form.html", {"form": form})


@login_required
@section("archive")
def worker_edit(request, pk: int):
    worker = _editable(request, pk)
    if worker.is_archived:
        messages.error(request, _("This record is archived; restore it before changing it."))
        return redirect(worker)
    form = ModelWorkerForm(
        request.POST or None, user=request.user, worker=worker, initial=ModelWorkerForm.initial_from(worker)
    )
    if request.method == "POST" and form.is_valid() and (saved := _save_worker(request, form, worker)):
        messages.success(request, _("The record has been saved."))
        return redirect(saved)
    return render(request, "archive/form.html", {"form": form, "w": worker})


@perm_required(Perm.VERIFY_RECORDS)
@section("archive_pending")
def pending(request):
    """待核实档案: the records grassroots unions submitted, oldest first, each with the verified
    record that already has its ID number (a clash the union was not told of)."""
    records = list(selectors.pending_model_workers(request.user)[:PENDING_PAGE])
    holders = selectors.verified_holders(records)
    return render(
        request,
        "archive/pending.html",
        {
            "rows": [(w, holders.get(w.id_number)) for w in records],
            "limit": PENDING_PAGE,
            "reason_form": ReasonForm(),
        },
    )


PENDING_PAGE = 200


@require_POST
@perm_required(Perm.VERIFY_RECORDS)
def verify(request, pk: int):
    worker = _worker(request, pk)
    try:
        if request.POST.get("reject"):
            services.reject_model_worker(actor=request.user, worker=worker, reason=request.POST.get("reason", ""))
            messages.success(request, _("%(name)s (record %(n)s) was not accepted.") % {"name": worker.name, "n": pk})
        else:
            services.confirm_model_worker(actor=request.user, worker=worker)
            messages.success(request, _("%(name)s (record %(n)s) is verified.") % {"name": worker.name, "n": pk})
    except (ValidationError, DomainError) as e:
        messages.error(request, " ".join(getattr(e, "messages", [str(e)])))
    return redirect("archive:pending")


@require_POST
@login_required
def worker_archive(request, pk: int):
    worker = _worker(request, pk)
    form = ReasonForm(request.POST)
    try:
        if request.POST.get("restore"):
            services.restore_model_worker(actor=request.user, worker=worker)
            messages.success(request, _("The record has been restored."))
        elif form.is_valid():
            services.archive_model_worker(actor=request.user, worker=worker, reason=form.cleaned_data["reason"])
            messages.success(request, _("The record has been archived. It can be restored at any time."))
        else:
            messages.error(request, _("Give the reason for archiving."))
    except (ValidationError, DomainError) as e:
        messages.error(request, " ".join(getattr(e, "messages", [str(e)])))
    return redirect(worker)


@require_POST
@login_required
def worker_reveal(request, pk: int, field: str):
    worker = _worker(request, pk)
    value = services.reveal(actor=request.user, worker=worker, field=field)
    return render(request, "archive/partials/revealed.html", {"value": value})


@login_required
def worker_photo(request, pk: int):
    worker = _worker(request, pk)
    if not worker.photo:
        raise Http404
    response = FileResponse(worker.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def worker_photo_upload(request, pk: int):
    worker = _editable(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.set_photo(actor=request.user, worker=worker, upload=form.cleaned_data["photo"])
            messages.success(request, _("The photo has been saved."))
        except (ValidationError, DomainError) as e:
            messages.error(request, " ".join(getattr(e, "messages", [str(e)])))
    else:
        messages.error(request, " ".join(str(m) for errs in form.errors.values() for m in errs))
    return redirect(worker)


# --- Honours ----------------------------------------------------------------------------------


def _sub_form(request, worker, form, save, template, context=None):
    """Shared flow for the small forms hanging off a record: validate, call the service, go back."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(worker)
    return render(request, template, {"form": form, "w": worker, **(context or {})})


@login_required
@section("archive")
def honour_edit(request, pk: int, honour_pk: int | None = None):
    worker = _editable(request, pk)
    honour = get_object_or_404(Honour, pk=honour_pk, model_worker=worker) if honour_pk else None
    initial = {f: getattr(honour, f) for f in services.HONOUR_FIELDS} if honour else None
    form = HonourForm(request.POST or None, initial=initial)

    def save(data):
        if honour:
            services.update_honour(actor=request.user, honour=honour, data=data)
        else:
            services.add_honour(actor=request.user, worker=worker, data=data)

    return _sub_form(request, worker, form, save, "archive/honour_form.html", {"honour": honour})


# --- Family and hardship ----------------------------------------------------------------------


@login_required
@section("archive")
def family_edit(request, pk: int, member_pk: int | None = None):
    worker = _editable(request, pk)
    member = get_object_or_404(FamilyMember, pk=member_pk, model_worker=worker) if member_pk else None
    initial = {f: getattr(member, f) for f in services.FAMILY_FIELDS} if member else None
    form = FamilyMemberForm(request.POST or None, initial=initial)

    def save(data):
        if member:
            services.update_family_member(actor=request.user, member=member, data=data)
        else:
            services.add_family_member(actor=request.user, worker=worker, data=data)

    return _sub_form(
        request,
        worker,
        form,
        save,
        "archive/simple_form.html",
        {
            "heading": _("Family member") if member else _("Add a family member"),
        },
    )


@login_required
@section("archive")
def hardship_edit(request, pk: int):
    worker = _editable(request, pk)
    file = HardshipFile.objects.filter(model_worker=worker).first()
    initial = {f: getattr(file, f) for f in services.HARDSHIP_FIELDS} if file else None
    form = HardshipForm(request.POST or None, initial=initial)

    def save(data):
        reason = data.pop("spell_reason", "")
        services.save_hardship_file(actor=request.user, worker=worker, data=data, reason=reason)

    return _sub_form(
        request,
        worker,
        form,
        save,
        "archive/simple_form.html",
        {
            "heading": _("Hardship file") if file else _("Open a hardship file"),
        },
    )


@login_required
@section("archive")
def hardship_spell_correct(request, pk: int):
    """Correct the latest spell in hardship (dates and reasons), saying why."""
    worker = _editable(request, pk)
    spell = HardshipSpell.objects.filter(model_worker=worker).order_by("-entered_on", "-id").first()
    if spell is None:
        raise Http404
    initial = {f: getattr(spell, f) for f in services.SPELL_FIELDS}
    form = SpellForm(request.POST or None, initial=initial)

    def save(data):
        reason = data.pop("reason")
        services.correct_spell(actor=request.user, spell=spell, data=data, reason=reason)

    return _sub_form(
        request, worker, form, save, "archive/simple_form.html", {"heading": _("Correct the spell in hardship")}
    )


@login_required
@section("archive")
def hardship_review(request, pk: int):
    """The yearly review (年度复核) of one person's hardship file."""
    worker = _editable(request, pk)
    get_object_or_404(HardshipFile, model_worker=worker)
    form = ReviewForm(request.POST or None)

    def save(data):
        services.review_hardship_file(actor=request.user, worker=worker, **data)

    return _sub_form(
        request, worker, form, save, "archive/simple_form.html", {"heading": _("Yearly review of the hardship file")}
    )


@login_required
@section("archive")
def hardship_reviews(request):
    """The year's review of hardship files: who is still to be reviewed, who was, with what outcome.
    A grassroots union sees its own people; the federation and the auditor all."""
    user = request.user
    if not (permissions.has_perm(user, Perm.EDIT_RECORDS) or permissions.has_perm(user, Perm.VIEW_AUDIT)):
        raise PermissionDenied
    form = ReviewYearForm(request.GET or None)
    data = selectors.hardship_review_year(user, form.year_value())
    record_read(actor=user, object_type="archive.hardshipreview", rows=len(data.reviewed), query=request.GET)
    return render(
        request,
        "archive/hardship_reviews.html",
        {
            "form": form,
            "data": data,
            "outcomes": [(label, data.outcomes.get(value, 0)) for value, label in ReviewOutcome.choices],
            "may_review": permissions.has_perm(user, Perm.EDIT_RECORDS) and data.year == timezone.localdate().year,
            "row_limit": selectors.REVIEW_PAGE_ROWS,
        },
    )


# --- Actions that take a reason: revoke, void, remove, close ----------------------------------


@dataclass(frozen=True)
class ReasonAction:
    """A change that ends something on the record and must say why (nothing is deleted)."""

    model: type
    form: type
    perform: Callable
    heading: Callable
    explain: str


REASON_ACTIONS = {
    "honour_revoke": ReasonAction(
        Honour,
        RevokeForm,
        lambda actor, obj, d: services.revoke_honour(
            actor=actor, honour=obj, revoked_on=d["revoked_on"], reason=d["reason"]
        ),
        lambda obj: _("Revoke the honour “%(h)s”") % {"h": obj},
        gettext_lazy(
            "The honour stays on the record, marked revoked, and no longer counts; "
            "treatment based on it stops from this date."
        ),
    ),
    "honour_void": ReasonAction(
        Honour,
        ReasonForm,
        lambda actor, obj, d: services.void_honour(actor=actor, honour=obj, reason=d["reason"]),
        lambda obj: _("Void the honour “%(h)s”") % {"h": obj},
        gettext_lazy(
            "Use this only for an honour entered by mistake. It stays visible, struck through, and counts nowhere."
        ),
    ),
    "family_remove": ReasonAction(
        FamilyMember,
        ReasonForm,
        lambda actor, obj, d: services.remove_family_member(actor=actor, member=obj, reason=d["reason"]),
        lambda obj: _("Remove %(m)s from the family list") % {"m": obj},
        gettext_lazy("The person stays in the record's history."),
    ),
    "hardship_close": ReasonAction(
        HardshipFile,
        CloseHardshipForm,
        lambda actor, obj, d: services.close_hardship_file(
            actor=actor, file=obj, ended_on=d["ended_on"], reason=d["reason"]
        ),
        lambda obj: _("Close the hardship file"),
        gettext_lazy("The file is kept; the person no longer counts as in hardship."),
    ),
}


@login_required
@section("archive")
def reason_action(request, pk: int, action: str, obj_pk: int | None = None):
    spec = REASON_ACTIONS[action]
    worker = _editable(request, pk)
    lookup = {"pk": obj_pk} if obj_pk else {}
    obj = get_object_or_404(spec.model, model_worker=worker, **lookup)
    form = spec.form(request.POST or None)
    return _sub_form(
        request,
        worker,
        form,
        lambda data: spec.perform(request.user, obj, data),
        "archive/reason_form.html",
        {"heading": spec.heading(obj), "explain": spec.explain},
    )
