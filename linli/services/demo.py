"""Demo resident orders (群众点单) and the parcel station on top of the demo street (``linli demo``): two providers
in 锦霞小区 with their offerings, and a bulky parcel waiting at the station for the demo login ``resident``.

Idempotent: nothing is added when 锦霞小区 already has its providers.
"""

from decimal import Decimal

from linli.people.models import Occupancy, Organization, User
from linli.places.models import Estate
from linli.services import services as svc
from linli.services.models import Provider


def load(*, out):
    estate = Estate.objects.filter(name="锦霞小区").first()
    admin = User.objects.filter(username="community_admin").first()
    if estate is None or admin is None or Provider.objects.filter(estate=estate).exists():
        return
    resident_user = User.objects.filter(username="resident").select_related("person").first()
    providers = []
    for org in Organization.objects.filter(name__in=["重庆义渡城市更新物业服务有限公司", "锦霞社区物业服务站"]):
        providers.append(svc.provider_add(actor=admin, organization=org, estate=estate))
    catalogue = (("桶装水", "goods", "18.00", "桶", True), ("家电上门维修", "service", "30.00", "次", False),
                 ("助老午餐", "meal", "12.00", "份", False), ("大米 25kg 团购", "goods", "95.00", "袋", True))
    for provider in providers:
        for name, kind, price, unit, bulky in catalogue[:2] if provider is providers[0] else catalogue[2:]:
            svc.offering_add(actor=admin, provider=provider, name=name, kind=kind, price=Decimal(price), unit=unit,
                             bulky=bulky)
    if resident_user and resident_user.person_id:
        occ = Occupancy.objects.current().filter(person=resident_user.person).select_related("home__estate").first()
        if occ:
            svc.parcel_register(actor=admin, home=occ.home, recipient=resident_user.person,
                                description="大米 25kg", bulky=True)
    out(f"群众点单：{len(providers)} 个接单单位；驿站包裹已登记。")
