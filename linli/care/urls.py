from django.urls import path
from django.views.generic import RedirectView

from linli.care import views

app_name = "care"

urlpatterns = [
    path("", views.subject_list, name="subject_list"),
    path("overdue/", views.overdue, name="overdue"),
    path("subjects/new/", views.subject_new, name="subject_new"),
    path("subjects/<int:pk>/", views.subject_detail, name="subject_detail"),
    path("subjects/<int:pk>/plan/", views.plan_new, name="plan_new"),
    path("subjects/<int:pk>/visit/", views.visit_new, name="visit_new"),
    path("problems/<int:pk>/<str:action>/", views.problem_action, name="problem_action"),
    path("notifications/", RedirectView.as_view(url="/notify/?kind=care", permanent=True)),  # moved (issue 14)
]
