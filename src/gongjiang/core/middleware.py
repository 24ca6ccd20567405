from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from gongjiang.core import context

# No inline script or style anywhere: the product runs on intranets with nothing from outside.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'self'; connect-src 'self'; frame-ancestors 'self'; "
    "base-uri 'self'; form-action 'self'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.path.startswith(settings.STATIC_URL):
            return response
        # Pages carry personal data: never keep them in a shared browser's cache.
        response.headers.setdefault("Cache-Control", "no-store")
        return response


class RequestContextMiddleware:
    """Make the client's address and channel available to the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        via = "api" if request.path.startswith("/api/") else "web"
        with context.acting(context.RequestContext(ip_address=context.client_ip(request), via=via)):
            return self.get_response(request)


class LanguageMiddleware:
    """Chinese unless the user chose otherwise: the browser's Accept-Language is ignored.

    Staff machines on the intranet are often set up in English; the product is Chinese first.
    A user who prefers English picks it in the footer (a cookie, via Django's set_language).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", language)
            return response


class NulCharacterMiddleware:
    """A NUL character (``%00``) in the address's query is refused at the door: PostgreSQL
    cannot compare text with it, so a search for it would be a server error, not an answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            message = _("The address contains a character that is not allowed.")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "bad_request", "message": str(message)},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
