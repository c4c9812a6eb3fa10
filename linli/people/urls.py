from django.urls import path

from linli.people import views, views_registry

app_name = "people"

urlpatterns = [
    path("persons/", views.person_list, name="person_list"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
]

# The registry sheets (homes and who lives in them) under /places/registry/ (linli/urls.py), namespace "registry".
registry_patterns = ([
    path("import/", views_registry.registry_import, name="import"),
    path("template.<str:fmt>", views_registry.registry_template, name="template"),
    path("export.<str:fmt>", views_registry.registry_export, name="export"),
], "registry")
