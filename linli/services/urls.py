"""Pages of resident orders and the parcel station, under /volunteers/ (the paths they had in the volunteer app)."""

from django.urls import path

from linli.services import views

app_name = "services"

urlpatterns = [
    path("orders/", views.order_list, name="order_list"),
    path("orders/offerings/<int:pk>/", views.order_place, name="order_place"),
    path("orders/<int:pk>/<str:action>/", views.order_action, name="order_action"),
    path("parcels/", views.parcel_list, name="parcel_list"),
    path("parcels/new/", views.parcel_new, name="parcel_new"),
    path("parcels/<int:pk>/<str:action>/", views.parcel_action, name="parcel_action"),
]
