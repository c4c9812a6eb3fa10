"""Pages of joint meetings (吹哨报到) and rates; included by linli/workorders/urls.py."""

from django.urls import path

from linli.workorders import views_meetings as v

urlpatterns = [
    path("meetings/", v.meeting_list, name="meeting_list"),
    path("meetings/new/", v.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", v.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/minutes/", v.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/tasks/", v.meeting_task_new, name="meeting_task_new"),
    path("meetings/<int:pk>/invite/", v.meeting_invite, name="meeting_invite"),
    path("meetings/<int:pk>/orders/", v.meeting_link, name="meeting_link"),
    path("meetings/<int:pk>/close/", v.meeting_close, name="meeting_close"),
    path("meetings/invites/<int:pk>/report/", v.meeting_report, name="meeting_report"),
    path("rates/", v.rates_page, name="rates"),
    path("rates/<str:code>/", v.rates_page, name="rates_division"),
]
