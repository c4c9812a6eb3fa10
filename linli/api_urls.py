"""/api/v1/: one router for every app's viewsets. An installed Linli app takes part by having an ``api`` module with
``register(router)`` and, optionally, ``extra_urls``; they are found in INSTALLED_APPS order."""

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
urlpatterns = []
for config in apps.get_app_configs():
    if config.name.startswith("linli.") and module_has_submodule(config.module, "api"):
        module = import_module(f"{config.name}.api")
        if not hasattr(module, "register"):  # core's api module is the building blocks, not endpoints
            continue
        module.register(router)
        urlpatterns += getattr(module, "extra_urls", [])
urlpatterns = router.urls + urlpatterns
