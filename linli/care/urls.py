from django.urls import path
from django.views.generic import RedirectView

from linli.care import views, views_link

app_name = "care"

urlpatterns = [
    path("", views.subject_list, name="subject_list"),
    path("overdue/", views.overdue, name="overdue"),
    path("subjects/new/", views.subject_new, name="subject_new"),
    path("subjects/<int:pk>/", views.subject_detail, name="subject_detail"),
    path("people/", views.subject_people, name="subject_people"),
    path("subjects/<int:pk>/people/", views.plan_people, name="plan_people"),
    path("subjects/<int:pk>/plan/", views.plan_new, name="plan_new"),
    path("subjects/<int:pk>/visit/", views.visit_new, name="visit_new"),
    path("problems/<int:pk>/<str:action>/", views.problem_action, name="problem_action"),
    path("plans/<int:pk>/link/", views.link_new, name="link_new"),
    path("links/<int:pk>/revoke/", views.link_revoke, name="link_revoke"),
    path("v/<str:token>/", views_link.visit_by_link, name="visit_link"),  # no sign-in: a volunteer's own link
    path("notifications/", RedirectView.as_view(url="/notify/?kind=care", permanent=True)),  # moved (issue 14)
]
