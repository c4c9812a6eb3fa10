from django.urls import path

from linli.people import views, views_bodies, views_household, views_registry

app_name = "people"

urlpatterns = [
    path("persons/", views.person_list, name="person_list"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    # Households and the walk-in desk (issue 18): linli/people/views_household.py.
    path("household/", views_household.my_household, name="household"),
    path("homes/<int:home_id>/household/", views_household.home_household, name="home_household"),
    path("household/members/<int:occupancy_id>/remove/", views_household.remove_member, name="household_remove"),
    path("household/invitations/<int:invitation_id>/revoke/", views_household.revoke_invitation,
         name="invitation_revoke"),
    path("desk/", views_household.desk_register, name="desk_register"),
    path("desk/homes/", views_household.desk_homes, name="desk_homes"),
    # Bodies and posts, cross-posting, co-governance committees (issue 19): linli/people/views_bodies.py.
    path("bodies/", views_bodies.body_list, name="body_list"),
    path("bodies/new/", views_bodies.body_new, name="body_new"),
    path("bodies/<int:body_id>/", views_bodies.body_detail, name="body_detail"),
    path("bodies/<int:body_id>/posts/new/", views_bodies.post_add, name="post_add"),
    path("bodies/<int:body_id>/people/", views_bodies.body_people, name="body_people"),
    path("posts/<int:post_id>/end/", views_bodies.post_end, name="post_end"),
]

# The registry sheets (homes and who lives in them) under /places/registry/ (linli/urls.py), namespace "registry".
registry_patterns = ([
    path("import/", views_registry.registry_import, name="import"),
    path("template.<str:fmt>", views_registry.registry_template, name="template"),
    path("export.<str:fmt>", views_registry.registry_export, name="export"),
], "registry")
