from django.urls import path

from linli.facilities import rounds_urls, views

app_name = "facilities"
urlpatterns = [
    path("", views.index, name="index"),
    path("due/", views.due, name="due"),
    path("template.xlsx", views.template_xlsx, name="template"),
    path("estates/<int:pk>/", views.estate_ledger, name="estate"),
    path("estates/<int:pk>/new/", views.facility_new, name="facility_new"),
    path("estates/<int:pk>/import/", views.facility_import, name="import"),
    path("<int:pk>/", views.facility_detail, name="facility"),
    path("<int:pk>/record/", views.record_new, name="record_new"),
    path("<int:pk>/fault/", views.fault_new, name="fault_new"),
    path("<int:pk>/retire/", views.facility_retire, name="retire"),
    path("<int:pk>/change/", views.facility_change, name="change"),
    path("records/<int:pk>/correct/", views.record_correct, name="record_correct"),
]
urlpatterns += rounds_urls.urlpatterns  # inspection rounds (巡检): rounds_urls.py
