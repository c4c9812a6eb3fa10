from django.urls import path

from linli.assembly import views

app_name = "assembly"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("motions/new/", views.motion_new, name="motion_new"),
    path("motions/<int:pk>/", views.motion_detail, name="motion_detail"),
    path("motions/<int:pk>/open/", views.motion_open, name="motion_open"),
    path("motions/<int:pk>/close/", views.motion_close, name="motion_close"),
    path("motions/<int:pk>/paper/", views.paper_ballot, name="paper_ballot"),
    path("motions/<int:pk>/paper/batch/", views.paper_batch, name="paper_batch"),
    path("ballots/<int:pk>/", views.ballot_history, name="ballot_history"),
    path("ballots/<int:pk>/sheet/", views.ballot_sheet, name="ballot_sheet"),
    path("ballots/events/<int:pk>/sheet/", views.ballot_event_sheet, name="ballot_event_sheet"),
    path("vote/<int:pk>/", views.vote, name="vote"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/tasks/", views.meeting_task, name="meeting_task"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("tasks/<int:pk>/work-order/", views.task_work_order, name="task_work_order"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/ack/", views.notice_ack, name="notice_ack"),
    path("notices/<int:pk>/withdraw/", views.notice_withdraw, name="notice_withdraw"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("public/estates/<int:pk>/", views.public_estate, name="public_estate"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
]
