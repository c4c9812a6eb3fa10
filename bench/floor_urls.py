"""Linli's URLs plus ``POST /bench/floor/``: a bare Django view that runs one INSERT and answers 201.

It passes through the same gunicorn, WSGI handler and middleware as every Linli request, and nothing else (no
DRF, no authentication, no serializer): the yardstick the intake's throughput is measured against in the same
run (bench/workorders.py). The table ``bench_floor`` is made by the bench."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from linli.urls import urlpatterns as linli_urlpatterns


@csrf_exempt
def floor(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_floor (body) VALUES (%s)", [request.body[:200].decode("utf-8", "replace")])
    return HttpResponse(status=201)


urlpatterns = [path("bench/floor/", floor), *linli_urlpatterns]
