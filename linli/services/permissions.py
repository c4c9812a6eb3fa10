"""Who may take which step on a resident order or a parcel: plain functions, called by the services themselves so
that pages and API get one answer. Who may *see* them is ``visible_to`` on their querysets (404 otherwise).

The community's admins (community, street, district) run the providers and the station, as they run its
volunteers (``linli.volunteers.permissions.can_manage``); a provider's own people take its orders; the estate's
property staff keep its station.
"""

from linli.people.scopes import PROPERTY_ROLES, scope_for
from linli.places.models import Estate
from linli.services.models import Provider
from linli.volunteers.permissions import can_manage, require_manager

__all__ = ["can_manage", "provider_staff", "require_manager", "station_staff"]


def provider_staff(actor, provider: Provider) -> bool:
    return provider.organization_id in scope_for(actor).own_org_ids


def station_staff(actor, estate: Estate) -> bool:
    """Who keeps the estate's station: the property staff of the estate and the community's admins."""
    scope = scope_for(actor)
    if can_manage(actor, estate.community):
        return True
    return bool(scope.roles & PROPERTY_ROLES) and Estate.objects.managed_by_staff_of(actor).filter(pk=estate.pk).exists()
