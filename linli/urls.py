from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from linli.core import views as core_views

admin.site.site_header = "邻里 管理后台"
admin.site.site_title = "邻里"
admin.site.index_title = "登记与配置"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("places/", include("linli.places.urls")),
    path("people/", include("linli.people.urls")),
    path("triage/", include("linli.triage.urls")),
    path("workorders/", include("linli.workorders.urls")),
    path("open311/v2/", include("linli.workorders.open311_urls")),
    path("fees/", include("linli.fees.urls")),
    path("assembly/", include("linli.assembly.urls")),
    path("volunteers/", include("linli.volunteers.urls")),
    path("care/", include("linli.care.urls")),
    path("api/v1/", include("linli.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
