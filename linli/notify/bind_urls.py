"""Binding a resident's WeChat openid from the H5 page (included under ``notify/wechat/``)."""

from django.urls import path

from . import bind_views

app_name = "notify_wechat"

urlpatterns = [
    path("bind/", bind_views.bind_start, name="bind"),
    path("bind/done/", bind_views.bind_done, name="bind_done"),
    path("bind/unbind/", bind_views.unbind, name="unbind"),
]
