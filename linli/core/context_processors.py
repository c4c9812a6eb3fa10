from django.conf import settings

from linli.core.access import scope_for
from linli.core.nav import items_for


def linli(request):
    user = getattr(request, "user", None)
    scope = scope_for(user)
    nav = items_for(scope, user) if user is not None and user.is_authenticated else []
    return {"site_name": settings.LINLI_SITE_NAME, "scope": scope, "nav_items": nav}
