from django.urls import path

from . import views

app_name = "renovation"
urlpatterns = [
    path("", views.index, name="index"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/handover/", views.project_handover, name="project_handover"),
    path("p/<int:pk>/", views.project_public, name="project_public"),
    path("estates/<int:pk>/", views.estate_page, name="estate"),
    path("emergency/new/", views.emergency_new, name="emergency_new"),
    path("emergency/<int:pk>/", views.emergency_detail, name="emergency_detail"),
    path("emergency/<int:pk>/notice/", views.emergency_notice, name="emergency_notice"),
]
