"""Limits that hold before the API reads a request: the body size (JSON small; uploads up to
the roster limit). Django's own limits answer with an HTML 400; the API answers in its shape."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _


class ApiLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            upload = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
            limit = settings.GONGJIANG["ROSTER_MAX_BYTES"] if upload else settings.GONGJIANG["API_MAX_BODY"]
            if length > limit:
                return JsonResponse(
                    {
                        "code": "too_large",
                        "message": _("The request is too large (at most %(mb).1f MB).") % {"mb": limit / 1048576},
                    },
                    status=413,
                )
        return self.get_response(request)
