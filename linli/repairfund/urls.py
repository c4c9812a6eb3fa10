from django.urls import path

from . import views

app_name = "repairfund"
urlpatterns = [
    path("", views.index, name="index"),
    path("estate/<int:pk>/", views.estate, name="estate"),
    path("estate/<int:pk>/open/", views.account_open, name="account_open"),
    path("estate/<int:pk>/change/", views.account_change, name="account_change"),
    path("estate/<int:pk>/interest/", views.interest, name="interest"),
    path("estate/<int:pk>/first/", views.deposit_first, name="deposit_first"),
    path("estate/<int:pk>/public-income/", views.public_income, name="public_income"),
    path("estate/<int:pk>/top-up/", views.top_up, name="top_up"),
    path("estate/<int:pk>/public/", views.public, name="public"),
    path("estate/<int:pk>/apply/", views.application_new, name="application_new"),
    path("estate/<int:pk>/verify/", views.verify, name="verify"),
    path("home/<int:pk>/", views.home, name="home"),
    path("home/<int:pk>/change/", views.share_change, name="share_change"),
    path("application/<int:pk>/", views.application, name="application"),
    path("application/<int:pk>/quote/", views.quote_add, name="quote_add"),
    path("application/<int:pk>/vote/", views.to_vote, name="to_vote"),
    path("application/<int:pk>/vote-result/", views.record_vote, name="record_vote"),
    path("application/<int:pk>/approve/", views.approve, name="approve"),
    path("application/<int:pk>/stage/<int:number>/accept/", views.stage_accept, name="stage_accept"),
    path("application/<int:pk>/stage/<int:number>/pay/", views.stage_pay, name="stage_pay"),
    path("application/<int:pk>/report/", views.report, name="report"),
    path("quote/<int:pk>/file/", views.quote_file, name="quote_file"),
]
