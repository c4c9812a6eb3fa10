"""Pages of joint meetings (吹哨报到), under /workorders/meetings/ (the paths they had in the work-order app)."""

from django.urls import path

from linli.meetings import views as v

app_name = "meetings"

urlpatterns = [
    path("", v.meeting_list, name="meeting_list"),
    path("new/", v.meeting_new, name="meeting_new"),
    path("<int:pk>/", v.meeting_detail, name="meeting_detail"),
    path("<int:pk>/minutes/", v.meeting_minutes, name="meeting_minutes"),
    path("<int:pk>/tasks/", v.meeting_task_new, name="meeting_task_new"),
    path("<int:pk>/invite/", v.meeting_invite, name="meeting_invite"),
    path("<int:pk>/orders/", v.meeting_link, name="meeting_link"),
    path("<int:pk>/close/", v.meeting_close, name="meeting_close"),
    path("invites/<int:pk>/report/", v.meeting_report, name="meeting_report"),
    # A 议事会's matter sent here (issue 19 item 7): linli/meetings/views.py matter_from_assembly.
    path("from-assembly/<int:pk>/", v.matter_from_assembly, name="matter_from_assembly"),
]
