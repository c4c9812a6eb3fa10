from django.urls import path

from linli.places import views

app_name = "places"

urlpatterns = [
    path("divisions/", views.division_list, name="division_list"),
    path("estates/", views.estate_list, name="estate_list"),
    path("estates/<int:pk>/", views.estate_detail, name="estate_detail"),
    path("estates/<int:pk>/stewardship/", views.stewardship_new, name="stewardship_new"),
    path("stewardships/<int:pk>/correct/", views.stewardship_correct_page, name="stewardship_correct"),
    path("buildings/<int:pk>/homes/", views.building_homes, name="building_homes"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage/<str:code>/", views.coverage_page, name="coverage_division"),
]
