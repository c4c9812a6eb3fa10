from django.urls import path

from . import views

app_name = "notify"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.read, name="read"),
    path("read-all/", views.read_all, name="read_all"),
    path("settings/", views.channel_settings, name="settings"),
    path("deliveries/", views.deliveries, name="deliveries"),
    # path("wechat/", include("linli.notify.bind_urls")),  # the WeChat binding (linli/urls.py includes it today)
]
