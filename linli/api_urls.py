"""/api/v1/: one router for every app's viewsets; each app's api.py has register(router) and extra_urls."""

from importlib import import_module

from rest_framework.routers import DefaultRouter

APPS = ["places", "people", "triage", "workorders", "meetings", "fees", "assembly", "volunteers", "services", "care"]

router = DefaultRouter()
urlpatterns = []
for app in APPS:
    module = import_module(f"linli.{app}.api")
    module.register(router)
    urlpatterns += getattr(module, "extra_urls", [])
urlpatterns = router.urls + urlpatterns
