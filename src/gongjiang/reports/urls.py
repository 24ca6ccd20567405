from django.urls import path

from gongjiang.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("charts/honours.svg", views.honours_chart, name="honours_chart"),
]
