"""The street the scripted day runs on, written into the check's database (``python -m deploy.check.seed``).

The test cast (linli/core/testing.py: a district, street 九宫庙 with communities 锦霞 and 新工, estate 锦霞小区
managed by company X, one user per role), the organisations work orders are routed to (the community committee
and the street's property service centre) with the default routing table, ``--residents`` residents with a home
each in 锦霞小区 1栋, and an API key for every client of the day. The company's manager has a phone number and
chose SMS: every notification to the company is one SMS delivery. Prints one JSON line: the ids and keys the clients need.
"""

import argparse
import json
import os
from decimal import Decimal


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=8)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    import django

    django.setup()
    from django.db import transaction

    import linli
    from linli.core.testing import build_world
    from linli.notify.models import ChannelPreference
    from linli.people.models import ApiKey, Membership, Occupancy, Organization, Person, Role, User
    from linli.places.models import Home
    from linli.workorders.routing import ensure_default_rules

    def key_for(user, name):
        key = ApiKey.generate()
        ApiKey.objects.create(name=name, user=user, prefix=key[:8], key_hash=ApiKey.hash(key))
        return key

    with transaction.atomic():
        world = build_world()
        Organization.objects.create(name="锦霞社区居委会", kind="community_committee", division=world.c1)
        Organization.objects.create(name="新工社区居委会", kind="community_committee", division=world.c2)
        Organization.objects.create(name="九宫庙街道物业服务中心", kind="property_centre", division=world.street)
        ensure_default_rules(world.street)
        residents = []
        for n in range(args.residents):
            home = Home.objects.create(building=world.building_a, entrance="2", floor=2 + n // 4,
                                       number=f"{2 + n // 4}0{1 + n % 4}", area=Decimal("55.00"))
            person = Person.objects.create(name=f"居民{n + 1:02d}", phone=f"1370000{n + 1:04d}")
            Occupancy.objects.create(person=person, home=home, relation="owner")
            user = User.objects.create_user(username=f"resident_{n + 1:02d}", display_name=person.name)
            user.person = person
            user.save()
            Membership.objects.create(user=user, role=Role.RESIDENT, estate=world.estate_a)
            residents.append({"username": user.username, "key": key_for(user, f"check-{user.username}"),
                              "home": home.pk, "user": user.pk})
        # Staff with a phone: the SMS notifications of the day go to them.
        sms_users = []
        for n, name in enumerate(("manager_a",)):
            user = world.users[name]
            user.person = Person.objects.create(name=f"员工{n + 1}", phone=f"1360000{n + 1:04d}")
            user.save()
            ChannelPreference.objects.create(user=user, channel="sms")
            sms_users.append(user.pk)
        staff = {name: key_for(world.users[name], f"check-{name}")
                 for name in ("manager_a", "staff_a", "community_admin", "street_admin")}
    print(json.dumps({
        "linli": linli.__file__,
        "street": world.street.pk, "estate": world.estate_a.pk, "building": world.building_a.pk,
        "company": world.company.pk, "residents": residents, "staff": staff, "sms_users": sms_users,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
