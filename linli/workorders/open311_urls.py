"""Open311 GeoReport v2 at /open311/v2/ (filled in by the interfaces work)."""

from django.urls import path  # noqa: F401

urlpatterns = []
