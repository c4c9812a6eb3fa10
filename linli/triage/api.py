"""API of the triage app under /api/v1/: POST triage/classify/ for members (residents and staff)."""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import IsMember
from linli.places.models import Estate
from linli.triage import services
from linli.triage.serializers import ClassifyRequestSerializer, ClassifyResponseSerializer


class ClassifyView(APIView):
    """Classify one complaint: category, subcategory, confidence, tier, level, urgency and keywords."""

    permission_classes = [IsMember]

    @extend_schema(request=ClassifyRequestSerializer, responses=ClassifyResponseSerializer, tags=["triage"],
                   summary="诉求智能分拣")
    def post(self, request):
        data = ClassifyRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        street = None
        estate_id = data.validated_data.get("estate")
        if estate_id is not None:
            estate = Estate.objects.visible_to(request.user).select_related("community__parent").filter(
                pk=estate_id).first()
            if estate is None:  # the same answer for "not yours" and "does not exist"
                raise exceptions.ValidationError({"estate": [_("小区不存在")]})
            street = services.street_of(estate=estate)
        else:
            street = services.streets_for(request.user).first()
        return Response(services.classify(data.validated_data["text"], street=street))


extra_urls = [path("triage/classify/", ClassifyView.as_view(), name="triage-classify")]


def register(router):
    pass
