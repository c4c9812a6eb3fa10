"""/api/v1/: one router for every app's viewsets."""

from rest_framework.routers import DefaultRouter

from linli.people import api as people_api
from linli.places import api as places_api

router = DefaultRouter()
places_api.register(router)
people_api.register(router)

urlpatterns = router.urls + places_api.extra_urls
