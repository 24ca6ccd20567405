"""Session rules: the policy's idle timeout, an absolute lifetime, forced password changes."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from gongjiang.accounts.models import SecurityPolicy

LAST_SEEN = "last_seen"
STARTED = "started"


class SessionPolicyMiddleware:
    """The session cookie stays a browser-session cookie (it goes when the browser closes); the
    server ends a session after the policy's idle timeout and, however active, after
    ``SESSION_ABSOLUTE_HOURS`` from the login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            policy = SecurityPolicy.current()
            idle = policy.idle_timeout_minutes * 60
            now = time.time()
            started = request.session.setdefault(STARTED, now)  # sessions from before this rule start now
            if now - started > settings.SESSION_ABSOLUTE_HOURS * 3600:
                return self._end(
                    request,
                    _("You were logged out: a session lasts at most %(n)d hours. Please log in again.")
                    % {"n": settings.SESSION_ABSOLUTE_HOURS},
                )
            last_seen = request.session.get(LAST_SEEN, now)
            if now - last_seen > idle:
                return self._end(
                    request,
                    _("You were logged out after %(n)d minutes without activity.") % {"n": policy.idle_timeout_minutes},
                )
            # Write the session at most once a minute: every page view need not be a database write.
            # No set_expiry: that would turn the cookie into one that outlives the browser.
            if LAST_SEEN not in request.session or now - last_seen > 60:
                request.session[LAST_SEEN] = now
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

    def _end(self, request, message):
        logout(request)
        messages.info(request, message)
        if request.path.startswith("/api/"):
            return self.get_response(request)  # now without a session: the API answers 401
        if request.htmx:
            response = self.get_response(request)
            response["HX-Redirect"] = reverse("accounts:login")
            return response
        return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")

    @staticmethod
    def _must_change_password(user, policy) -> bool:
        return user.password_change_due(policy)

    @staticmethod
    def _exempt(path: str) -> bool:
        return path in (reverse("accounts:password_change"), reverse("accounts:logout")) or path.startswith(
            ("/static/", "/i18n/")
        )
