from django.urls import path

from linli.places import views, views_registry

app_name = "places"

urlpatterns = [
    path("divisions/", views.division_list, name="division_list"),
    path("estates/", views.estate_list, name="estate_list"),
    path("estates/<int:pk>/", views.estate_detail, name="estate_detail"),
    path("estates/<int:pk>/stewardship/", views.stewardship_new, name="stewardship_new"),
    path("buildings/<int:pk>/homes/", views.building_homes, name="building_homes"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage/<str:code>/", views.coverage_page, name="coverage_division"),
    path("registry/import/", views_registry.registry_import, name="registry_import"),
    path("registry/template.<str:fmt>", views_registry.registry_template, name="registry_template"),
    path("registry/export.<str:fmt>", views_registry.registry_export, name="registry_export"),
]
