from django.urls import path

from gongjiang.core import views

app_name = "core"
urlpatterns = [
    path("<uuid:pk>/", views.job, name="job"),
    path("<uuid:pk>/download/", views.job_download, name="job_download"),
    path("<uuid:pk>/retry/", views.job_retry, name="job_retry"),
]
