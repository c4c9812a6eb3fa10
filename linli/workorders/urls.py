from django.urls import path, re_path
from django.views.generic import RedirectView

from linli.workorders import views

app_name = "workorders"

CODE = r"(?P<code>\d{8}-\d{4,})"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("mine/", views.mine, name="mine"),
    # the resident's phone page behind a poster's QR code (public)
    path("r/<str:token>/", views.report, name="report"),
    path("r/<str:token>/done/<str:code>/", views.reported, name="reported"),
    # the posters' QR codes and the WeChat group link: signed in → the user's first page, else the report page
    path("go/<str:token>/", views.go, name="go"),
    path("report/", views.report_mine, name="report_mine"),
    path("posters/", views.poster_list, name="posters"),
    path("posters/estate/<int:pk>.pdf", views.poster_estate, name="poster_estate"),
    path("posters/building/<int:pk>.pdf", views.poster_building, name="poster_building"),
    path("desk/", views.desk, name="desk"),
    path("desk/people/", views.desk_people, name="desk_people"),
    path("desk/people/<int:pk>/", views.desk_pick, name="desk_pick"),
    path("places/options/", views.place_options, name="place_options"),
    path("patrol/", views.patrol, name="patrol"),
    path("bulk-dispatch/", views.bulk_dispatch, name="bulk_dispatch"),
    path("board/", views.board, name="board"),
    path("overdue/", views.overdue_board, name="overdue"),
    path("notifications/", RedirectView.as_view(pattern_name="notify:inbox", permanent=True)),  # moved (issue 14)
    path("routing/", views.routing_rules, name="routing"),
    path("routing/new/", views.routing_edit, name="routing_new"),
    path("routing/<int:pk>/", views.routing_edit, name="routing_edit"),
    path("routing/defaults/", views.routing_defaults, name="routing_defaults"),
    path("rates/", views.rates_page, name="rates"),
    path("rates/<str:code>/", views.rates_page, name="rates_division"),
    # issue 19 (reach): a committee member's read-only view of their estate's orders
    path("committee/", views.committee_orders, name="committee_orders"),
    re_path(rf"^committee/{CODE}/$", views.committee_order, name="committee_order"),
    # (end of issue 19 reach)
    re_path(rf"^{CODE}/$", views.order_detail, name="order"),
    re_path(rf"^{CODE}/act/(?P<action>[a-z_]+)/$", views.order_act, name="order_act"),
    re_path(rf"^{CODE}/files/(?P<pk>\d+)/$", views.order_file, name="order_file"),
]
