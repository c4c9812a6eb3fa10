from django.urls import path

from linli.workorders import views

app_name = "workorders"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("mine/", views.mine, name="mine"),
]
