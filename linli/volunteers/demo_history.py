"""A year of volunteering in 锦霞社区 (``linli demo``, issue 17): hours, points and micro-wishes month by month.

Every month of the twelve full months before this one and this one to date: three to four activities of the
community's volunteers (垃圾分类值守 and 平安巡查 all year, 环境清扫 more in spring and summer, 助老服务 and
政策宣传 in the rest), each with a dozen or two of its 红管家 checked in and out by the organiser — the hours and
the points of the activity's rule written as ``activity_check_out`` writes them (participation, minutes, points,
one ``activity`` ledger entry), in bulk; at the end of the month a few volunteers spend points on the community's
rewards through ``redeem`` (only what their balance allowed at that time). And two to four micro-wishes (微心愿) of
the community's elderly and hardship residents: entered from paper by the community, checked, claimed by the demo
volunteer ``resident`` or by the property company, fulfilled with a photo within the claim period and thanked —
all through linli/volunteers/wishes.py with the time of each step.

Deterministic (a fixed seed), dates counted back from today. Idempotent: nothing is added when the first month's
activity is there. The notifications the services send for the past are marked read.
"""

from __future__ import annotations

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.utils import timezone

from linli.notify.models import Notification
from linli.people.models import Membership, Person, User
from linli.places.models import Division, Estate
from linli.volunteers import services, wishes
from linli.volunteers.models import (
    Activity,
    Participation,
    PointsAccount,
    PointsEntry,
    Reward,
    Volunteer,
    Wish,
)

COMMUNITY_CODE = "500104001001"  # 锦霞社区
SEED = 2017
MONTHS = 13  # the twelve full months before this one, and this one
D = datetime.timedelta(days=1)
H = datetime.timedelta(hours=1)
FIRST_TITLE = "垃圾分类定时定点值守（{month}月）"

# (title, kind, points_fixed, points_per_hour, cap, months it is held in (None: every month))
ACTIVITIES = (
    ("垃圾分类定时定点值守（{month}月）", "garbage", 5, 10, 30, None),
    ("夜间平安巡查（{month}月）", "patrol", 5, 10, 30, None),
    ("楼道和背街小巷清扫", "cleaning", 5, 10, None, {3, 4, 5, 6, 7, 8, 9}),
    ("独居老人助浴助洁", "elderly", 10, 10, None, {1, 2, 10, 11, 12}),
    ("防汛和防溺水宣传", "publicity", 5, 5, None, {5, 6, 7}),
    ("燃气安全和防诈骗宣传", "publicity", 5, 5, None, {1, 2, 11, 12}),
)
WISHES = (
    ("想要一台能听戏的收音机", "goods"), ("想请人帮忙修修漏水的水龙头", "service"), ("想有人陪着去医院复查", "company"),
    ("想要一套老花镜和放大镜", "goods"), ("想学会用手机挂号", "study"), ("想请人上门量量血压", "health"),
    ("孙子想要一套初中数学辅导书", "study"), ("想换一床厚棉被过冬", "goods"), ("想请人帮忙剪剪头发", "service"),
    ("想要一个电热水壶", "goods"), ("想有人周末来聊聊天", "company"), ("想请人把阳台的晾衣杆修好", "service"),
)
THANKS = ("谢谢你们，心里暖暖的！", "感谢志愿者，太贴心了。", "谢谢社区和好心人。", "非常感谢，祝好人一生平安。")


def _month_start(today: datetime.date, back: int) -> datetime.date:
    year, month = today.year, today.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.date(year, month, 1)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _photo(rng: random.Random, n: int) -> SimpleUploadedFile:
    """A small plain photo (the service requires one and re-encodes it)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (rng.randint(120, 230), rng.randint(120, 230), rng.randint(120, 230))).save(
        buf, "JPEG", quality=70)
    return SimpleUploadedFile(f"wish-{n}.jpg", buf.getvalue(), content_type="image/jpeg")


def load(*, out) -> None:
    community = Division.objects.filter(code=COMMUNITY_CODE).first()
    admin = User.objects.filter(username="community_admin").first()
    if community is None or admin is None or not Volunteer.objects.filter(community=community).exists():
        return
    today = timezone.localdate()
    now = timezone.now()
    first = _month_start(today, MONTHS - 1)
    if Activity.objects.filter(community=community, title=FIRST_TITLE.format(month=first.month),
                               starts_at__lt=_at(first + 31 * D, 0)).exists():
        return
    rng = random.Random(SEED)
    mark = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    estates = list(Estate.objects.filter(community=community).order_by("pk"))
    volunteers = list(Volunteer.objects.filter(community=community, active=True).select_related("person")
                      .order_by("pk"))
    # The rewards were on the shelf a year ago.
    Reward.objects.filter(community=community).update(created_at=_at(first, 9))
    rewards = list(Reward.objects.filter(community=community, active=True).order_by("cost", "pk"))
    resident = User.objects.filter(username="resident", person__isnull=False).first()
    company_staff = User.objects.filter(username="property_staff").first()
    company = (Membership.objects.filter(user=company_staff, organization__isnull=False)
               .values_list("organization", flat=True).first() if company_staff else None)
    claimers = [(resident, None)] if resident and Volunteer.objects.filter(person=resident.person_id).exists() else []
    if company is not None:
        from linli.people.models import Organization

        claimers.append((company_staff, Organization.objects.get(pk=company)))
    with_login = set(User.objects.filter(person__isnull=False).values_list("person_id", flat=True))
    wishers = [p for p in Person.objects.filter(occupancies__home__estate__community=community,
                                                occupancies__end__isnull=True)
               .exclude(is_elderly_alone=False, is_hardship=False).distinct().order_by("pk")
               if p.pk not in with_login]
    activities = parts = redemptions = fulfilled = 0
    for m in range(MONTHS):
        month = _month_start(today, MONTHS - 1 - m)
        last = min(_month_end(month), today - D if m == MONTHS - 1 else _month_end(month))
        if last < month:
            continue  # the first day of this month: nothing yet
        held = [a for a in ACTIVITIES if a[5] is None or month.month in a[5]]
        made = []
        for title, kind, fixed, per_hour, cap, _months in held:
            day = month + rng.randint(0, (last - month).days) * D
            start = _at(day, rng.choice((8, 9, 14, 19)), rng.choice((0, 30)))
            hours = rng.choice((2, 2, 3))
            activity = services.activity_create(
                actor=admin, title=title.format(month=month.month), kind=kind, community=community,
                estate=rng.choice(estates), starts_at=start, ends_at=start + hours * H, points_fixed=fixed,
                points_per_hour=per_hour, points_cap=cap)
            activity.created_at = start - rng.randint(3, 10) * D  # published some days before
            Activity.objects.filter(pk=activity.pk).update(created_at=activity.created_at)
            made.append(activity)
        activities += len(made)
        parts += _take_part(made, volunteers, rng, admin, now)
        redemptions += _redeem(month, last, volunteers, rewards, rng, admin)
        fulfilled += _wishes(month, last, wishers, claimers, rng, admin, now)
    Notification.objects.filter(pk__gt=mark, read_at__isnull=True).update(read_at=now)
    hours = Participation.objects.filter(activity__community=community, status="done").aggregate(
        s=Sum("minutes"))["s"] or 0
    out(f"志愿服务历史：锦霞社区近 {MONTHS} 个月 {activities} 个活动、{parts} 人次，"
        f"累计服务 {hours // 60} 小时；积分兑换 {redemptions} 次；微心愿实现 {fulfilled} 个。")


def _month_end(day: datetime.date) -> datetime.date:
    return _month_start(day + 32 * D, 0) - D


def _take_part(activities: list[Activity], volunteers: list[Volunteer], rng, admin, now) -> int:
    """The volunteers who came, checked in and out by the organiser, with the points of the rule, as
    ``activity_check_in``/``activity_check_out`` write them."""
    rows, entries = [], []
    for activity in activities:
        if activity.ends_at > now:
            continue
        for v in rng.sample(volunteers, min(len(volunteers), rng.randint(10, 22))):
            checked_in = activity.starts_at - rng.randint(0, 15) * datetime.timedelta(minutes=1)
            checked_out = activity.ends_at - rng.choice((0, 0, 30, 60)) * datetime.timedelta(minutes=1)
            minutes = services.counted_minutes(activity, checked_in, checked_out)
            rows.append(Participation(
                activity=activity, person=v.person, status=Participation.Status.DONE,
                signed_up_at=checked_in if rng.random() < 0.3 else activity.created_at + rng.randint(1, 48) * H,
                checked_in_at=checked_in, checked_in_via="organiser", checked_out_at=checked_out,
                checked_out_via="organiser", minutes=minutes, points=services.points_for(activity, minutes)))
    rows = Participation.objects.bulk_create(rows)
    people = {p.person_id for p in rows}
    have = set(PointsAccount.objects.filter(person_id__in=people).values_list("person_id", flat=True))
    PointsAccount.objects.bulk_create([PointsAccount(person_id=pid, created_at=min(
        p.checked_out_at for p in rows if p.person_id == pid)) for pid in sorted(people - have)])
    accounts = dict(PointsAccount.objects.filter(person_id__in=people).values_list("person_id", "pk"))
    by_pk = {a.pk: a for a in activities}
    for p in rows:
        if p.points:
            activity = by_pk[p.activity_id]
            entries.append(PointsEntry(
                account_id=accounts[p.person_id], amount=p.points, kind=PointsEntry.Kind.ACTIVITY,
                reason=f"参加活动：{activity.title}（{p.hours} 小时）", community_id=activity.community_id,
                estate_id=activity.estate_id, participation=p, actor=admin, at=p.checked_out_at))
    PointsEntry.objects.bulk_create(entries)
    return len(rows)


def _redeem(month, last, volunteers, rewards, rng, admin) -> int:
    """A few volunteers spend points at the month's end, never more than they had then."""
    if not rewards:
        return 0
    done = 0
    at = _at(last, 16)
    for v in rng.sample(volunteers, min(len(volunteers), 6)):
        had = PointsEntry.objects.filter(account__person=v.person, at__lte=at).aggregate(s=Sum("amount"))["s"] or 0
        affordable = [r for r in rewards if r.cost <= had and (r.stock is None or r.stock > 0)]
        if not affordable:
            continue
        reward = rng.choice(affordable)
        services.redeem(actor=admin, reward=reward, person=v.person, now=at)
        reward.refresh_from_db(fields=["stock"])
        done += 1
        at += 7 * datetime.timedelta(minutes=1)
    return done


def _wishes(month, last, wishers, claimers, rng, admin, now) -> int:
    """Two to four wishes entered this month, checked, claimed, fulfilled with a photo and thanked."""
    if not wishers or not claimers:
        return 0
    done = 0
    for _i in range(rng.randint(2, 4)):
        posted = _at(month + rng.randint(0, max(0, min(20, (last - month).days))) * D, rng.randint(9, 16))
        if posted + 3 * D > now:
            continue
        title, category = WISHES[rng.randrange(len(WISHES))]
        wish = wishes.wish_post(actor=admin, beneficiary=rng.choice(wishers), title=title, category=category,
                                source=Wish.Source.PAPER, detail="社区工作人员入户登记", now=posted)
        wish = wishes.wish_review(actor=admin, wish=wish, approve=True, now=posted + rng.randint(2, 20) * H)
        claimer, org = rng.choice(claimers)
        claimed = wish.checked_at + rng.randint(4, 72) * H
        wish = wishes.wish_claim(actor=claimer, wish=wish, organization=org, now=claimed)
        done_at = claimed + rng.randint(1, 10) * D
        if done_at > now - H:
            continue  # claimed, still to be fulfilled
        wish = wishes.wish_fulfil(actor=claimer, wish=wish, photo=_photo(rng, wish.pk), now=done_at,
                                  note="已送到心愿人家中" if category == "goods" else "已上门完成")
        if rng.random() < 0.7 and done_at + D < now:
            wishes.wish_thank(actor=admin, wish=wish, thanks=rng.choice(THANKS), now=done_at + D)
        done += 1
    return done
