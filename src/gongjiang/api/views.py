"""The user's own API tokens: create (shown once), see when each was last used, revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from gongjiang.accounts.decorators import perm_required, section
from gongjiang.accounts.permissions import Perm
from gongjiang.api import services
from gongjiang.api.models import ApiToken
from gongjiang.core.forms import DateInput, apply_errors


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=60, help_text=_("e.g. 市总工会统计报送"))
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].help_text = _(
            "Leave empty for %(n)s days, the longest a token lasts. A new password, a new role or "
            "leaving ends every token at once."
        ) % {"n": services.lifetime_days()}


@perm_required(Perm.USE_API)
@section("tokens")
def tokens(request):
    form = TokenForm(request.POST or None)
    shown = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, shown = services.create_token(actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "shown": shown,
            "tokens": ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at"),
        },
    )


@require_POST
@login_required  # a token made before the user's role changed can still be revoked
def revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_token(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked; systems using it can no longer sign in."))
    return redirect("api:tokens")


@csrf_exempt  # like every API view: a token, not a cookie, authenticates these requests
def not_found(request, *args, **kwargs):
    return JsonResponse(
        {"code": "not_found", "message": _("Not found, or not yours to see.")},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
