from django.urls import path

from gongjiang.rosters import views

app_name = "rosters"
urlpatterns = [
    path("", views.index, name="index"),
    path("template.xlsx", views.blank_template, name="template"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/merge/", views.merge, name="merge"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/remap/", views.remap, name="remap"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("<int:pk>/undo/", views.undo, name="undo"),
    path("<int:pk>/errors.xlsx", views.errors, name="errors"),
    path("<int:pk>/original/", views.original, name="original"),
]
