from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from linli.core import health, pwa
from linli.people import views as people_views
from linli.people import views_account
from linli.people.urls import registry_patterns

API_DOCS_CSP = {"style-src": ["'unsafe-inline'"], "img-src": ["data:"], "worker-src": ["blob:"]}

admin.site.site_header = "邻里 管理后台"
admin.site.site_title = "邻里"
admin.site.index_title = "登记与配置"

urlpatterns = [
    path("", people_views.home, name="home"),
    # Installable and offline (core/pwa.py): the worker at the root so that its scope is the whole site.
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("healthz", health.healthz, name="healthz"), path("readyz", health.readyz, name="readyz"),  # see core/health.py
    path("accounts/login/", views_account.LoginView.as_view(), name="login"),
    path("accounts/logout/", views_account.LogoutView.as_view(), name="logout"),
    # Phone number and one-time code (手机验证码登录, docs/sign-in.md).
    path("accounts/login/code/", views_account.code_login, name="login_code"),
    path("accounts/login/code/verify/", views_account.code_verify, name="login_code_verify"),
    path("accounts/login/code/choose/", views_account.code_choose, name="login_code_choose"),
    path("accounts/large-type/", views_account.large_type, name="large_type"),
    path("accounts/password/", views_account.PasswordChangeView.as_view(), name="password_change"),
    # The admin signs in and out through the same audited (and, for sign-in, lockout-guarded) pages.
    path("admin/login/", views_account.LoginView.as_view()),
    path("admin/logout/", views_account.LogoutView.as_view()),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("places/", include("linli.places.urls")),
    path("places/registry/", include(registry_patterns)),  # homes and residents: linli.people, above places
    path("people/", include("linli.people.urls")),
    path("triage/", include("linli.triage.urls")),
    # Joint meetings and resident orders have apps of their own but keep the paths they had (bookmarks, posters).
    path("workorders/meetings/", include("linli.meetings.urls")),
    path("workorders/", include("linli.workorders.urls")),
    path("open311/v2/", include("linli.workorders.open311_urls")),
    path("fees/", include("linli.fees.urls")),
    path("assembly/", include("linli.assembly.urls")),
    path("volunteers/", include("linli.services.urls")),
    path("volunteers/", include("linli.volunteers.urls")),
    path("care/", include("linli.care.urls")),
    path("dashboard/", include("linli.dashboard.urls")),
    path("residents/", include("linli.residents.urls")),
    path("facilities/", include("linli.facilities.urls")),
    path("repairfund/", include("linli.repairfund.urls")),
    path("renovation/", include("linli.renovation.urls")),
    path("notify/", include("linli.notify.urls")),
    path("notify/wechat/", include("linli.notify.bind_urls")),
    path("api/v1/", include("linli.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI with its start-up script as a file (no inline script); it and Redoc style themselves inline, so
    # these two pages (and only they) allow inline styles and data: images.
    path("api/docs/", csp_update(API_DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
         name="api-docs"),
    path("api/redoc/", csp_update(API_DOCS_CSP)(SpectacularRedocView.as_view(
        url_name="api-schema", template_name="core/redoc.html")), name="api-redoc"),
]
