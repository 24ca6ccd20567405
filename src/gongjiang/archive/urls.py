from django.urls import path

from gongjiang.archive import views

app_name = "archive"
urlpatterns = [
    path("", views.worker_list, name="list"),
    path("export/", views.worker_export, name="export"),
    path("new/", views.worker_create, name="create"),
    path("pending/", views.pending, name="pending"),
    path("hardship/reviews/", views.hardship_reviews, name="hardship_reviews"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/", views.worker_detail, name="detail"),
    path("<int:pk>/edit/", views.worker_edit, name="edit"),
    path("<int:pk>/archive/", views.worker_archive, name="archive"),
    path("<int:pk>/reveal/<str:field>/", views.worker_reveal, name="reveal"),
    path("<int:pk>/photo/", views.worker_photo, name="photo"),
    path("<int:pk>/photo/upload/", views.worker_photo_upload, name="photo_upload"),
    path("<int:pk>/honours/new/", views.honour_edit, name="honour_add"),
    path("<int:pk>/honours/<int:honour_pk>/", views.honour_edit, name="honour_edit"),
    path(
        "<int:pk>/honours/<int:obj_pk>/revoke/", views.reason_action, {"action": "honour_revoke"}, name="honour_revoke"
    ),
    path("<int:pk>/honours/<int:obj_pk>/void/", views.reason_action, {"action": "honour_void"}, name="honour_void"),
    path("<int:pk>/family/new/", views.family_edit, name="family_add"),
    path("<int:pk>/family/<int:member_pk>/", views.family_edit, name="family_edit"),
    path(
        "<int:pk>/family/<int:obj_pk>/remove/", views.reason_action, {"action": "family_remove"}, name="family_remove"
    ),
    path("<int:pk>/hardship/", views.hardship_edit, name="hardship_edit"),
    path("<int:pk>/hardship/review/", views.hardship_review, name="hardship_review"),
    path("<int:pk>/hardship/spell/correct/", views.hardship_spell_correct, name="hardship_spell_correct"),
    path("<int:pk>/hardship/close/", views.reason_action, {"action": "hardship_close"}, name="hardship_close"),
]
