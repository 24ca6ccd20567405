from django.urls import path, re_path

from gongjiang.api import views
from gongjiang.api.main import register

api = register()

urlpatterns = [
    path("v1/", api.urls),
    # Anything else under /api/ (an unknown path, an id that is not a number) answers in the
    # API's own JSON shape rather than with the site's HTML error page.
    re_path(r"^.*$", views.not_found),
]

# The user's own token page lives with the account pages.
token_urlpatterns = [
    path("", views.tokens, name="tokens"),
    path("<int:pk>/revoke/", views.revoke, name="token_revoke"),
]
