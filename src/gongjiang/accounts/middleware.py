"""Session rules from the security policy: the idle timeout and forced password changes."""

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from gongjiang.accounts.models import SecurityPolicy

LAST_SEEN = "last_seen"


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            policy = SecurityPolicy.current()
            idle = policy.idle_timeout_minutes * 60
            now = time.time()
            last_seen = request.session.get(LAST_SEEN, now)
            if now - last_seen > idle:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(n)d minutes without activity.") % {"n": policy.idle_timeout_minutes},
                )
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # now without a session: the API answers 401
                if request.htmx:
                    response = self.get_response(request)
                    response["HX-Redirect"] = reverse("accounts:login")
                    return response
                return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
            # Write the session at most once a minute: every page view need not be a database write.
            if LAST_SEEN not in request.session or now - last_seen > 60:
                request.session[LAST_SEEN] = now
                request.session.set_expiry(idle)
            if self._must_change_password(user, policy) and not self._exempt(request.path):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"code": "forbidden", "message": str(_("Please choose a new password before you go on."))},
                        status=403,
                        json_dumps_params={"ensure_ascii": False},
                    )
                messages.warning(request, _("Please choose a new password before you go on."))
                return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _must_change_password(user, policy) -> bool:
        return user.password_change_due(policy)

    @staticmethod
    def _exempt(path: str) -> bool:
        return path in (reverse("accounts:password_change"), reverse("accounts:logout")) or path.startswith(
            ("/static/", "/i18n/")
        )
