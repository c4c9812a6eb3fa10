from django.urls import path

from linli.workorders import views
from linli.workorders.urls_meetings import urlpatterns as meeting_urlpatterns

app_name = "workorders"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("mine/", views.mine, name="mine"),
] + meeting_urlpatterns
