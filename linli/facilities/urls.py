from django.urls import include, path  # noqa: F401

from linli.facilities import rounds_urls

app_name = "facilities"
urlpatterns = []
urlpatterns += rounds_urls.urlpatterns  # inspection rounds (巡检): rounds_urls.py
