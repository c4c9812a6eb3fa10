"""Care demo data (``linli demo``): the elderly living alone, disabled and hardship residents of 锦霞社区 under
care, weekly or monthly visit plans (some overdue), a few visits with problems found, and the notifications.

The demo login ``resident`` (a volunteer) is the assigned visitor of three of them, so its own page shows
visits due. Idempotent: nothing is added when 锦霞社区 already has care subjects.
"""

import datetime

from django.utils import timezone

from linli.care import services
from linli.care.models import CareSubject
from linli.people.models import Person, User
from linli.places.models import Division

COMMUNITY_CODE = "500104001001"  # 锦霞社区
LIMIT = 24


def load(*, out):
    community = Division.objects.filter(code=COMMUNITY_CODE).first()
    if community is None or CareSubject.objects.filter(community=community).exists():
        return
    admin = User.objects.get(username="community_admin")
    resident = User.objects.filter(username="resident").first()
    today = timezone.localdate()
    flagged = (Person.objects.filter(occupancies__home__estate__community=community, occupancies__end__isnull=True)
               .exclude(is_elderly_alone=False, is_disabled=False, is_hardship=False).distinct().order_by("pk"))
    # 红管家 without an account (issue 15 item 8): assigned to a few plans, one visit written down for them by staff.
    stewards = list(Person.objects.filter(volunteer__community=community, volunteer__active=True,
                                          user__isnull=True).order_by("pk")[:4])
    made = 0
    for i, person in enumerate(flagged[:LIMIT]):
        if resident is not None and person.pk == resident.person_id:
            continue
        subject = services.subject_enrol(actor=admin, person=person)
        visitors = [admin] + ([resident] if resident is not None and i < 3 else [])
        weekly = "elderly_alone" in subject.kinds
        volunteers = [stewards[i % len(stewards)]] if stewards and 3 <= i < 9 else []
        plan = services.plan_create(actor=admin, subject=subject, frequency="weekly" if weekly else "monthly",
                                    visitors=visitors, volunteers=volunteers,
                                    first_due=today + datetime.timedelta(days=(i % 9) - 4))
        if volunteers and i == 4:
            services.visit_record(actor=admin, subject=subject, condition="good", on_behalf_of=volunteers[0],
                                  visited_at=timezone.now() - datetime.timedelta(days=2), notes="电话联系后上门",
                                  problems=["楼道灯不亮"], problem_place="common")
        if i % 4 == 0 and i != 4:
            services.visit_record(actor=admin, subject=subject, condition="fair" if i % 8 else "good",
                                  visited_at=timezone.now() - datetime.timedelta(days=10),
                                  notes="精神尚可，按时服药", problems=["厨房水龙头漏水"] if i % 8 == 0 else [])
            plan.refresh_from_db()
        made += 1
    notes = services.notify_overdue(today=today)
    out(f"关爱探访：{made} 名关护对象，{notes} 条逾期提醒。")
