from django.urls import path

from linli.people import views

app_name = "people"

urlpatterns = [
    path("persons/", views.person_list, name="person_list"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
]
