"""The Linli WSGI application plus one bare view, ``/bench-floor/``, for bench/pages.py.

The floor goes through the same gunicorn, middleware, session and sign-in as every page (it reads the session and
the user) and renders nothing: what any signed-in page of this stack costs at least, measured in the same run as the
pages. Used only by the benchmark; the application itself never routes ``/bench-floor/``.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from django.contrib.auth.decorators import login_required  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

from linli import urls  # noqa: E402


@login_required
def floor(request):
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urls.urlpatterns.insert(0, path("bench-floor/", floor))
clear_url_caches()
