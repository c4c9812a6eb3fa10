"""Pages of joint meetings (吹哨报到) and rates; included by linli/workorders/urls.py."""

from django.urls import path  # noqa: F401

urlpatterns = []
