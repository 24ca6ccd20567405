from django.urls import include, path

from gongjiang.accounts import views as account_views
from gongjiang.api import urls as api_urls

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("gongjiang.accounts.urls")),
    path("archive/", include("gongjiang.archive.urls")),
    path("reports/", include("gongjiang.reports.urls")),
    path("rosters/", include("gongjiang.rosters.urls")),
    path("benefits/", include("gongjiang.benefits.urls")),
    path("platform/", include("gongjiang.platform.urls")),
    path("care/", include("gongjiang.care.urls")),
    path("jobs/", include("gongjiang.core.urls")),
    path("api/", include(api_urls.urlpatterns)),
    path("accounts/tokens/", include((api_urls.token_urlpatterns, "api"), namespace="api")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler403 = "gongjiang.core.views.forbidden"
handler404 = "gongjiang.core.views.not_found"
handler500 = "gongjiang.core.views.server_error"
