"""Demo owners' decisions on the 九宫庙 street: an open vote in 锦霞小区 (the resident's estate) on using the repair
fund, a counted vote in 锦霞三村 with its result notice, the four consultation meetings of seeds 003/004 at four
levels with minutes and tasks, a selection case for the unmanaged 新工老街院落 (seed 000) and renewal cases for
contracts ending within 90 days (art. 947). Idempotent: nothing is added when the open vote is already there.
"""

from __future__ import annotations

import datetime
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from linli.assembly import services
from linli.assembly.models import Motion
from linli.people.demo import MARKET_COMPANY, STATE_CUSTODIAN
from linli.people.models import Organization, User
from linli.places.models import Estate

OPEN_VOTE = "使用维修资金修缮2栋屋面防水"
SHOWCASE = "锦霞小区"


def _ballots(motion, rng, actor, share: float, yes: float, now):
    for elector in motion.electors.order_by("id"):
        if elector.persons.exists() and rng.random() < share:
            choice = "for" if rng.random() < yes else rng.choice(["against", "abstain"])
            services.ballot_cast(motion=motion, elector=elector, choice=choice, actor=actor, channel="paper",
                                 sheet=ContentFile(b"%PDF-1.4 demo ballot", name=f"ballot-{elector.pk}.pdf"), now=now)


def load(*, out) -> None:
    estate = Estate.objects.filter(name=SHOWCASE, community__parent__code="500104001").first()
    if estate is None or Motion.objects.filter(estate=estate, title=OPEN_VOTE).exists():
        return
    users = {u.username: u for u in User.objects.filter(username__in=["street_admin", "community_admin"])}
    if len(users) < 2:
        return
    admin, community_admin = users["street_admin"], users["community_admin"]
    rng = random.Random(278)
    now = timezone.now()
    today = timezone.localdate()

    # An open vote in the resident's estate: most owners have voted on paper already; the resident has not.
    # Announced 15 days before it opened (物业管理条例 art. 14), open for more than the minimum period.
    motion = services.motion_create(estate=estate, matter="use_repair_fund", title=OPEN_VOTE, actor=admin,
                                    body="2栋屋面渗漏，拟使用专项维修资金约 8.6 万元修缮防水层。",
                                    opens_at=now - datetime.timedelta(days=3), closes_at=now + datetime.timedelta(days=12),
                                    now=now - datetime.timedelta(days=18))
    services.motion_open(motion=motion, actor=admin, now=now - datetime.timedelta(days=3))
    resident = User.objects.filter(username="resident").first()
    resident_person = getattr(resident, "person_id", None)
    for elector in motion.electors.order_by("id"):
        if resident_person and elector.persons.filter(pk=resident_person).exists():
            continue
        if elector.persons.exists() and rng.random() < 0.6:
            choice = "for" if rng.random() < 0.8 else rng.choice(["against", "abstain"])
            services.ballot_cast(motion=motion, elector=elector, choice=choice, actor=admin, channel="paper",
                                 sheet=ContentFile(b"%PDF-1.4 demo ballot", name=f"ballot-{elector.pk}.pdf"),
                                 now=now - datetime.timedelta(days=2))

    # A counted vote, posted as a notice: raising the repair fund needs 3/4.
    other = Estate.objects.filter(name="锦霞三村").first()
    if other is not None:
        start = now - datetime.timedelta(days=20)
        raise_fund = services.motion_create(
            estate=other, matter="raise_repair_fund", title="续筹专项维修资金（每平方米 20 元）", actor=admin,
            opens_at=start, closes_at=now - datetime.timedelta(days=1), now=start - datetime.timedelta(days=16))
        services.motion_open(motion=raise_fund, actor=admin, now=start)
        _ballots(raise_fund, rng, admin, share=0.85, yes=0.82, now=start + datetime.timedelta(days=2))
        services.motion_close(motion=raise_fund, actor=admin, now=now)

    # The four consultation meetings (seeds 003 and 004), one at each level.
    community = estate.community
    street = community.parent
    building = estate.buildings.order_by("number").first()
    rows = [
        ("neighbours", "building", {"building": building}, "楼道堆物清理与楼栋公约", ["周末集中清理楼道堆物"]),
        ("hearing", "estate", {"estate": estate}, "夜间施工噪音扰民", ["晚10点后禁止施工，物业巡查"]),
        ("round_table", "community", {"division": community}, "电动车充电难", ["在小区东门增设充电桩12个"]),
        ("party_mass", "street", {"division": street}, "南门交通拥堵", ["南门只进不出，东门、西门统一进出"]),
    ]
    for kind, level, where, title, decisions in rows:
        # The street's own meeting is run by the street (the services check who may write where).
        host = admin if level == "street" else community_admin
        meeting = services.meeting_schedule(kind=kind, level=level, title=title, actor=host,
                                            notified_on=today - datetime.timedelta(days=10),
                                            held_on=today - datetime.timedelta(days=7), **where)
        services.meeting_record(meeting=meeting, minutes=f"围绕“{title}”听取居民意见并形成决定。",
                                attendees=[("社区党委", "党组织"), ("居民代表", "业主"), ("物业服务中心", "物业")],
                                decisions=decisions, actor=host)
        services.task_add(meeting=meeting, decision=meeting.decisions.first(), title=decisions[0],
                          assignee="物业服务中心", due=today + datetime.timedelta(days=14), actor=host)
    services.meeting_schedule(kind="assembly", level="estate", title="业主大会：审议管理规约修订", estate=estate,
                              notified_on=today, held_on=today + datetime.timedelta(days=20), actor=community_admin)

    services.notice_post(title="锦霞社区“三会”议事结果公示", body="电动车充电桩选址：小区东门，共12个。", scope="community",
                         community=community, posted_on=today, ends_on=today + datetime.timedelta(days=7),
                         actor=community_admin)

    # Seed 000: an unmanaged estate looks for a manager — one motion with three options (a market company,
    # self-management, the state custodian), announced 15 days ahead and open for the minimum period; contracts
    # ending soon open renewal cases.
    unmanaged = Estate.objects.filter(name="新工老街院落").first()
    votes = 2
    if unmanaged is not None:
        case = services.selection_open(estate=unmanaged, actor=admin, deadline=today + datetime.timedelta(days=60),
                                       now=now - datetime.timedelta(days=20))
        companies = {o.name: o for o in Organization.objects.filter(name__in=[MARKET_COMPANY, STATE_CUSTODIAN])}
        if len(companies) == 2:
            opens = now - datetime.timedelta(days=3)
            choose = services.motion_create(
                estate=unmanaged, matter="hire_manager", title="选定新工老街院落的管理方式和管理人", actor=admin,
                body="三选一：选聘物业服务企业、业主自行管理或由国有企业托管，每户选择其一。", case=case,
                opens_at=opens, closes_at=opens + datetime.timedelta(days=8), now=now - datetime.timedelta(days=19),
                options=[{"label": "选聘重庆渝锦物业", "mode": "market", "provider": companies[MARKET_COMPANY]},
                         {"label": "业主自行管理", "mode": "self"},
                         {"label": "由重庆义渡城市更新物业托管", "mode": "custodian",
                          "provider": companies[STATE_CUSTODIAN]}])
            services.motion_open(motion=choose, actor=admin, now=opens)
            options = list(choose.options.order_by("position"))
            for elector in choose.electors.order_by("id"):
                if elector.persons.exists() and rng.random() < 0.5:
                    pick = rng.choices(options + [None], weights=[3, 1, 5, 1])[0]
                    services.ballot_cast(motion=choose, elector=elector, choice="for" if pick else "abstain",
                                         option=pick, actor=admin, channel="paper", now=opens + datetime.timedelta(days=1),
                                         sheet=ContentFile(b"%PDF-1.4 demo ballot", name=f"ballot-{elector.pk}.pdf"))
            votes += 1
    renewals = services.open_renewal_cases(today, actor=admin)
    out(f"业主共同决定：表决 {votes} 项，会议 5 场，选聘案 {1 + len(renewals)} 个（续聘 {len(renewals)} 个）。")
