from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.accounts import exports, login_limits, permissions, reach, services
from gongjiang.accounts.audit import record
from gongjiang.accounts.audit_display import decorate
from gongjiang.accounts.decorators import perm_required, section
from gongjiang.accounts.downloads import audited_download
from gongjiang.accounts.enums import AuditAction, Role
from gongjiang.accounts.forms import (
    AuditFilterForm,
    LoginForm,
    OrganisationForm,
    PasswordChangeForm,
    PolicyForm,
    UserFilterForm,
    UserForm,
)
from gongjiang.accounts.models import AuditEntry, Organisation, SecurityPolicy, User
from gongjiang.accounts.permissions import Perm
from gongjiang.accounts.validators import PasswordHistoryValidator, PolicyPasswordValidator
from gongjiang.core import context
from gongjiang.core.forms import apply_errors
from gongjiang.core.pagination import page_from_request, without_paging
from gongjiang.core.redirects import back_to

AUDIT_EXPORT_LIMIT = 100_000


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        ip = context.client_ip(request)
        if login_limits.blocked(ip):
            # Too many failures from this address, whatever the user names: refused unread.
            username = request.POST.get("username", "")[:150]
            record(
                actor=SimpleNamespace(username=username, is_authenticated=False),
                action=AuditAction.LOGIN_FAILED,
                object_type="accounts.user",
                object_repr=username,
                detail={"refused": "address"},
            )
            return render(
                request,
                "accounts/login.html",
                {
                    "form": LoginForm(request),
                    "address_blocked": True,
                    "minutes": login_limits.minutes(),
                    "limit": login_limits.limit(),
                },
                status=429,
            )
        return super().post(request, *args, **kwargs)


def lockout(request, original_response=None, credentials=None):
    """Shown instead of the login page while an account is locked (django-axes)."""
    form = LoginForm(request)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked": True, "minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


@login_required
def home(request):
    if request.user.role == Role.STUDIO_LEADER and request.user.model_worker_id:
        # A leader starts at the unit they keep (their list, if they lead several).
        units = reach.led_unit_ids(request.user, limit=2)
        if len(units) == 1:
            return redirect("platform:unit", units[0])
        if units:
            return redirect("platform:units")
    if permissions.is_self_scoped(request.user):
        if request.user.model_worker_id:
            return redirect("archive:detail", request.user.model_worker_id)
        return render(request, "accounts/no_record.html")
    if permissions.has_perm(request.user, Perm.VIEW_DASHBOARD):
        return redirect("reports:dashboard")
    return redirect("archive:list")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_own_password(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    help_text = SecurityPolicy.current() and _policy_help()
    return render(request, "accounts/password_change.html", {"form": form, "policy_help": help_text})


def _policy_help() -> str:

    return " ".join(
        t for t in (PolicyPasswordValidator().get_help_text(), PasswordHistoryValidator().get_help_text()) if t
    )


@require_POST
@login_required
def large_text(request):
    services.set_large_text(user=request.user, on=not request.user.large_text)
    return back_to(request, reverse("home"))


# --- Users ------------------------------------------------------------------------------------


@perm_required(Perm.MANAGE_USERS)
@section("users")
def user_list(request):
    form = UserFilterForm(request.GET or None)
    users = User.objects.select_related("organisation", "model_worker").order_by("username")
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            users = users.filter(Q(username__icontains=d["q"]) | Q(full_name__icontains=d["q"]))
        if d["role"]:
            users = users.filter(role=d["role"])
        if d["organisation"]:
            users = users.filter(organisation=d["organisation"])
        if d["active"]:
            users = users.filter(is_active=d["active"] == "1")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    locked = services.locked_usernames()
    for u in page.object_list:
        u.locked = u.username in locked
    return render(request, "accounts/user_list.html", {"form": form, "page": page})


@perm_required(Perm.MANAGE_USERS)
@section("users")
def user_create(request):
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.create_user(actor=request.user, data=form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            return render(
                request,
                "accounts/password_issued.html",
                {"target": user, "password": password, "created": True},
            )
    return render(request, "accounts/user_form.html", {"form": form})


@perm_required(Perm.MANAGE_USERS)
@section("users")
def user_edit(request, pk: int):
    target = get_object_or_404(User.objects.select_related("organisation", "model_worker"), pk=pk)
    form = UserForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "username"}
        try:
            services.update_user(actor=request.user, user=target, data=data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The user has been saved."))
            return redirect("accounts:user_edit", pk=target.pk)
    target.refresh_from_db()
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "target": target,
            "locked": services.is_locked_out(target),
            "recent": decorate(list(AuditEntry.objects.filter(actor=target).select_related("actor")[:20])),
        },
    )


@require_POST
@perm_required(Perm.MANAGE_USERS)
def user_action(request, pk: int, action: str):
    target = get_object_or_404(User, pk=pk)
    try:
        if action == "reset_password":
            password = services.reset_password(actor=request.user, user=target)
            return render(request, "accounts/password_issued.html", {"target": target, "password": password})
        if action == "unlock":
            services.unlock_user(actor=request.user, user=target)
            messages.success(request, _("The account has been unlocked."))
        elif action in ("activate", "deactivate"):
            services.set_user_active(actor=request.user, user=target, active=action == "activate")
            messages.success(
                request,
                _("The account has been activated.")
                if action == "activate"
                else _("The account has been deactivated."),
            )
        else:
            return HttpResponse(status=404)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("accounts:user_edit", pk=target.pk)


# --- Organisations ----------------------------------------------------------------------------


@perm_required(Perm.MANAGE_USERS)
@section("organisations")
def organisation_list(request):
    orgs = list(
        Organisation.objects.annotate(
            people=Count("model_workers", filter=Q(model_workers__archived_at__isnull=True)),
        ).order_by("path")
    )
    user_counts = dict(
        User.objects.values_list("organisation").annotate(n=Count("pk")).values_list("organisation", "n")
    )
    for o in orgs:
        o.depth = max(o.path.count("/") - 2, 0)
        o.user_count = user_counts.get(o.pk, 0)
    return render(request, "accounts/organisation_list.html", {"organisations": orgs})


@perm_required(Perm.MANAGE_USERS)
@section("organisations")
def organisation_edit(request, pk: int | None = None):
    org = get_object_or_404(Organisation, pk=pk) if pk else None
    form = OrganisationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_organisation(actor=request.user, data=form.cleaned_data, organisation=org)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("“%(name)s” has been saved.") % {"name": saved.name})
            return redirect("accounts:organisation_list")
    return render(request, "accounts/organisation_form.html", {"form": form, "org": org})


# --- Security policy --------------------------------------------------------------------------


@perm_required(Perm.MANAGE_CONFIG)
@section("policy")
def policy(request):
    current = SecurityPolicy.objects.order_by("pk").first() or SecurityPolicy()
    form = PolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_policy(actor=request.user, data=form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The security policy has been saved."))
            return redirect("accounts:policy")
    return render(
        request,
        "accounts/policy.html",
        {
            "form": form,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "address_limit": login_limits.limit(),
            "address_minutes": login_limits.minutes(),
            "session_hours": settings.SESSION_ABSOLUTE_HOURS,
            "token_days": settings.GONGJIANG["API_TOKEN_DAYS"],
        },
    )


# --- Audit log --------------------------------------------------------------------------------


def audit_queryset(form: AuditFilterForm):
    qs = AuditEntry.objects.select_related("actor")
    if not form.is_valid():
        return qs
    d = form.cleaned_data
    tz = timezone.get_current_timezone()
    if d["start"]:
        qs = qs.filter(at__gte=dt.datetime.combine(d["start"], dt.time.min, tzinfo=tz))
    if d["end"]:
        qs = qs.filter(at__lt=dt.datetime.combine(d["end"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    if d["user"]:
        qs = qs.filter(actor_username=d["user"].strip())
    if d["action"]:
        qs = qs.filter(action=d["action"])
    if d["object_type"]:
        qs = qs.filter(object_type=d["object_type"])
    if d["q"]:
        qs = qs.filter(object_repr__contains=d["q"].strip())
    if d["ip"]:
        qs = qs.filter(ip_address=d["ip"])
    return qs


@perm_required(Perm.VIEW_AUDIT)
@section("audit")
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    qs = audit_queryset(form)
    if request.GET.get("worker", "").isdigit():
        qs = qs.filter(model_worker_id=int(request.GET["worker"]))
    page = page_from_request(request, qs, ["-at", "-id"])
    decorate(page.items)
    params = without_paging(request)
    return render(request, "accounts/audit_log.html", {"form": form, "page": page, "base_query": params.urlencode()})


@perm_required(Perm.VIEW_AUDIT)
def audit_export(request):
    """The filtered log as .xlsx, for the auditor's working papers; the export is itself logged."""
    form = AuditFilterForm(request.GET or None)
    entries = decorate(list(audit_queryset(form).order_by("-at", "-id")[:AUDIT_EXPORT_LIMIT]))
    return audited_download(
        lambda path: exports.write_audit_log(path, entries),
        f"审计日志-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        actor=request.user,
        object_type="accounts.auditentry",
        object_repr=str(_("Audit log")),
        detail={"rows": len(entries), "filters": request.GET.urlencode()},
    )
