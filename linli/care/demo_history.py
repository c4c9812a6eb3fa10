"""A year of care visits in 锦霞社区 (``linli demo``, issue 17): the visits of every plan, month by month.

The demo's care subjects (``linli/care/demo.py``) were enrolled, with their plans, thirteen months ago; since then
each has been visited as its plan says — weekly or monthly — by its visitors: the community's admin, the demo
volunteer ``resident`` on three of the plans, the 红管家 without an account on others (written down for them by
the community's staff, via ``staff``). Most visits come on the day or a day or two early; about one in eight comes
late (the plan was overdue for three days to two weeks), more often around the Spring Festival and in the
summer heat. The visits end where today's demo begins: each plan's last visit is one interval before its
``next_due`` (or before the demo's own visits), so the plans overdue today stay overdue. A few visits a month find
a problem, which the community resolves some days later (``problem_resolve``).

The visits and their problems are the rows ``visit_record`` writes (``Visit`` with the subject's first active
plan, the visitor, who recorded it and how, ``recorded_at`` a few hours after the visit; ``Problem``), in bulk:
every one is older than the plan's ``next_due``, so no plan moves. Not written for the past: the notification to
the community staff about each problem. Deterministic (a fixed seed), dates counted back from today. Idempotent:
nothing is added when the subjects already have visits older than a month.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from linli.care import services
from linli.care.models import CareSubject, Problem, Visit, VisitPlan
from linli.people.models import User
from linli.places.models import Division

COMMUNITY_CODE = "500104001001"  # 锦霞社区
SEED = 3017
DAYS = 395  # about thirteen months
NOTES = {
    "good": ("精神很好，按时服药", "身体硬朗，家里整洁", "刚从女儿家回来，心情不错", "血压正常，饮食规律"),
    "fair": ("腿脚不太方便，提醒注意防滑", "有些咳嗽，已提醒就医", "睡眠不好，聊了一会儿天", "独自在家，冰箱里菜不多"),
    "poor": ("感冒发烧，已联系家属陪同就医", "摔了一跤，膝盖擦伤，已处理"),
}
PROBLEMS = ("厨房水龙头漏水", "卫生间灯不亮", "热水器打不着火", "楼道扶手松动", "门锁不好开", "窗户关不严漏风",
            "燃气软管老化")
FIXES = ("已请物业上门维修", "志愿者已上门修好", "已联系家属更换", "已报修并修复")


def load(*, out) -> None:
    community = Division.objects.filter(code=COMMUNITY_CODE).first()
    admin = User.objects.filter(username="community_admin").first()
    if community is None or admin is None:
        return
    now = timezone.now()
    today = timezone.localdate(now)
    subjects = list(CareSubject.objects.filter(community=community, active=True).order_by("pk"))
    if not subjects or Visit.objects.filter(subject__in=subjects,
                                            visited_at__lt=now - datetime.timedelta(days=40)).exists():
        return
    rng = random.Random(SEED)
    start = today - datetime.timedelta(days=DAYS)
    enrolled = timezone.make_aware(datetime.datetime.combine(start, datetime.time(10)))
    # Enrolled, with their plans, thirteen months ago.
    CareSubject.objects.filter(pk__in=[s.pk for s in subjects]).update(created_at=enrolled)
    VisitPlan.objects.filter(subject__in=subjects).update(created_at=enrolled)
    rows: list[Visit] = []
    for subject in subjects:
        plans = list(VisitPlan.objects.filter(subject=subject, active=True).order_by("pk")
                     .prefetch_related("visitors", "visitor_people"))
        if not plans:
            continue
        plan = plans[0]
        own = list(Visit.objects.filter(subject=subject).order_by("visited_at").values_list("visited_at", flat=True))
        anchor = timezone.localtime(own[0]).date() if own else plan.next_due  # the next visit after the history
        visitors = [u for u in plan.visitors.all() if u.pk != admin.pk]
        stewards = list(plan.visitor_people.all())
        day = anchor - plan.interval
        while day > start + datetime.timedelta(days=3):
            visited_at = timezone.make_aware(datetime.datetime.combine(
                day, datetime.time(rng.choice((9, 10, 15, 16)), rng.choice((0, 15, 30)))))
            condition = rng.choices(("good", "fair", "poor"), weights=(60, 35, 5))[0]
            if stewards and rng.random() < 0.6:  # a 红管家 without an account, written down by the staff
                visitor, person, via = None, rng.choice(stewards), Visit.Via.STAFF
            elif visitors and rng.random() < 0.5:
                chosen = rng.choice(visitors)
                visitor, person, via = chosen, chosen.person, Visit.Via.SELF
            else:
                visitor, person, via = admin, admin.person, Visit.Via.SELF
            rows.append(Visit(subject=subject, plan=plan, visited_at=visited_at, visitor=visitor,
                              visitor_person=person, recorded_by=admin if via == Visit.Via.STAFF else visitor,
                              via=via, condition=condition, notes=rng.choice(NOTES[condition]),
                              recorded_at=min(visited_at + datetime.timedelta(hours=rng.randint(1, 6)), now)))
            # The visit before this one: on time or a day or two early, or late (the plan was overdue).
            late_odds = 0.25 if day.month in (1, 2, 7, 8) else 0.08
            late = rng.randint(3, 14) if rng.random() < late_odds else -rng.randint(0, 2)
            day -= plan.interval + datetime.timedelta(days=late)
    rows.sort(key=lambda v: (v.recorded_at, v.subject_id))
    rows = Visit.objects.bulk_create(rows, batch_size=500)
    problems = []
    for visit in rows:
        if rng.random() < 0.06:
            problems.append(Problem(visit=visit, description=rng.choice(PROBLEMS), urgent=False,
                                    place=Problem.Place.HOME))
    problems = Problem.objects.bulk_create(problems)
    by_pk = {v.pk: v for v in rows}
    for problem in problems:
        fixed = by_pk[problem.visit_id].recorded_at + datetime.timedelta(days=rng.randint(1, 10))
        if fixed < now:
            services.problem_resolve(actor=admin, problem=problem, resolution=rng.choice(FIXES), now=fixed)
    out(f"关爱探访历史：锦霞社区 {len(subjects)} 名关护对象近 13 个月探访 {len(rows)} 次，发现问题 {len(problems)} 个。")
