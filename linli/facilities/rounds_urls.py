"""URLs of inspection rounds, under /facilities/rounds/ (included from linli/facilities/urls.py)."""

from django.urls import path

from linli.facilities import rounds_views as v

urlpatterns = [
    path("rounds/", v.index, name="rounds"),
    path("rounds/estate/<int:pk>/", v.estate, name="rounds_estate"),
    path("rounds/route/<int:pk>/", v.route, name="rounds_route"),
    path("rounds/route/<int:pk>/schedule/", v.route_schedule, name="rounds_route_schedule"),
    path("rounds/route/<int:pk>/checkpoints/", v.checkpoint_new, name="rounds_checkpoint_new"),
    path("rounds/route/<int:pk>/qr.pdf", v.route_sheet, name="rounds_route_sheet"),
    path("rounds/route/<int:pk>/start/", v.round_start, name="rounds_start"),
    path("rounds/round/<int:pk>/", v.round_detail, name="rounds_round"),
    path("rounds/round/<int:pk>/finish/", v.round_finish, name="rounds_finish"),
    path("rounds/c/<str:token>/", v.checkpoint, name="rounds_checkpoint"),
]
