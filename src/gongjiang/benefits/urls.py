from django.urls import path

from gongjiang.benefits import views

app_name = "benefits"
urlpatterns = [
    path("", views.index, name="index"),
    path("schemes/new/", views.scheme_edit, name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/rules/new/", views.rule_edit, name="rule_create"),
    path("schemes/<int:pk>/rules/<int:rule_pk>/", views.rule_edit, name="rule_edit"),
    path("schemes/<int:pk>/items/", views.scheme_items, name="scheme_items"),
    path("schemes/<int:pk>/generate/", views.generate, name="generate"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/bank.<str:fmt>", views.bank_file, name="bank_file"),
    path("batches/<int:pk>/receipts.xlsx", views.receipt_sheet, name="receipts"),
    path("batches/<int:pk>/<str:action>/", views.batch_action, name="batch_action"),
    path("report/", views.report, name="report"),
    path("report/export/", views.report_export, name="report_export"),
    path("report/arrears/", views.arrears, name="arrears"),
    path("totals/", views.totals, name="totals"),
    path("totals/chart.svg", views.totals_chart, name="totals_chart"),
    path("totals/export/", views.totals_export, name="totals_export"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/<int:pk>/reverse/", views.ledger_reverse, name="ledger_reverse"),
    path("stock/", views.stock, name="stock"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/account/", views.person_account, name="person_account"),
    path("people/<int:pk>/holds/new/", views.person_hold, name="person_hold"),
    path("people/<int:pk>/holds/<int:hold_pk>/", views.person_hold, name="person_hold_end"),
    path("accounts/<int:pk>/reveal/", views.reveal_account, name="reveal_account"),
]
