from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record, record_read
from gongjiang.accounts.decorators import perm_required, section
from gongjiang.accounts.downloads import audited_download
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Perm
from gongjiang.benefits import bankfile, exports, periods, reports, selectors, services
from gongjiang.benefits.access import access_treatment
from gongjiang.benefits.enums import BatchState, LineState
from gongjiang.benefits.forms import (
    AccountForm,
    EndHoldForm,
    GenerateForm,
    HoldForm,
    ItemForm,
    LineResultForm,
    PayAllForm,
    ReasonForm,
    ReportForm,
    ReturnFileForm,
    RuleForm,
    SchemeForm,
    StockForm,
)
from gongjiang.benefits.models import (
    Batch,
    BatchLine,
    Item,
    LedgerEntry,
    LeftOut,
    PaymentAccount,
    Scheme,
    StockMovement,
    TreatmentHold,
)
from gongjiang.core import charts
from gongjiang.core.errors import DomainError
from gongjiang.core.forms import apply_errors, report_problem
from gongjiang.core.pagination import page_from_request, without_paging

# --- Overview and schemes ---------------------------------------------------------------------


@perm_required(Perm.VIEW_BATCHES)
@section("benefits")
def index(request):
    schemes = list(Scheme.objects.prefetch_related("rules").order_by("-is_active", "kind", "name"))
    for scheme in schemes:
        rules = sorted(scheme.rules.all(), key=lambda r: r.effective_from)
        scheme.current_rule = rules[-1] if rules else None
    batches = Batch.objects.select_related("scheme", "prepared_by").order_by("-created_at")[:20]
    to_approve = Batch.objects.filter(state=BatchState.SUBMITTED).exclude(prepared_by=request.user).count()
    return render(
        request,
        "benefits/index.html",
        {"schemes": schemes, "batches": batches, "to_approve": to_approve, "generate_form": GenerateForm()},
    )


@perm_required(Perm.MANAGE_SCHEMES)
@section("benefits")
def scheme_edit(request, pk: int | None = None):
    scheme = get_object_or_404(Scheme, pk=pk) if pk else None
    form = SchemeForm(request.POST or None, instance=scheme)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_scheme(actor=request.user, data=form.cleaned_data, scheme=scheme)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The scheme has been saved."))
            return redirect(saved)
    return render(
        request,
        "benefits/form.html",
        {
            "form": form,
            "heading": scheme or _("New scheme"),
            "back": scheme.get_absolute_url() if scheme else reverse("benefits:index"),
        },
    )


@perm_required(Perm.VIEW_BATCHES)
@section("benefits")
def scheme_detail(request, pk: int):
    scheme = get_object_or_404(Scheme, pk=pk)
    return render(
        request,
        "benefits/scheme.html",
        {
            "scheme": scheme,
            "rules": scheme.rules.order_by("-effective_from"),
            "batches": scheme.batches.select_related("prepared_by").order_by("-created_at")[:24],
            "items": scheme.items.select_related("item"),
            "item_choices": _item_choices(scheme),
            "generate_form": GenerateForm(),
        },
    )


def _item_choices(scheme: Scheme) -> list[tuple[Item, Decimal | None]]:
    """Every item in stock beside the quantity the scheme gives of it, for the items form."""
    if not scheme.is_in_kind:
        return []
    given = dict(scheme.items.values_list("item_id", "quantity"))
    return [(item, given.get(item.pk)) for item in Item.objects.filter(is_active=True).order_by("name")]


@perm_required(Perm.MANAGE_SCHEMES)
@section("benefits")
def rule_edit(request, pk: int, rule_pk: int | None = None):
    scheme = get_object_or_404(Scheme, pk=pk)
    rule = get_object_or_404(scheme.rules, pk=rule_pk) if rule_pk else None
    form = RuleForm(request.POST or None, initial=RuleForm.initial_from(rule) if rule else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rule(actor=request.user, scheme=scheme, data=form.service_data(), rule=rule)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            if form.cleaned_data["effective_from"] < periods.start_of(
                timezone.localdate(), scheme.period, scheme.one_off_date
            ):
                messages.warning(
                    request,
                    _(
                        "The standard takes effect in the past: run the 按时足额 report for the "
                        "periods already paid to see and pay the arrears."
                    ),
                )
            messages.success(request, _("The standard has been saved."))
            return redirect(scheme)
    return render(request, "benefits/rule_form.html", {"form": form, "scheme": scheme, "rule": rule})


@require_POST
@perm_required(Perm.MANAGE_SCHEMES)
def scheme_items(request, pk: int):
    scheme = get_object_or_404(Scheme, pk=pk)
    quantities = {}
    for item in Item.objects.filter(is_active=True):
        raw = request.POST.get(f"item_{item.pk}", "").strip()
        try:
            quantities[item] = Decimal(raw) if raw else None
        except ArithmeticError:
            messages.error(request, _("“%(v)s” is not a quantity.") % {"v": raw})
            return redirect(scheme)
    services.set_items(actor=request.user, scheme=scheme, quantities=quantities)
    messages.success(request, _("The items have been saved."))
    return redirect(scheme)


# --- Batches ----------------------------------------------------------------------------------


@require_POST
@perm_required(Perm.PREPARE_BATCHES)
def generate(request, pk: int):
    scheme = get_object_or_404(Scheme, pk=pk)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the period."))
        return redirect(scheme)
    batch = services.generate_batch(actor=request.user, scheme=scheme, period=form.cleaned_data["period"])
    return redirect(batch)


@perm_required(Perm.VIEW_BATCHES)
@section("benefits")
def batch_detail(request, pk: int):
    batch = get_object_or_404(
        Batch.objects.select_related("scheme", "prepared_by", "submitted_by", "approved_by"), pk=pk
    )
    show = request.GET.get("show", "lines")
    if show == "left":
        qs = LeftOut.objects.filter(batch=batch).select_related("model_worker__union")
    else:
        qs = batch.lines.select_related("model_worker__union")
        if show in LineState.values:
            qs = qs.filter(state=show)
    page = page_from_request(request, qs, ["id"])
    counts = dict(batch.lines.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    user = request.user
    record_read(
        actor=user,
        object_type="benefits.leftout" if show == "left" else "benefits.batchline",
        rows=len(page.items),
        query=request.GET,
        batch=batch.pk,
    )
    return render(
        request,
        "benefits/batch.html",
        {
            "batch": batch,
            "page": page,
            "show": show,
            "counts": counts,
            "base_query": f"show={show}",
            "can_prepare": permissions.has_perm(user, Perm.PREPARE_BATCHES),
            "can_approve": permissions.has_perm(user, Perm.APPROVE_BATCHES) and batch.prepared_by_id != user.pk,
            "prepared_by_me": batch.prepared_by_id == user.pk,
            "full_accounts": permissions.has_perm(user, Perm.REVEAL_ACCOUNT),
            "pay_form": PayAllForm(initial={"paid_on": timezone.localdate()}),
            "return_form": ReturnFileForm(),
            "reason_form": ReasonForm(),
            "in_kind": batch.scheme.is_in_kind,
        },
    )


@require_POST
@perm_required(Perm.VIEW_BATCHES)
def batch_action(request, pk: int, action: str):
    batch = get_object_or_404(Batch, pk=pk)
    user = request.user
    try:
        if action == "submit":
            services.submit_batch(actor=user, batch=batch)
            messages.success(request, _("The batch has been submitted for approval."))
        elif action == "approve":
            services.approve_batch(actor=user, batch=batch)
            messages.success(request, _("The batch has been approved; the bank file can be downloaded."))
        elif action == "return":
            services.return_batch(actor=user, batch=batch, reason=request.POST.get("reason", ""))
            messages.success(request, _("The batch has been returned to its preparer."))
        elif action == "regenerate":
            services.regenerate_batch(actor=user, batch=batch)
            messages.success(request, _("People newly entitled have been added."))
        elif action == "pay_all":
            form = PayAllForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Enter the date of payment."))
            result = services.pay_all(
                actor=user, batch=batch, paid_on=form.cleaned_data["paid_on"], reference=form.cleaned_data["reference"]
            )
            messages.success(request, _("%(n)s lines recorded as paid.") % {"n": result["paid"]})
        elif action == "results":
            form = ReturnFileForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError(_("Choose the return file."))
            upload = form.cleaned_data["file"]
            outcome = services.record_return_file(actor=user, batch=batch, data=upload.read(), name=upload.name)
            messages.success(
                request,
                _("From the bank's file: %(p)s paid, %(f)s failed.") % {"p": outcome["paid"], "f": outcome["failed"]},
            )
        elif action == "line":
            form = LineResultForm(request.POST)
            if not form.is_valid():
                raise ValidationError([m for errors in form.errors.values() for m in errors])
            get_object_or_404(BatchLine, pk=form.cleaned_data["line"], batch=batch)
            services.record_results(actor=user, batch=batch, results=[form.result_row(timezone.localdate())])
            messages.success(request, _("The result has been recorded."))
        elif action == "remove":
            line = get_object_or_404(BatchLine, pk=request.POST.get("line"), batch=batch)
            services.remove_line(actor=user, line=line, reason=request.POST.get("reason", ""))
            messages.success(request, _("The line has been removed from the batch."))
        elif action == "close":
            services.close_batch(actor=user, batch=batch)
            messages.success(request, _("The batch is closed."))
        else:
            raise Http404
    except (ValidationError, DomainError) as e:
        report_problem(request, e)
    except ValueError:
        messages.error(request, _("The date is not valid."))
    return redirect(batch)


@perm_required(Perm.VIEW_BATCHES)
def bank_file(request, pk: int, fmt: str):
    batch = get_object_or_404(Batch.objects.select_related("scheme"), pk=pk)
    try:
        return bankfile.download(actor=request.user, batch=batch, fmt=fmt)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect(batch)


@perm_required(Perm.VIEW_BATCHES)
def receipt_sheet(request, pk: int):
    batch = get_object_or_404(Batch.objects.select_related("scheme"), pk=pk)
    try:
        bankfile.require_lines_to_send(batch)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect(batch)
    return audited_download(
        lambda path: bankfile.write_receipt_sheet(batch, path),
        f"签收表-{batch.pk}-{timezone.localtime():%Y%m%d}.xlsx",
        actor=request.user,
        obj=batch,
        detail={"file": "receipts"},
    )


# --- The 按时足额 report, totals, ledger ------------------------------------------------------

PROBLEM_PAGE = 100


def _report_form(request):
    form = ReportForm(request.GET or None)
    if not form.is_valid():
        return form, None
    return form, _report_span(form.cleaned_data)


def _report_span(d):
    return reports.report_span(d["scheme"], d["first"], d["last"])


@perm_required(Perm.VIEW_BATCHES)
@section("benefits_report")
def report(request):
    form, args = _report_form(request)
    result, rows, offset = None, [], 0
    # The problems, or (show=being_paid) the periods whose rest is in a batch not yet paid.
    being_paid = request.GET.get("show") == "being_paid"
    if args:
        offset = max(0, int(request.GET.get("offset", "0") or 0)) if request.GET.get("offset", "0").isdigit() else 0
        result = reports.on_time_report(
            *args,
            rows=True,
            statuses=["in_progress"] if being_paid else reports.PROBLEMS,
            limit=PROBLEM_PAGE,
            offset=offset,
        )
        rows = result.rows
        record_read(actor=request.user, object_type="benefits.report", rows=len(rows), query=request.GET)
    params = request.GET.copy()
    params.pop("offset", None)
    params.pop("show", None)
    shown = params.copy()
    if being_paid:
        shown["show"] = "being_paid"
    return render(
        request,
        "benefits/report.html",
        {
            "form": form,
            "r": result,
            "rows": rows,
            "offset": offset,
            "page_size": PROBLEM_PAGE,
            "query": params.urlencode(),
            "shown_query": shown.urlencode(),
            "being_paid": being_paid,
            "next_offset": offset + PROBLEM_PAGE if len(rows) == PROBLEM_PAGE else None,
            "prev_offset": max(0, offset - PROBLEM_PAGE) if offset else None,
            "statuses": [(s, exports.STATUS_LABELS[s]) for s in reports.STATUSES],
        },
    )


EXCEL_ROWS = 1_048_575  # a worksheet's rows, less the header


@perm_required(Perm.VIEW_BATCHES)
def report_export(request):
    """The totals on one sheet; the person-periods on another — the problems, or with
    ``all=1`` every person-period (as many as a worksheet holds)."""
    _form, args = _report_form(request)
    if not args:
        raise Http404
    everything = request.GET.get("all") == "1"
    statuses = None if everything else reports.PROBLEMS
    result = reports.on_time_report(*args, rows=True, statuses=statuses, limit=EXCEL_ROWS)
    scheme = args[0]

    return audited_download(
        lambda path: exports.write_on_time_report(path, scheme, args, result, everything=everything),
        f"按时足额-{scheme.pk}-{timezone.localtime():%Y%m%d}.xlsx",
        actor=request.user,
        obj=scheme,
        detail={
            "file": "on_time_report",
            "rows": len(result.rows),
            # In words, as the audit log shows it (not the page's query string).
            "filters": (
                _("%(first)s to %(last)s, every person-period")
                if everything
                else _("%(first)s to %(last)s, the problems")
            )
            % {"first": scheme.period_label(args[1]), "last": scheme.period_label(args[2])},
        },
    )


@require_POST
@perm_required(Perm.PREPARE_BATCHES)
def arrears(request):
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the scheme and periods."))
        return redirect("benefits:report")
    scheme, first, last = _report_span(form.cleaned_data)
    back = f"{reverse('benefits:report')}?{request.POST.urlencode()}"
    if first <= services.arrears_until(scheme) < last:
        messages.info(
            request,
            _("%(p)s is not included: it is paid by its regular batch, which has not been paid yet.")
            % {"p": scheme.period_label(last)},
        )
    try:
        batch = services.generate_arrears(actor=request.user, scheme=scheme, first=first, last=last)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect(back)
    if batch is None:
        messages.info(request, _("Nothing is owed in these periods."))
        return redirect(back)
    messages.success(request, _("An arrears batch of %(n)s lines has been made.") % {"n": batch.line_count})
    return redirect(batch)


@perm_required(Perm.VIEW_BATCHES)
@section("benefits_totals")
def totals(request):
    form, args = _report_form(request)
    table, levels = [], [1, 2, 3, 4, None]
    if args:
        data = reports.totals(*args)
        scheme = args[0]
        for period in periods.between(args[1], args[2], scheme.period, scheme.one_off_date):
            row = data.get(period, {})
            table.append(
                {
                    "period": period,
                    "label": scheme.period_label(period),
                    "cells": [row.get(lv, 0) for lv in levels],
                    "total": sum(row.values(), 0),
                }
            )
    return render(
        request,
        "benefits/totals.html",
        {
            "form": form,
            "table": table,
            "level_labels": [_("National"), _("Provincial"), _("Municipal"), _("District"), _("Other")],
            "query": request.GET.urlencode(),
            "grand": sum((r["total"] for r in table), 0),
            "level_totals": [sum((r["cells"][i] for r in table), 0) for i in range(len(levels))],
        },
    )


@perm_required(Perm.VIEW_BATCHES)
@xframe_options_sameorigin
def totals_chart(request):
    _form, args = _report_form(request)
    if not args:
        raise Http404
    data = reports.totals(*args)
    scheme = args[0]
    span = periods.between(args[1], args[2], scheme.period, scheme.one_off_date)
    fig = charts.stacked_bars(
        [periods.short_label(p, scheme.period) for p in span],
        [
            (str(label), [float(data.get(p, {}).get(lv, 0)) for p in span])
            for lv, label in ((1, _("National")), (2, _("Provincial")), (3, _("Municipal")), (4, _("District")))
        ],
        ylabel=_("Paid (yuan)"),
    )
    response = HttpResponse(charts.to_svg(fig), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    return response


@perm_required(Perm.VIEW_BATCHES)
def totals_export(request):
    _form, args = _report_form(request)
    if not args:
        raise Http404
    data = reports.totals(*args)
    scheme = args[0]
    span = periods.between(args[1], args[2], scheme.period, scheme.one_off_date)

    return audited_download(
        lambda path: exports.write_totals(path, scheme, span, data),
        f"发放汇总-{scheme.pk}-{timezone.localtime():%Y%m%d}.xlsx",
        actor=request.user,
        obj=scheme,
        detail={"file": "totals"},
    )


@perm_required(Perm.VIEW_BATCHES)
@section("benefits")
def ledger(request):
    qs = LedgerEntry.objects.select_related("model_worker", "scheme", "reverses")
    if request.GET.get("scheme", "").isdigit():
        qs = qs.filter(scheme_id=int(request.GET["scheme"]))
    if request.GET.get("worker", "").isdigit():
        qs = qs.filter(model_worker_id=int(request.GET["worker"]))
    page = page_from_request(request, qs, ["-id"])
    reversed_ids = set(
        LedgerEntry.objects.filter(reverses__in=[e.pk for e in page.items]).values_list("reverses_id", flat=True)
    )
    params = without_paging(request)
    record_read(actor=request.user, object_type="benefits.ledgerentry", rows=len(page.items), query=request.GET)
    return render(
        request,
        "benefits/ledger.html",
        {
            "page": page,
            "reversed_ids": reversed_ids,
            "schemes": Scheme.objects.all(),
            "base_query": params.urlencode(),
            "can_reverse": permissions.has_perm(request.user, Perm.APPROVE_BATCHES),
        },
    )


@require_POST
@perm_required(Perm.APPROVE_BATCHES)
def ledger_reverse(request, pk: int):
    entry = get_object_or_404(LedgerEntry, pk=pk)
    try:
        services.reverse_entry(actor=request.user, entry=entry, reason=request.POST.get("reason", ""))
        messages.success(request, _("A reversing entry has been recorded; the period is owed again."))
    except (ValidationError, DomainError) as e:
        report_problem(request, e)
    return redirect(f"{reverse('benefits:ledger')}?worker={entry.model_worker_id}")


# --- In-kind stock ----------------------------------------------------------------------------


@perm_required(Perm.VIEW_BATCHES)
@section("benefits_stock")
def stock(request):
    form = StockForm(request.POST or None)
    item_form = ItemForm(request.POST or None, prefix="item")
    if request.method == "POST":
        if not permissions.has_perm(request.user, Perm.PREPARE_BATCHES):
            raise PermissionDenied
        if "item-name" in request.POST and item_form.is_valid():
            item = item_form.save()
            record(actor=request.user, action=AuditAction.CREATE, obj=item)
            messages.success(request, _("The item has been added."))
            return redirect("benefits:stock")
        if "quantity" in request.POST and form.is_valid():
            d = form.cleaned_data
            try:
                services.receive_stock(
                    actor=request.user, item=d["item"], quantity=d["quantity"], moved_on=d["moved_on"], note=d["note"]
                )
                messages.success(request, _("The stock received has been recorded."))
                return redirect("benefits:stock")
            except ValidationError as e:
                apply_errors(form, e)
    items = Item.objects.annotate(balance=Sum("movements__quantity")).order_by("name")

    movements = StockMovement.objects.select_related("item", "line__model_worker")[:50]
    return render(
        request, "benefits/stock.html", {"form": form, "item_form": item_form, "items": items, "movements": movements}
    )


# --- A person's treatment (on the profile) ----------------------------------------------------


@login_required
def person(request, pk: int):
    """The treatment section of a profile, loaded with htmx."""
    worker = access_treatment(request.user, pk)
    record_read(actor=request.user, object_type="benefits.treatment", rows=1, query=request.GET, obj=worker)
    return render(
        request,
        "benefits/partials/person.html",
        {
            "w": worker,
            "treatment": selectors.person_treatment(worker),
            "payments": LedgerEntry.objects.filter(model_worker=worker)
            .select_related("scheme")
            .order_by("-period", "-id")[:36],
            "accounts": PaymentAccount.objects.filter(model_worker=worker),
            "holds": TreatmentHold.objects.filter(model_worker=worker),
            "may_change": permissions.has_perm(request.user, Perm.PREPARE_BATCHES),
            "may_reveal": permissions.has_perm(request.user, Perm.REVEAL_ACCOUNT),
        },
    )


@login_required
def person_account(request, pk: int):
    worker = access_treatment(request.user, pk, change=True)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_account(actor=request.user, worker=worker, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The bank account has been saved."))
            return redirect(worker)
    return render(request, "benefits/person_form.html", {"form": form, "w": worker, "heading": _("Bank account")})


@login_required
def person_hold(request, pk: int, hold_pk: int | None = None):
    worker = access_treatment(request.user, pk, change=True)
    hold = get_object_or_404(TreatmentHold, pk=hold_pk, model_worker=worker) if hold_pk else None
    form = (EndHoldForm if hold else HoldForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if hold:
                services.end_hold(actor=request.user, hold=hold, ends_on=form.cleaned_data["ends_on"])
            else:
                services.add_hold(actor=request.user, worker=worker, **form.cleaned_data)
        except (ValidationError, DomainError) as e:
            apply_errors(form, e) if isinstance(e, ValidationError) else form.add_error(None, e.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(worker)
    return render(
        request,
        "benefits/person_form.html",
        {
            "form": form,
            "w": worker,
            "heading": _("End the hold") if hold else _("Hold treatment"),
            "explain": _(
                "No treatment is due for a period that overlaps a hold: sanction or investigation, emigration, "
                "or no contact."
            ),
        },
    )


@require_POST
@login_required
def reveal_account(request, pk: int):
    account = get_object_or_404(PaymentAccount, pk=pk)
    access_treatment(request.user, account.model_worker_id)
    number = services.reveal_account(actor=request.user, account=account)
    return render(request, "archive/partials/revealed.html", {"value": number})
