from django.conf import settings

from linli.people.scopes import scope_for


def linli(request):
    user = getattr(request, "user", None)
    scope = scope_for(user)
    return {"site_name": settings.LINLI_SITE_NAME, "scope": scope}
