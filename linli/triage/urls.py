from django.urls import path

from linli.triage import views

app_name = "triage"

urlpatterns = [
    path("", views.index, name="index"),
    path("try/", views.try_text, name="try"),
    path("correct/", views.correct, name="correct"),
    path("streets/<str:code>/taxonomy/", views.street_taxonomy, name="street_taxonomy"),
    path("streets/<str:code>/taxonomy/<int:pk>/", views.subcategory_edit, name="subcategory_edit"),
]
