"""Demo owners' decisions on the 九宫庙 street: an open vote in 锦霞小区 (the resident's estate) on using the repair
fund, a counted vote in 锦霞三村 with its result notice, the four consultation meetings of seeds 003/004 at four
levels with minutes and tasks, a selection case for the unmanaged 新工老街院落 (seed 000) and renewal cases for
contracts ending within 90 days (art. 947). Idempotent: nothing is added when the open vote is already there.
"""

from __future__ import annotations

import datetime
import random

from django.core.exceptions import ValidationError
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
    # Issue 19's parts, each idempotent on its own (before the early return below, which guards only the rest).
    load_committees(out=out)  # owners' committees and a 物业管理委员会
    load_committee_drafting(out=out)  # drafts under the street's review, proposals, a request for an assembly
    load_surveys(out=out)  # issue 19 item 5: a survey of every household, half answered (its own idempotence)
    load_linkage(out=out)  # bodies, cross-posting, the three-way meeting
    load_ratings(out=out)  # each serving committee's rating of last quarter's company
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


# -- owners' committees and 物业管理委员会 (issue 19) -----------------------------------------------------------------
FILED_COMMITTEE = "锦霞小区"  # a filed owners' committee: committee_chair is its chair, committee_member a member
ENDING_COMMITTEE = "胜利新村"  # an owners' committee whose term ends in five months (its art. 49 report is late)
MANAGED_BY_PMC = "新工村"  # a 物业管理委员会 formed by the street (no owners' committee could be elected)


def _owners(estate, count: int, *, skip=()):
    """The first ``count`` owners (by person id) of ``estate`` without an account, none of ``skip``."""
    from linli.people.models import Occupancy, Person

    ids = Occupancy.objects.current().filter(home__estate=estate, relation="owner", person__user__isnull=True).exclude(
        person_id__in=list(skip)).order_by("person_id").values_list("person_id", flat=True)
    return list(Person.objects.filter(pk__in=list(dict.fromkeys(ids))[:count]).order_by("pk"))


def load_committees(*, out) -> None:
    """锦霞小区's filed owners' committee (five members, two alternates) whose chair and one member are the demo
    logins ``committee_chair`` and ``committee_member``; 胜利新村's committee, its term ending in five months; a
    物业管理委员会 formed by the street for 新工村 (arts. 52–54). Nothing is added when 锦霞小区's committee exists."""
    from django.contrib.auth.hashers import make_password

    from linli.assembly.models import Committee
    from linli.assembly.models.committees import add_months, add_years
    from linli.people.demo import PASSWORD
    from linli.people.models import Occupancy, Person
    from linli.people.scopes import forget_scopes

    estates = {e.name: e for e in Estate.objects.filter(
        name__in=[FILED_COMMITTEE, ENDING_COMMITTEE, MANAGED_BY_PMC], community__parent__code="500104001")}
    admin = User.objects.filter(username="street_admin").first()
    if len(estates) < 3 or admin is None or Committee.objects.filter(estate=estates[FILED_COMMITTEE]).exists():
        return
    today = timezone.localdate()
    pdf = b"%PDF-1.4 demo committee paper"

    # 锦霞小区: elected 400 days ago for five years, filed 18 days later (art. 43).
    jinxia = estates[FILED_COMMITTEE]
    resident = User.objects.filter(username="resident").values_list("person_id", flat=True).first()
    people = _owners(jinxia, 7, skip=[resident] if resident else [])
    elected = today - datetime.timedelta(days=400)
    titles = ["chair", "vice_chair", "member", "member", "member", "alternate", "alternate"]
    filed = services.committee_register_existing(
        estate=jinxia, seats=list(zip(people, titles, strict=True)), elected_on=elected,
        term_ends=add_years(elected, 5) - datetime.timedelta(days=1), basis="锦霞小区首次业主大会会议选举结果",
        phone="02368861919", actor=admin)
    services.committee_record_filing(
        committee=filed, filed_on=elected + datetime.timedelta(days=18), actor=admin,
        documents=[("filing", "业主委员会备案材料（第四十三条）", ContentFile(pdf, name="filing.pdf"))])
    password = make_password(PASSWORD)
    for username, person, label in (("committee_chair", people[0], "业主委员会主任"),
                                    ("committee_member", people[2], "业主委员会委员")):
        user = User.objects.filter(username=username).first() or User(username=username, password=password)
        user.person, user.display_name = person, f"{person.name}（{label}）"[:60]
        user.save()

    # 胜利新村: elected almost five years ago; the term ends in five months and the report is late (art. 49).
    ending = estates[ENDING_COMMITTEE]
    term_ends = add_months(today, 5)
    seats = list(zip(_owners(ending, 5), ["chair", "vice_chair", "member", "member", "member"], strict=True))
    late = services.committee_register_existing(
        estate=ending, seats=seats, elected_on=add_years(term_ends, -5) + datetime.timedelta(days=1),
        term_ends=term_ends, basis="胜利新村业主大会会议选举结果", phone="02368865522", actor=admin)
    services.committee_record_filing(
        committee=late, filed_on=late.elected_on + datetime.timedelta(days=25), actor=admin,
        documents=[("filing", "业主委员会备案材料（第四十三条）", ContentFile(pdf, name="filing.pdf"))])

    # 新工村: the street formed a 物业管理委员会 200 days ago (arts. 52–54): the residents' committee's member as its
    # head, four owners (one the vice-chair) and two users.
    xingong = estates[MANAGED_BY_PMC]
    head = Person.objects.create(name="陈红梅", phone="13983000188")
    owners = _owners(xingong, 4)
    users = list(Person.objects.filter(pk__in=Occupancy.objects.current().filter(
        home__estate=xingong, relation__in=["tenant", "family"], person__user__isnull=True).exclude(
        person_id__in=[p.pk for p in owners]).values("person_id")).order_by("pk")[:2])
    members = [(head, "chair", "residents_committee")] + [
        (p, "vice_chair" if i == 0 else "member", "owner") for i, p in enumerate(owners)] + [
        (p, "member", "user") for p in users]
    if len(users) < 2:  # not enough users in the registry: owners take their places (still at least half)
        members += [(p, "member", "owner") for p in _owners(xingong, 6 - len(users), skip=[p.pk for p in owners])[
            : 2 - len(users)]]
    start = today - datetime.timedelta(days=200)
    services.management_committee_form(
        estate=xingong, members=members, term_starts=start, term_ends=add_years(start, 3) - datetime.timedelta(days=1),
        basis="九宫庙街道〔2026〕7号", phone="02368867010", actor=admin,
        document=ContentFile(pdf, name="formation.pdf"))
    forget_scopes()
    out("业委会/物管会：锦霞小区业主委员会（已备案）、胜利新村业主委员会（五个月后届满）、新工村物业管理委员会；"
        "演示账号 committee_chair、committee_member。")


# -- issue 19 (review): the committee's drafts under review, owners' proposals, a request for an assembly --------

DRAFT_TITLE = "增设电动自行车集中充电棚"


def load_committee_drafting(*, out) -> None:
    """The demo committee (the login ``committee_chair``, if the committees' demo made one) has a motion awaiting the
    street's review, a notice returned with a reason and one approved and posted; two owners' proposals (one
    answered); a request for an assembly signed by a few owners. Idempotent: nothing is added when the draft is
    already there."""
    from linli.assembly.models import AssemblyRequest, Proposal
    from linli.assembly.services.motions import motion_draft_submit
    from linli.assembly.services.notices import notice_draft_review, notice_draft_submit
    from linli.assembly.services.proposals import (
        proposal_answer,
        proposal_submit,
        request_sign,
        request_start,
    )
    from linli.people.models import Occupancy
    from linli.people.scopes import scope_for

    users = {u.username: u for u in User.objects.filter(username__in=["committee_chair", "committee_member",
                                                                       "street_admin", "community_admin"])}
    chair = users.get("committee_chair")
    estate = Estate.objects.filter(pk__in=scope_for(chair).committee_estate_ids).first() if chair else None
    if estate is None or "street_admin" not in users or Motion.objects.filter(estate=estate,
                                                                              title=DRAFT_TITLE).exists():
        return
    admin = users["street_admin"]
    now = timezone.now()
    today = timezone.localdate()
    motion_draft_submit(estate=estate, matter="change_common_use", title=DRAFT_TITLE, actor=chair,
                        body="拟利用3栋东侧空地搭建充电棚，收益归全体业主。",
                        opens_at=now + datetime.timedelta(days=17), closes_at=now + datetime.timedelta(days=27))
    returned = notice_draft_submit(estate=estate, title="业委会2026年第四次会议决定公示", body="决定：启动屋面防水维修询价。",
                                   posted_on=today, ends_on=today + datetime.timedelta(days=7), actor=chair)
    notice_draft_review(draft=returned, actor=admin, approve=False, reason="请附会议签到表，并写明参会委员人数（第四十五条）")
    posted = notice_draft_submit(estate=estate, title="业委会委员交纳物业费情况公示（上半年）",
                                 body="委员、候补委员均已足额交纳物业费、停车费（第四十四条第一款第八项）。",
                                 posted_on=today, ends_on=today + datetime.timedelta(days=10), actor=chair)
    notice_draft_review(draft=posted, actor=admin, approve=True)

    # Owners of the estate with a login propose and request (the committee's own members are owners too).
    owners = list(User.objects.filter(person__occupancies__home__estate=estate, is_active=True,
                                      person__occupancies__relation__in=Occupancy.OWNING).distinct().order_by("pk"))
    if owners and not Proposal.objects.filter(estate=estate).exists():
        first = proposal_submit(estate=estate, title="建议在楼道加装扶手", actor=owners[0],
                                text="2栋楼梯陡，老人上下楼不便，建议每层加装扶手。")
        proposal_answer(proposal=first, text="已列入下次业委会会议议题，会后答复具体方案。", actor=chair)
        proposal_submit(estate=estate, title="夜间垃圾清运噪音", actor=owners[-1],
                        text="清运车每晚11点后进小区，噪音大，建议调整时间。")
    if owners and not AssemblyRequest.objects.filter(estate=estate).exists():
        request = request_start(estate=estate, matter="讨论续聘物业服务企业", actor=owners[0],
                                reason="物业服务合同即将到期，应由业主大会决定续聘或另聘。")
        for owner in owners[1:3]:
            try:
                request_sign(request=request, actor=owner)
            except ValidationError:  # a co-owner of a home already signed: nothing to add
                continue
    out(f"业委会起草：{estate} 待审核表决 1 项、公示草稿 2 份；业主提议与召开业主大会提议已载入。")


# -- surveys (issue 19 item 5: 逐户征求意见, seed 000) ------------------------------------------------------------

SURVEY_TITLE = "引入专业化物业服务逐户征求意见"
SURVEY_TEXTS = ["楼道灯坏了很久，希望先修好", "老人多，希望有人定期上门看看", "车辆乱停，希望划线管理", "垃圾清运要及时",
                "希望公开收费标准和账目"]


def load_surveys(*, out) -> None:
    """A survey of 锦霞小区 opened six days ago by the community, half of its homes answered: most from door-to-door
    paper forms entered by the community and the property staff, the demo resident's home online (the resident may
    correct it). Idempotent: nothing is added when the survey is there."""
    from linli.assembly import permissions
    from linli.assembly.models import Survey

    estate = Estate.objects.filter(name=SHOWCASE, community__parent__code="500104001").first()
    if estate is None or Survey.objects.filter(estate=estate, title=SURVEY_TITLE).exists():
        return
    users = {u.username: u for u in User.objects.filter(
        username__in=["community_admin", "property_staff", "custodian_manager", "resident"])}
    admin = users.get("community_admin")
    if admin is None:
        return
    today = timezone.localdate()
    now = timezone.now()
    survey = services.survey_create(
        title=SURVEY_TITLE, scope="estate", estate=estate, actor=admin,
        intro="小区拟引入专业化物业服务（国有企业托管），社区和物业工作人员逐户上门征求意见，也可以在网上答复。"
              "本次为意见征询，不是业主表决。",
        opens_on=today - datetime.timedelta(days=6), closes_on=today + datetime.timedelta(days=8),
        questions=[
            {"text": "您家是否同意引入专业化物业服务？", "kind": "single", "required": True,
             "options": ["同意", "不同意", "无所谓"]},
            {"text": "您家最希望改善哪些方面？（可多选）", "kind": "multiple", "required": True,
             "options": ["环境卫生", "车辆停放", "安全巡逻", "楼道照明", "维修服务", "老年人上门服务"]},
            {"text": "您家能接受的物业费标准", "kind": "single", "required": False,
             "options": ["每户每月7元以下", "每户每月7–10元", "每户每月10元以上"]},
            {"text": "其他意见和建议", "kind": "text", "required": False},
        ], now=now - datetime.timedelta(days=7))
    services.survey_publish(survey=survey, actor=admin, now=now - datetime.timedelta(days=6))
    q1, q2, q3, q4 = survey.questions.order_by("position")
    o1, o2, o3 = (list(q.options.order_by("position")) for q in (q1, q2, q3))
    rng = random.Random(2021)

    def answers():
        out = {q1.pk: [rng.choices(o1, weights=[7, 1, 2])[0].pk], q2.pk: [o.pk for o in rng.sample(o2, 2)],
               q3.pk: [rng.choices(o3, weights=[3, 6, 1])[0].pk]}
        if rng.random() < 0.3:
            out[q4.pk] = rng.choice(SURVEY_TEXTS)
        return out

    resident = users.get("resident")
    resident_homes = set()
    if resident is not None and resident.person_id:
        for home in survey.homes().filter(occupancies__person_id=resident.person_id, occupancies__end__isnull=True):
            services.survey_answer(survey=survey, home=home, answers=answers(), actor=resident,
                                   now=now - datetime.timedelta(days=2))
            resident_homes.add(home.pk)
    # The community and whichever property company manages the estate now go door to door.
    enterers = [admin] + [u for name, u in sorted(users.items()) if name in ("custodian_manager", "property_staff")
                          and permissions.can_enter_survey_paper(u, survey)]
    paper = 0
    homes = list(survey.homes().exclude(pk__in=resident_homes).order_by("building__number", "entrance", "number"))
    for i, home in enumerate(homes):
        if rng.random() < 0.5:
            paper += 1
            services.survey_answer(survey=survey, home=home, answers=answers(), actor=enterers[i % len(enterers)],
                                   channel="paper", paper_no=f"JX-{today.year}-{paper:04d}",
                                   now=now - datetime.timedelta(days=5 - i % 5, hours=i % 7))
    out(f"意见征询：{survey.title}，纸质录入 {paper} 户，网上 {len(resident_homes)} 户，共 {survey.homes().count()} 户。")


# -- issue 19 (helper "linkage"): bodies, cross-posting, co-governance, the three-way meeting --------------------------

LINKAGE_ESTATE = "锦霞苑"  # a commodity estate of 锦霞社区 with a market company and an owners' committee
PARTY_BRANCH = "中共锦霞社区委员会"
CO_GOVERNANCE = "锦霞社区“1+2+N”共治委员会"
SERIES_TITLE = "锦霞苑三方联席会议"


def load_linkage(*, out) -> None:
    """A party branch of 锦霞社区 whose members also sit on 锦霞苑's owners' committee and in the company
    (交叉任职, seed 004); a 1+2+N co-governance committee with members from several bodies (seed 001); 锦霞苑's
    weekly three-way meeting with one meeting held (minutes, a decision, a task turned into a work order) and the
    next one planned. Uses the owners' committee of 锦霞苑 that the committees part of the demo set up when it is
    there (its chair then also holds a post in the party branch); else only party-branch and company posts.
    Idempotent: nothing is added when the series is there."""
    from linli.people.models import Occupancy, Person, Post
    from linli.people.scopes import forget_scopes
    from linli.people.services import add_post

    estate = Estate.objects.filter(name=LINKAGE_ESTATE, community__parent__code="500104001").select_related(
        "community").first()
    admin = User.objects.filter(username="community_admin").first()
    if estate is None or admin is None or estate.meeting_series.filter(title=SERIES_TITLE).exists():
        return
    today = timezone.localdate()
    since = today - datetime.timedelta(days=300)
    community = estate.community
    party, _ = Organization.objects.get_or_create(kind="party_branch", name=PARTY_BRANCH,
                                                  defaults={"division": community})
    stewardship = estate.current_stewardship()
    company = stewardship.provider if stewardship is not None else None
    committee = (Organization.objects.filter(estate=estate, kind__in=Organization.COMMITTEE_KINDS).order_by("pk").first()
                 or Organization.objects.filter(name=f"{LINKAGE_ESTATE}业主委员会").first())
    chair = (Post.objects.current().filter(organization=committee, title="chair").select_related("person").first()
             if committee is not None else None)

    owners = list(Person.objects.filter(pk__in=Occupancy.objects.current().filter(
        home__estate=estate, relation="owner").values("person_id")).order_by("pk")[:3])
    secretary = Person.objects.get_or_create(name="周琴", phone="13983000101")[0]  # 社区党委书记 (seed 001)
    manager = Person.objects.get_or_create(name="朱航飞", phone="13983000102")[0]  # the company's project manager
    add_post(person=secretary, organization=party, title="secretary", capacity="party", starts_on=since,
             basis="社区党委换届选举", by=admin)
    if company is not None:
        add_post(person=manager, organization=company, title="manager", capacity="property_company", starts_on=since,
                 basis="项目经理任命", by=admin)
        # 红色物业: the company's project manager sits on the party committee too.
        add_post(person=manager, organization=party, title="member", capacity="property_company", starts_on=since,
                 basis="双向进入、交叉任职", by=admin)
    if chair is not None:
        # 双向进入、交叉任职 (seed 004): the owners' committee's chair sits on the party committee.
        add_post(person=chair.person, organization=party, title="deputy_secretary", capacity="owner",
                 starts_on=since, basis="双向进入、交叉任职", by=admin)
    elif owners:
        add_post(person=owners[0], organization=party, title="member", capacity="owner", starts_on=since,
                 basis="党员业主", by=admin)

    # Seed 001: the 1+2+N co-governance committee of the community — members from several bodies.
    co, created = Organization.objects.get_or_create(kind="co_governance", name=CO_GOVERNANCE,
                                                     defaults={"division": community})
    if created:
        members = [(secretary, "chair", "party"), (manager, "member", "property_company")]
        members += [(chair.person if chair else p, "member", "owner") for p in owners[:1]]
        resident_rep = Person.objects.get_or_create(name="王丽霞", phone="13983000103")[0]
        members += [(resident_rep, "vice_chair", "residents_committee")]
        for person, title, capacity in members:
            add_post(person=person, organization=co, title=title, capacity=capacity, starts_on=since,
                     basis="街道党工委批复", by=admin)
    forget_scopes()

    # Seed 004: the weekly three-way meeting; the first one was held last week.
    bodies = [b for b in (party, committee, company) if b is not None]
    last_week = today - datetime.timedelta(days=7)
    now = timezone.now()
    series = services.series_create(estate=estate, title=SERIES_TITLE, cadence="weekly", weekday=last_week.weekday(),
                                    first_on=last_week, bodies=bodies, place="锦霞苑物业服务中心会议室", actor=admin,
                                    now=now - datetime.timedelta(days=10))
    first = series.meetings.get()
    attendees = [("周琴", "书记", party)]
    if company is not None:
        attendees.append(("朱航飞", "项目经理", company))
    if committee is not None:
        attendees.append((chair.person.name if chair else "业委会委员", "主任" if chair else "委员", committee))
    services.meeting_record(
        meeting=first, actor=admin, attendees=attendees, now=now - datetime.timedelta(days=7),
        minutes="三方通报近期投诉：地下车库积水、3栋电梯停运两次。物业说明维修进度，业委会转达业主意见。",
        decisions=["地下车库排水沟由物业本周内疏通，业委会监督验收", "电梯维保单位下周一前出具检修报告"])
    task = services.task_add(meeting=first, decision=first.decisions.order_by("pk").first(),
                             title="疏通地下车库排水沟", assignee=company.name if company else "物业服务企业",
                             due=today + datetime.timedelta(days=3), actor=admin, now=now - datetime.timedelta(days=7))
    services.task_to_work_order(task=task, actor=admin)
    services.task_add(meeting=first, title="电梯检修报告", assignee="电梯维保单位", due=today + datetime.timedelta(days=5),
                      actor=admin, now=now - datetime.timedelta(days=7))
    series.refresh_from_db()
    out(f"三方联动：{estate.name}三方联席会议（已开 1 次，下次 {series.next_on}），共治委员会 1 个，交叉任职 "
        f"{Post.objects.filter(organization=party).count()} 人在社区党委。")


# -- issue 19 (reach): the committees' quarterly ratings of their property company ---------------------------------

# Last quarter's scores of the demo committees, in turn (保洁, 秩序维护, 维修响应, 公共设施维护, 收支公开, 总体).
DEMO_SCORES = [(4, 4, 3, 4, 5, 4), (3, 4, 2, 3, 4, 3), (5, 4, 4, 4, 4, 4)]


def load_ratings(*, out) -> None:
    """Every serving committee whose chair (or another member) has an account rates last quarter's company, with a
    comment; the current quarter is left for the demo's committee_chair to rate. Safe twice: a quarter already rated
    is skipped."""
    from linli.assembly.models import Committee, ServiceRating
    from linli.assembly.models.ratings import previous_quarter, quarter_of
    from linli.assembly.services.ratings import companies_of_quarter
    from linli.people.models import Post

    today = timezone.localdate()
    year, quarter = previous_quarter(*quarter_of(today))
    made = 0
    for i, committee in enumerate(Committee.objects.serving(today).select_related("estate").order_by("pk")):
        posts = Post.objects.current(today).filter(organization_id=committee.organization_id).order_by("pk")
        seated = {p.person_id: p.title for p in posts}
        members = sorted(User.objects.filter(person_id__in=list(seated), is_active=True),
                         key=lambda u: (seated[u.person_id] != "chair", u.pk))
        if not members:
            continue
        scores = dict(zip(("cleaning", "order", "repairs", "facilities", "disclosure", "overall"),
                          DEMO_SCORES[i % len(DEMO_SCORES)], strict=True))
        for company in companies_of_quarter(committee.estate, year, quarter):
            if ServiceRating.objects.filter(committee=committee, company=company, year=year, quarter=quarter).exists():
                continue
            services.rating_record(committee=committee, company=company, year=year, quarter=quarter, scores=scores,
                                   comment="保洁及时；维修响应偏慢，雨季屋面渗漏处理拖了一周。", actor=members[0])
            made += 1
    if made:
        out(f"业委会季度评价：{made} 条（{year}年第{quarter}季度）。")
