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
    # Committee meetings, the three-way series, matters passed up (issue 19): linli/assembly/views/meetings.py.
    path("meetings/committee/", views.committee_meetings, name="committee_meetings"),
    path("meetings/committee/new/", views.committee_meeting_new, name="committee_meeting_new"),
    path("meetings/<int:pk>/decisions/", views.meeting_decision, name="meeting_decision"),
    path("meetings/<int:pk>/refer/", views.meeting_refer, name="meeting_refer"),
    path("series/new/", views.series_new, name="series_new"),
    path("series/<int:pk>/", views.series_detail, name="series_detail"),
    path("series/<int:pk>/stop/", views.series_stop, name="series_stop"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/ack/", views.notice_ack, name="notice_ack"),
    path("notices/<int:pk>/withdraw/", views.notice_withdraw, name="notice_withdraw"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("public/estates/<int:pk>/", views.public_estate, name="public_estate"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    # owners' committees and 物业管理委员会 (issue 19)
    path("committees/", views.committee_list, name="committee_list"),
    path("committees/new/", views.committee_new, name="committee_new"),
    path("committees/register/", views.committee_register, name="committee_register"),
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("committees/<int:pk>/filing/", views.committee_filing, name="committee_filing"),
    path("committees/<int:pk>/report/", views.committee_report, name="committee_report"),
    path("committees/<int:pk>/documents/", views.committee_document, name="committee_document"),
    path("committees/<int:pk>/seats/end/", views.committee_seat_end, name="committee_seat_end"),
    path("committees/files/<int:pk>/", views.committee_file, name="committee_file"),
    path("motions/<int:pk>/candidates/", views.motion_candidates, name="motion_candidates"),

    # -- issue 19 (review): committee drafts for the street's review, owners' proposals, assembly requests --
    path("drafts/", views.drafts, name="drafts"),
    path("drafts/motions/new/", views.draft_motion_new, name="draft_motion_new"),
    path("drafts/motions/<int:pk>/", views.draft_motion, name="draft_motion"),
    path("drafts/motions/<int:pk>/edit/", views.draft_motion_edit, name="draft_motion_edit"),
    path("drafts/notices/new/", views.draft_notice_new, name="draft_notice_new"),
    path("drafts/notices/<int:pk>/", views.draft_notice, name="draft_notice"),
    path("drafts/notices/<int:pk>/edit/", views.draft_notice_edit, name="draft_notice_edit"),
    path("review/", views.review_queue, name="review_queue"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/attachment/", views.proposal_attachment, name="proposal_attachment"),
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/sign/", views.request_sign, name="request_sign"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/paper/", views.request_paper, name="request_paper"),

    # -- surveys (issue 19 item 5: 逐户征求意见) --
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_new, name="survey_new"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/publish/", views.survey_publish, name="survey_publish"),
    path("surveys/<int:pk>/close/", views.survey_close, name="survey_close"),
    path("surveys/<int:pk>/answer/", views.survey_answer, name="survey_answer"),
    path("surveys/<int:pk>/paper/", views.survey_paper, name="survey_paper"),
    path("surveys/<int:pk>/export/", views.survey_export, name="survey_export"),

    # issue 19 (reach): the committee member's desk and the quarterly rating of the property company
    path("committee/", views.committee_desk, name="committee_desk"),
    path("committee/<int:pk>/ratings/", views.committee_ratings, name="committee_ratings"),
    path("ratings/<int:pk>/correct/", views.rating_correct, name="rating_correct"),
    # (end of issue 19 reach)
]
