from django.conf import settings

from linli.core.access import scope_for
from linli.core.large_type import large_type_on
from linli.core.nav import items_for


def linli(request):
    user = getattr(request, "user", None)
    scope = scope_for(user)
    nav = items_for(scope, user) if user is not None and user.is_authenticated else []
    # Not "site_name": Django's auth views (sign-in, password pages) set that to the request's host, and a view's
    # context wins over a context processor's, so titles read "登录 · 127.0.0.1" (issue 18 item 6).
    return {"linli_name": settings.LINLI_SITE_NAME, "scope": scope, "nav_items": nav,
            "large_type": large_type_on(request)}
