from django.urls import path

from gongjiang.care import views as v

app_name = "care"
urlpatterns = [
    path("checkups/", v.checkups, name="checkups"),
    path("checkups/new/", v.checkup_create, name="checkup_create"),
    path("stays/", v.stays, name="stays"),
    path("stays/new/", v.stay_create, name="stay_create"),
    path("campaigns/<int:pk>/", v.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/batches/new/", v.batch_create, name="batch_create"),
    path("batches/<int:pk>/", v.batch_detail, name="batch"),
    path("batches/<int:pk>/edit/", v.batch_edit, name="batch_edit"),
    path("batches/<int:pk>/invite/", v.invite, name="invite"),
    path("invitations/<int:pk>/answer/", v.answer, name="answer"),
    path("invitations/<int:pk>/attendance/", v.attendance, name="attendance"),
    path("rules/", v.rules, name="rules"),
    path("rules/new/", v.rule_create, name="rule_create"),
]
