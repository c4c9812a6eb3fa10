from django.urls import path

from linli.volunteers import views
from linli.volunteers.views import lists as more

app_name = "volunteers"

urlpatterns = [
    path("", views.me, name="me"),
    path("people/", views.volunteer_list, name="volunteer_list"),
    path("people/new/", views.volunteer_new, name="volunteer_new"),
    path("people/search/", views.people_search, name="people_search"),
    path("people/<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("teams/", views.team_list, name="team_list"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/sign-up/", views.activity_sign_up, name="activity_sign_up"),
    path("activities/<int:pk>/roster/", views.activity_roster, name="activity_roster"),
    path("activities/<int:pk>/qr.svg", views.activity_qr, name="activity_qr"),
    path("activities/<int:pk>/qr/renew/", views.activity_qr_renew, name="activity_qr_renew"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("points/", views.points, name="points"),
    path("points/<int:pk>/reverse/", views.points_reverse, name="points_reverse"),
    path("rewards/", views.reward_list, name="reward_list"),
    path("rewards/<int:pk>/redeem/", views.reward_redeem, name="reward_redeem"),
    path("redemptions/", views.redemption_list, name="redemption_list"),
    path("redemptions/<int:pk>/", views.redemption_action, name="redemption_action"),
    path("rankings/", views.rankings, name="rankings"),
    path("board/<str:code>/", views.board_page, name="board"),
]

urlpatterns += [
    path("lists/", more.list_offers, name="list_offers"),
    path("lists/offers/new/", more.offer_new, name="offer_new"),
    path("lists/needs/new/", more.need_new, name="need_new"),
    path("lists/needs/<int:pk>/", more.need_detail, name="need_detail"),
    path("lists/needs/<int:pk>/action/", more.need_action, name="need_action"),
    path("wishes/", more.wish_list, name="wish_list"),
    path("wishes/pool/", more.wish_pool, name="wish_pool"),
    path("wishes/new/", more.wish_new, name="wish_new"),
    path("wishes/<int:pk>/", more.wish_detail, name="wish_detail"),
    path("wishes/<int:pk>/photo/", more.wish_photo, name="wish_photo"),
    path("wishes/<int:pk>/<str:action>/", more.wish_action, name="wish_action"),
]
