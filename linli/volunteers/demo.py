"""Demo data of volunteers on top of the demo street (``linli demo``): 136 红管家 (seed 002), four teams of
锦霞社区 (seed 004), activities with points, rewards, the three lists and micro-wishes
(resident orders and parcels: linli/services/demo.py).

The demo login ``resident`` is a volunteer too: it can scan an activity's QR code, earn and redeem points.
Idempotent: nothing is added when 锦霞社区 already has its teams.
"""

import datetime
import random

from django.utils import timezone

from linli.people.models import Occupancy, Organization, Person, User
from linli.places.models import Division, Estate
from linli.volunteers import lists, services, wishes
from linli.volunteers.models import (
    Participation,
    PointsAccount,
    PointsEntry,
    Team,
    Volunteer,
)

COMMUNITY_CODE = "500104001001"  # 锦霞社区
TEAMS = (("锦霞爱心帮扶组", "care"), ("锦霞环境整治组", "environment"), ("锦霞政策宣传组", "policy"),
         ("锦霞矛盾化解组", "mediation"))
RED_STEWARDS = 136
SKILLS = ["repair", "plumbing", "cleaning", "errands", "companionship", "tutoring", "mediation", "haircut"]


def load(*, out):
    community = Division.objects.filter(code=COMMUNITY_CODE).first()
    if community is None or Team.objects.filter(community=community).exists():
        return
    rng = random.Random(20220302)
    now = timezone.now()
    admin = User.objects.get(username="community_admin")
    street = community.parent
    teams = [Team.objects.create(name=n, kind=k, community=community) for n, k in TEAMS]

    # 136 红管家 across the street: party members first, then other residents, in a fixed order.
    occ = (Occupancy.objects.current().filter(home__estate__community__parent=street, relation="owner")
           .select_related("person", "home__estate__community").order_by("person_id"))
    owners = list({o.person_id: o for o in occ}.values())
    party = [o for o in owners if o.person.is_party_member]
    others = [o for o in owners if not o.person.is_party_member]
    picked = rng.sample(party, min(len(party), 90))
    chosen = sorted(picked + rng.sample(others, RED_STEWARDS - len(picked)), key=lambda o: o.person_id)
    resident_user = User.objects.filter(username="resident").select_related("person").first()
    volunteers = [Volunteer(person=o.person, community=o.home.estate.community, skills=rng.sample(SKILLS, 2),
                            weekdays=sorted(rng.sample(range(7), 3)), badge="red_steward",
                            shows_party_identity=o.person.is_party_member, joined_on=datetime.date(2021, 6, 1))
                  for o in chosen if not resident_user or o.person_id != resident_user.person_id]
    Volunteer.objects.bulk_create(volunteers)
    in_jx = [v for v in Volunteer.objects.filter(community=community).order_by("pk")]
    for i, v in enumerate(in_jx):
        v.teams.add(teams[i % len(teams)])
    if resident_user and resident_user.person_id:
        me = services.volunteer_enrol(actor=admin, person=resident_user.person, skills=["errands", "cleaning"],
                                      weekdays=[5, 6], availability="周末上午")
        me.teams.add(teams[1])

    # Activities: two in the past with points, one running now (scan its QR code), two coming.
    estate = Estate.objects.get(name="锦霞小区")
    day = datetime.timedelta(days=1)
    past = []
    for i, (title, kind) in enumerate((("垃圾分类定时定点值守", "garbage"), ("夜间平安巡查", "patrol"))):
        start = now - (14 - 7 * i) * day
        past.append(services.activity_create(actor=admin, title=title, kind=kind, community=community, estate=estate,
                                             starts_at=start, ends_at=start + datetime.timedelta(hours=2),
                                             points_fixed=5, points_per_hour=10, points_cap=30))
    services.activity_create(actor=admin, title="楼道清扫日", kind="cleaning", community=community, estate=estate,
                             place="1栋门口集合", starts_at=now - datetime.timedelta(minutes=20),
                             ends_at=now + datetime.timedelta(hours=2), points_fixed=5, points_per_hour=10)
    services.activity_create(actor=admin, title="独居老人助浴助洁", kind="elderly", community=community,
                             team=teams[0], starts_at=now + 3 * day, ends_at=now + 3 * day + datetime.timedelta(hours=3),
                             points_fixed=10, points_per_hour=10, capacity=8)
    services.activity_create(actor=admin, title="邻里纠纷调解日", kind="mediation", community=community, team=teams[3],
                             starts_at=now + 5 * day, ends_at=now + 5 * day + datetime.timedelta(hours=2),
                             points_fixed=10)
    # Past participations and their points, in bulk (the rule: 5 + 10 per full hour).
    parts, entries = [], []
    for activity in past:
        for v in in_jx[: 12 + rng.randrange(8)]:
            minutes = rng.choice([60, 90, 120])
            points = services.points_for(activity, minutes)
            parts.append(Participation(activity=activity, person=v.person, status="done",
                                       signed_up_at=activity.starts_at - datetime.timedelta(days=1),
                                       checked_in_at=activity.starts_at, checked_in_via="qr",
                                       checked_out_at=activity.starts_at + datetime.timedelta(minutes=minutes),
                                       checked_out_via="qr", minutes=minutes, points=points))
    Participation.objects.bulk_create(parts)
    accounts = {a.person_id: a for a in PointsAccount.objects.bulk_create(
        [PointsAccount(person_id=pid) for pid in sorted({p.person_id for p in parts})])}
    for p in Participation.objects.filter(activity__in=past).select_related("activity"):
        entries.append(PointsEntry(account=accounts[p.person_id], amount=p.points, kind="activity",
                                   reason=f"参加活动：{p.activity.title}（{p.hours} 小时）", community=community,
                                   estate=estate, participation=p, actor=admin, at=p.checked_out_at))
    PointsEntry.objects.bulk_create(entries)
    if resident_user and resident_user.person_id:
        services.points_adjust(actor=admin, person=resident_user.person, amount=40, reason="协助调处楼栋漏水纠纷",
                               community=community, estate=estate)

    for name, kind, cost, stock in (("环保购物袋", "item", 20, 50), ("洗衣液 2kg", "item", 60, 20),
                                    ("大米 5kg", "item", 120, 10), ("上门理发一次", "service", 40, None),
                                    ("社区活动室优先预约", "priority", 30, None)):
        services.reward_create(actor=admin, community=community, name=name, kind=kind, cost=cost, stock=stock)

    # The three lists.
    for v, (title, skill) in zip(in_jx[:4], (("义务维修小家电", "repair"), ("水电小修", "plumbing"),
                                             ("陪独居老人聊天", "companionship"), ("周末课业辅导", "tutoring")),
                                 strict=False):
        lists.offer_add(actor=admin, list_kind="supply" if v.person.is_party_member else "service",
                        source="party_member" if v.person.is_party_member else "volunteer", skill=skill,
                        title=title, person=v.person, community=community, weekdays=v.weekdays)
    station = Organization.objects.filter(name="锦霞社区物业服务站").first()
    if station:
        lists.offer_add(actor=admin, list_kind="supply", source="organization", skill="cleaning", title="楼道深度保洁",
                        organization=station, community=community)
    elders = list(Person.objects.filter(is_elderly_alone=True, occupancies__home__estate__community=community)
                  .distinct().order_by("pk")[:6])
    for person, (title, skill) in zip(elders[:2], (("电饭煲坏了想请人看看", "repair"), ("想有人周末来聊聊天", "companionship")),
                                      strict=False):
        need = lists.need_add(actor=admin, person=person, skill=skill, title=title)
        lists.match_propose(need=need)

    # Micro-wishes: pending, open, claimed, fulfilled.
    titles = ("想要一台能听戏的收音机", "想给孙子买一套课外书", "想请人帮忙换个灯泡", "想学会用智能手机视频通话")
    for i, (person, title) in enumerate(zip(elders[2:], titles, strict=False)):
        wish = wishes.wish_post(actor=admin, beneficiary=person, title=title, source="paper" if i % 2 else "online")
        if i >= 1:
            wish = wishes.wish_review(actor=admin, wish=wish, approve=True)
        if i >= 2 and in_jx:
            claimant = User.objects.filter(person=in_jx[0].person).first() or admin
            wish.claimed_by_user = claimant
            wish.status, wish.claimed_at, wish.claim_due = "claimed", now, now + 14 * day
            wish.save()

    out(f"志愿服务：{len(volunteers) + 1} 名红管家，{len(teams)} 支队伍，5 个活动，{len(entries) + 1} 条积分流水。")
