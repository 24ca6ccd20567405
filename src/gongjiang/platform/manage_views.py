"""Running the platform: evaluation rounds and scoring, rubrics, candidates, funding, the
achievements roll-up, mentoring, targets and the rules."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.accounts import permissions
from gongjiang.accounts.decorators import perm_required, section
from gongjiang.accounts.downloads import audited_download
from gongjiang.accounts.permissions import Perm
from gongjiang.core.errors import DomainError
from gongjiang.core.forms import apply_errors, report_problem
from gongjiang.core.pagination import page_from_request
from gongjiang.platform import access, evaluation, exports, funding, selectors, services
from gongjiang.platform.enums import (
    CaseKind,
    CaseState,
    Grade,
    Have,
    RoundState,
    Tier,
)
from gongjiang.platform.forms import CaseForm, DisburseForm, PlanForm, PolicyForm, RoundForm, TargetForm
from gongjiang.platform.models import (
    Achievement,
    Case,
    EvaluationRound,
    FundingPlan,
    Mentorship,
    PlatformPolicy,
    Rubric,
)
from gongjiang.platform.views import _form_page


def reader_required(view):
    @perm_required(Perm.VIEW_PLATFORM)
    def wrapped(request, *args, **kwargs):
        if not selectors.may_read_running(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- Rounds and scoring ------------------------------------------------------------------------


@reader_required
@section("platform_evaluations")
def rounds(request):
    form = RoundForm()
    items = EvaluationRound.objects.annotate(
        n=Count("evaluations"), graded=Count("evaluations", filter=~Q(evaluations__grade=""))
    ).order_by("-id")
    return render(
        request,
        "platform/rounds.html",
        {
            "rounds": items,
            "form": form,
            "rubrics": Rubric.objects.order_by("tier"),
            "manage": permissions.has_perm(request.user, Perm.MANAGE_PLATFORM),
        },
    )


@require_POST
@perm_required(Perm.MANAGE_PLATFORM)
def round_create(request):
    form = RoundForm(request.POST)
    if form.is_valid():
        try:
            rnd = evaluation.open_round(actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The round is open for scoring."))
            return redirect(rnd)
    return render(
        request,
        "platform/rounds.html",
        {
            "rounds": EvaluationRound.objects.annotate(n=Count("evaluations")).order_by("-id"),
            "form": form,
            "rubrics": Rubric.objects.order_by("tier"),
            "manage": True,
        },
    )


@reader_required
@section("platform_evaluations")
def round_detail(request, pk: int):
    rnd = access.access_round(request.user, pk)
    qs = rnd.evaluations.select_related("unit").annotate(
        sheets_n=Count("sheets"), mine=Count("sheets", filter=Q(sheets__reviewer=request.user))
    )
    tier = request.GET.get("tier", "")
    if tier:
        qs = qs.filter(tier=tier)
    page = page_from_request(request, qs, ["id"])
    summary = dict(
        rnd.evaluations.exclude(grade="").values_list("grade").annotate(n=Count("id")).values_list("grade", "n")
    )
    return render(
        request,
        "platform/round.html",
        {
            "round": rnd,
            "page": page,
            "tier": tier,
            "base_query": f"tier={tier}",
            "grades": [(g, Grade(g).label, summary.get(g, 0)) for g in Grade.values],
            "policy": PlatformPolicy.current(),
            "manage": permissions.has_perm(request.user, Perm.MANAGE_PLATFORM),
            "scorer": permissions.has_perm(request.user, Perm.SCORE_UNITS),
        },
    )


@require_POST
@perm_required(Perm.MANAGE_PLATFORM)
def round_close(request, pk: int):
    rnd = access.access_round(request.user, pk, manage=True)
    try:
        counts = evaluation.close_round(actor=request.user, rnd=rnd)
    except DomainError as e:
        report_problem(request, e)
    else:
        messages.success(
            request,
            _(
                "The round is closed: %(g)s units graded, %(w)s warned, %(c)s new candidates; "
                "%(s)s had too few reviewers."
            )
            % {"g": counts["graded"], "w": counts["warned"], "c": counts["cases"], "s": counts["short"]},
        )
    return redirect(rnd)


@reader_required
@section("platform_evaluations")
def evaluation_detail(request, pk: int):
    """One unit in a round: the reviewers' sheets and the spread; the scoring form for a reviewer."""
    ev = access.access_evaluation(request.user, pk)
    items = list(evaluation.ev_items(ev))
    sheets = list(ev.sheets.select_related("reviewer").prefetch_related("scores"))
    mine = next((s for s in sheets if s.reviewer_id == request.user.pk), None)
    may_score = evaluation.may_score(request.user, ev) and ev.round.state == RoundState.OPEN
    errors = {}
    if request.method == "POST":
        if not may_score:
            raise PermissionDenied(_("You may not score this unit."))
        points = {item.pk: request.POST.get(f"item_{item.pk}", "") for item in items}
        try:
            evaluation.submit_sheet(
                actor=request.user, evaluation=ev, points=points, comment=request.POST.get("comment", "")
            )
        except ValidationError as e:
            errors = e.message_dict
        except DomainError as e:
            report_problem(request, e)
        else:
            messages.success(request, _("Your scores have been saved."))
            return redirect(ev)
    my_points = {s.item_id: s.points for s in mine.scores.all()} if mine else {}
    rows = []
    for item in items:
        value = request.POST.get(f"item_{item.pk}") if request.method == "POST" else my_points.get(item.pk, "")
        rows.append(
            {
                "item": item,
                "value": value,
                "errors": errors.get(f"item_{item.pk}", []),
                "by_sheet": [next((x.points for x in s.scores.all() if x.item_id == item.pk), None) for s in sheets],
            }
        )
    totals = [s.total for s in sheets]
    preview = evaluation.aggregate(totals, ev.round.aggregation) if totals else None
    return render(
        request,
        "platform/evaluation.html",
        {
            "ev": ev,
            "rows": rows,
            "sheets": sheets,
            "mine": mine,
            "may_score": may_score,
            "preview": preview,
            "policy": PlatformPolicy.current(),
            "comment": request.POST.get("comment", mine.comment if mine else ""),
        },
    )


@perm_required(Perm.MANAGE_PLATFORM)
@section("platform_evaluations")
def rubric_edit(request, tier: str):
    if tier not in Tier.values:
        raise PermissionDenied
    rubric = evaluation.ensure_rubrics()[tier]
    current = list(rubric.items.filter(retired=False))
    errors = []
    if request.method == "POST":
        items = []
        for n in range(int(request.POST.get("rows", "0") or 0)):
            title = request.POST.get(f"title_{n}", "").strip()
            if not title:
                continue
            items.append(
                {
                    "title": title,
                    "max_points": request.POST.get(f"points_{n}", "0") or "0",
                    "have": request.POST.get(f"have_{n}", ""),
                }
            )
        try:
            evaluation.save_rubric(actor=request.user, tier=tier, items=items)
        except ValidationError as e:
            errors = e.messages
        except DomainError as e:
            errors = [str(e.message)]
        else:
            messages.success(request, _("The rubric has been saved."))
            return redirect("platform:rounds")
        rows = items
    else:
        rows = [{"title": i.title, "max_points": i.max_points, "have": i.have} for i in current]
    rows = rows + [{"title": "", "max_points": "", "have": ""}] * 3
    return render(
        request,
        "platform/rubric.html",
        {
            "tier": tier,
            "label": Tier(tier).label,
            "rows": rows,
            "errors": errors,
            "haves": Have.choices,
            "total": sum(int(r["max_points"] or 0) for r in rows if str(r["max_points"]).isdigit()),
        },
    )


# --- Candidates --------------------------------------------------------------------------------


@reader_required
@section("platform_cases")
def cases(request):
    pending = Case.objects.filter(state=CaseState.PENDING).select_related("unit__leader", "evaluation__round")
    decided = (
        Case.objects.exclude(state=CaseState.PENDING)
        .select_related("unit", "decided_by")
        .order_by("-decided_on", "-id")[:50]
    )
    return render(
        request,
        "platform/cases.html",
        {
            "pending": pending,
            "decided": decided,
            "form": CaseForm(),
            "manage": permissions.has_perm(request.user, Perm.MANAGE_PLATFORM),
        },
    )


@require_POST
@perm_required(Perm.MANAGE_PLATFORM)
def case_decide(request, pk: int):
    case = access.access_case(request.user, pk, manage=True)
    form = CaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or decline, and give the reason."))
        return redirect("platform:cases")
    try:
        evaluation.decide_case(
            actor=request.user,
            case=case,
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
        )
    except (ValidationError, DomainError) as e:
        report_problem(request, e)
        return redirect("platform:cases")
    if form.cleaned_data["decision"] == "accept":
        text = (
            _("Promoted: %(u)s is now a %(t)s.")
            if case.kind == CaseKind.PROMOTE
            else _("The plaque of %(u)s has been removed; its record and history are kept.")
        )
        messages.success(request, text % {"u": case.unit.name, "t": Tier(case.to_tier).label if case.to_tier else ""})
    else:
        messages.success(request, _("Declined; the reason is in the unit's history."))
    return redirect(case.unit)


# --- Funding -----------------------------------------------------------------------------------


@reader_required
@section("platform_funding")
def plans(request):
    return render(
        request,
        "platform/plans.html",
        {
            "plans": FundingPlan.objects.annotate(n=Count("allocations")),
            "manage": permissions.has_perm(request.user, Perm.MANAGE_PLATFORM),
        },
    )


@perm_required(Perm.MANAGE_PLATFORM)
@section("platform_funding")
def plan_edit(request, pk: int | None = None):
    plan = access.access_plan(request.user, pk, manage=True) if pk else None
    form = PlanForm(request.POST or None, initial=PlanForm.initial_from(plan))
    if request.method == "POST" and form.is_valid():
        try:
            plan = funding.save_plan(actor=request.user, data=form.service_data(), plan=plan)
        except ValidationError as e:
            apply_errors(form, e)
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("The split has been computed: check it, then approve the plan."))
            return redirect(plan)
    return _form_page(
        request,
        form,
        heading=_("Funding plan"),
        back="/platform/funding/",
        explain=_(
            "Fixed grants go first (a new studio, a studio re-confirmed by its evaluation); the "
            "rest is shared by weight, tier × grade, in whole yuan adding up exactly to the "
            "budget."
        ),
    )


@reader_required
@section("platform_funding")
def plan_detail(request, pk: int):
    plan = access.access_plan(request.user, pk)
    allocations = (
        plan.allocations.select_related("unit")
        .annotate(paid=Sum("disbursements__amount"))
        .order_by("-amount", "unit_id")
    )
    total = sum((a.amount for a in allocations), Decimal(0))
    return render(
        request,
        "platform/plan.html",
        {
            "plan": plan,
            "allocations": allocations,
            "total": total,
            "disburse_form": DisburseForm(initial={"paid_on": timezone.localdate()}),
            "manage": permissions.has_perm(request.user, Perm.MANAGE_PLATFORM),
        },
    )


@require_POST
@perm_required(Perm.MANAGE_PLATFORM)
def plan_approve(request, pk: int):
    plan = access.access_plan(request.user, pk, manage=True)
    try:
        funding.approve_plan(actor=request.user, plan=plan)
    except DomainError as e:
        report_problem(request, e)
    else:
        messages.success(request, _("The plan is approved; payments can be recorded."))
    return redirect(plan)


@require_POST
@perm_required(Perm.MANAGE_PLATFORM)
def allocation_disburse(request, pk: int):
    allocation = access.access_allocation(request.user, pk, manage=True)
    form = DisburseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date of payment."))
    else:
        try:
            funding.disburse(actor=request.user, allocation=allocation, **form.cleaned_data)
        except (ValidationError, DomainError) as e:
            report_problem(request, e)
        else:
            messages.success(request, _("The payment to %(u)s has been recorded.") % {"u": allocation.unit.name})
    return redirect(allocation.plan)


# --- Achievements, mentoring ------------------------------------------------------------------


@perm_required(Perm.VIEW_PLATFORM)
@section("platform_results")
def achievements(request):
    """Every achievement of the units the user may see, rolled up by tier, year and unit."""
    units = selectors.visible_units(request.user)
    base = Achievement.objects.filter(unit__in=units, voided_at__isnull=True)
    by_year = selectors.achievement_counts_by(base, "year")
    by_tier = selectors.achievement_counts_by(base, "unit__tier")
    kinds = list(selectors.ACHIEVEMENT_LABELS.items())

    def cells(counts: dict) -> tuple[list[int], int]:
        row = [counts.get(k, 0) for k, _label in kinds]
        return row, sum(row)

    # The units with the most achievements, counted as the tables count them.
    per_unit = {pk: sum(c.values()) for pk, c in selectors.achievement_counts_by(base, "unit_id").items()}
    ranked = sorted((-n, pk) for pk, n in per_unit.items() if n)[:20]
    found = units.in_bulk([pk for _n, pk in ranked])
    top_units = []
    for _n, pk in ranked:
        found[pk].n = per_unit[pk]
        top_units.append(found[pk])
    return render(
        request,
        "platform/achievements.html",
        {
            "kinds": kinds,
            "counts": selectors.achievement_counts(base),
            "by_year": [(y, *cells(by_year[y])) for y in sorted(by_year, reverse=True)],
            "by_tier": [
                (Tier(t).label, *cells(by_tier.get(t, {}))) for t in (Tier.STUDIO, Tier.STAR_POST, Tier.STANDARD_BEARER)
            ],
            "top_units": top_units,
        },
    )


@perm_required(Perm.VIEW_PLATFORM)
def achievements_export(request):
    units = selectors.visible_units(request.user)
    qs = Achievement.objects.filter(unit__in=units).select_related("unit", "person").order_by("unit_id", "-year", "id")

    return audited_download(
        lambda path: exports.write_achievements(path, qs),
        f"三创成果-{timezone.localtime():%Y%m%d}.xlsx",
        actor=request.user,
        object_type="platform.achievement",
        object_repr="三创成果",
        detail={"file": "achievements"},
    )


@perm_required(Perm.VIEW_PLATFORM)
@section("platform_results")
def mentoring(request):
    units = selectors.visible_units(request.user)
    qs = Mentorship.objects.filter(unit__in=units).select_related("unit")
    page = page_from_request(request, qs, ["-agreed_on", "-id"])
    summary = qs.aggregate(
        n=Count("id"), placed=Count("id", filter=~Q(contest_place="")), graded=Count("id", filter=~Q(grade_reached=""))
    )
    return render(request, "platform/mentoring.html", {"page": page, "summary": summary, "base_query": ""})


# --- Targets and rules -------------------------------------------------------------------------


@perm_required(Perm.MANAGE_PLATFORM)
@section("platform")
def target_edit(request, pk: int | None = None):
    target = access.access_target(request.user, pk, manage=True) if pk else None
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_target(actor=request.user, data=form.cleaned_data, target=target)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Saved."))
            return redirect("platform:overview")
    return _form_page(request, form, heading=_("Five-year targets"), back="/platform/")


@perm_required(Perm.MANAGE_PLATFORM)
@section("platform_settings")
def policy_edit(request):
    policy = PlatformPolicy.current()
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_policy(actor=request.user, data=form.service_data())
        except ValidationError as e:
            apply_errors(form, e)
            if "star_thresholds" in e.message_dict:
                form.add_error("star_thresholds_text", e.message_dict["star_thresholds"])
        else:
            messages.success(request, _("The rules have been saved."))
            return redirect("platform:policy")
    # A ModelForm's is_valid() sets the instance's fields; read the stored rules afresh.
    return _form_page(
        request,
        form,
        heading=_("Platform rules"),
        back="/platform/",
        explain=_(
            "The defaults follow published rules: 1–3 stars by score, a municipal-or-higher "
            "model worker to lead a studio, 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60."
        ),
    )
