from django.urls import path

from gongjiang.care import condolence_views as cv
from gongjiang.care import event_views as ev
from gongjiang.care import views as v
from gongjiang.care import visit_views as vv

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
    path("year/", v.year_page, name="year"),
    path("year/chart.svg", v.year_chart, name="year_chart"),
    path("year/export.xlsx", v.year_export, name="year_export"),
    path("people/<int:pk>/", v.person, name="person"),
    path("rules/", v.rules, name="rules"),
    path("rules/new/", v.rule_create, name="rule_create"),
    path("rules/visits/new/", vv.visit_rule_create, name="visit_rule_create"),
    path("visits/", vv.plans, name="plans"),
    path("visits/plans/new/", vv.plan_create, name="plan_create"),
    path("visits/plans/<int:pk>/", vv.plan_detail, name="plan"),
    path("visits/plans/<int:pk>/add/", vv.plan_add, name="plan_add"),
    path("visits/<int:pk>/", vv.visit_detail, name="visit"),
    path("visits/<int:pk>/hardship-file/", vv.visit_update_file, name="visit_update_file"),
    path("visits/<int:pk>/condolence/", cv.condolence_create, name="condolence_create"),
    path("people/<int:pk>/visits/new/", vv.visit_create, name="visit_create"),
    path("people/<int:pk>/needs/new/", vv.need_create, name="need_create"),
    path("needs/", vv.need_list, name="needs"),
    path("needs/<int:pk>/", vv.need_detail, name="need"),
    path("needs/<int:pk>/steps/", vv.need_step, name="need_step"),
    path("needs/<int:pk>/resolve/", vv.need_resolve, name="need_resolve"),
    path("events/", ev.event_list, name="events"),
    path("events/new/", ev.event_create, name="event_create"),
    path("events/<int:pk>/", ev.event_detail, name="event"),
    path("events/<int:pk>/edit/", ev.event_edit, name="event_edit"),
    path("events/<int:pk>/invite/", ev.event_invite, name="event_invite"),
    path("events/<int:pk>/minutes/", ev.event_minutes, name="event_minutes"),
    path("events/<int:pk>/photos/", ev.event_photo_upload, name="event_photo_upload"),
    path("events/invitations/<int:pk>/answer/", ev.event_answer, name="event_answer"),
    path("events/invitations/<int:pk>/attendance/", ev.event_attendance, name="event_attendance"),
    path("events/photos/<int:pk>/", ev.event_photo, name="event_photo"),
    path("events/photos/<int:pk>/archive/", ev.event_photo_archive, name="event_photo_archive"),
]
