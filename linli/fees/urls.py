from django.urls import path

from linli.fees import views

app_name = "fees"

urlpatterns = [
    path("", views.index, name="index"),
    path("my/", views.my_bills, name="my_bills"),
    path("figures/", views.figures, name="figures"),
    path("figures/<str:code>/", views.figures, name="figures_division"),
    path("estates/<int:pk>/", views.estate, name="estate"),
    path("estates/<int:pk>/qr.svg", views.qr_svg, name="qr"),
    path("estates/<int:pk>/plans/new/", views.plan_new, name="plan_new"),
    path("estates/<int:pk>/billing/", views.billing, name="billing"),
    path("estates/<int:pk>/arrears/", views.arrears, name="arrears"),
    path("estates/<int:pk>/ledger/", views.ledger, name="ledger"),
    path("estates/<int:pk>/statement.xlsx", views.statement, name="statement"),
    path("estates/<int:pk>/import/", views.import_payments, name="import"),
    path("estates/<int:pk>/import/template.xlsx", views.import_template, name="import_template"),
    path("runs/<int:pk>/", views.run_page, name="run"),
    path("runs/<int:pk>/step/", views.run_step, name="run_step"),
    path("homes/<int:pk>/", views.home_account, name="home"),
    path("homes/<int:pk>/pay/", views.payment_new, name="pay"),
    path("homes/<int:pk>/pay-online/", views.pay_online, name="pay_online"),
    path("pay/<str:reference>/", views.intent_page, name="pay_intent"),
    path("homes/<int:pk>/relief/", views.relief_new, name="relief_new"),
    path("reliefs/<int:pk>/revoke/", views.relief_revoke, name="relief_revoke"),
    path("payments/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("payments/<int:pk>/void/", views.payment_void, name="void"),
    path("ledger/<int:pk>/reverse/", views.ledger_reverse, name="ledger_reverse"),
    path("public/<str:token>/", views.public, name="public"),
    # issue 19 (reach): a committee member's view of their estate's accounts and collection figures
    path("committee/", views.committee_home, name="committee_home"),
    path("committee/<int:pk>/", views.committee_estate, name="committee_estate"),
]
