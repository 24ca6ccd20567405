"""Refused requests on record: the log shows who was turned away, where and how often."""

from django.conf import settings

from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction


class RefusalAuditMiddleware:
    """Every refused request of a signed-in user (403, or 404: another union's record is a 404
    by URL) leaves one entry, pages and API alike; the 安全事件 page counts bursts of them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404) and not request.path.startswith(settings.STATIC_URL):
            user = getattr(request, "user", None)  # the API's token sets it during the request
            if user is not None and user.is_authenticated:
                record(
                    actor=user,
                    action=AuditAction.REFUSED,
                    object_repr=request.path[:200],
                    detail={"status": response.status_code, "method": request.method, "path": request.path[:500]},
                )
        return response
