"""Demo joint meetings (吹哨报到) on the demo street (``linli demo``), after the demo work orders: through the
services of linli/meetings/services.py so that the orders carry their events. One concluded about the unmanaged
金桥二村 (departments reported, minutes, a task done and one open), and one upcoming about a topic. Each is
written once (looked up by its title).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from linli.meetings import services as m
from linli.meetings.models import JointMeeting
from linli.people.demo import STREET
from linli.people.models import Membership, Organization, Role, User
from linli.people.scopes import forget_scopes
from linli.places.models import Division
from linli.workorders import services as s
from linli.workorders.demo import demo_users
from linli.workorders.models import WorkOrder

MIN = datetime.timedelta(minutes=1)
H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)

HELD_TITLE = "金桥二村无人管理问题吹哨报到会"
HELD_ABOUT = "金桥二村无人管理，垃圾堆积、路灯全坏。"  # a street-level order of CASES, overdue
UPCOMING_TITLE = "汛期前老旧小区屋面渗漏和挡墙隐患排查"
URBAN, HOUSING, FIRE, PARKS = ("大渡口区城市管理局", "大渡口区住房和城乡建设委员会", "大渡口区消防救援支队",
                               "大渡口区园林绿化服务中心")
# Only 城管 has a demo login; the people of 住建 and 消防 who report and take a task are accounts without a
# password (they cannot sign in) so that the meeting shows more than one department's 报到.
DEPARTMENT_PEOPLE = (("demo_housing", "陈建华（区住建委）", HOUSING), ("demo_fire", "刘思远（区消防救援支队）", FIRE))


def _department_person(username, display_name, organization):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(username=username, display_name=display_name, password=make_password(None))
        Membership.objects.create(user=user, role=Role.DEPARTMENT_HANDLER, organization=organization)
        forget_scopes()
    return user


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def load(*, out) -> None:
    street = Division.objects.filter(code=STREET[1]).first()
    if street is None:
        out("吹哨报到演示会议：没有演示街道，跳过。")
        return
    load_meetings(street, out=out)


def load_meetings(street, *, out) -> None:
    users = demo_users()
    admin = users.get("street_admin")
    depts = {o.name: o for o in Organization.objects.filter(name__in=[URBAN, HOUSING, FIRE, PARKS], kind="department")}
    if admin is None or len(depts) < 4:
        out("吹哨报到演示会议：缺少街道管理员或职能部门，跳过。")
        return
    made = []
    if not JointMeeting.objects.filter(street=street, title=HELD_TITLE).exists():
        order = WorkOrder.objects.filter(street=street, text=HELD_ABOUT).first()
        if order is not None:
            _held_meeting(street, order, admin, users, depts)
            made.append(HELD_TITLE)
    if not JointMeeting.objects.filter(street=street, title=UPCOMING_TITLE).exists():
        today = timezone.localdate()
        m.meeting_convene(
            street=street, title=UPCOMING_TITLE, actor=admin, scheduled_at=_local(today + 3 * D, 14, 30),
            place="九宫庙街道办事处三楼会议室", departments=[depts[HOUSING], depts[URBAN], depts[PARKS]],
            topic="入汛在即，锦霞三村、金桥二村等老旧小区屋面防水层开裂、挡土墙渗水，居民反映集中。"
                  "请区住建委、区城市管理局、区园林绿化服务中心到会，议定排查分工和维修资金渠道。",
            now=timezone.now() - 2 * H)
        made.append(UPCOMING_TITLE)
    if made:
        out(f"已载入吹哨报到演示会议：{'、'.join(made)}。")
    else:
        out("吹哨报到演示会议已存在，未做修改。")


def _held_meeting(street, order, admin, users, depts) -> None:
    """Convened two days after the complaint; 城管 and 消防 report on time, 住建 late; the minutes; a task for
    城管 (done: cleared, called back, closed) and one for 住建 (accepted, under way, due in two weeks)."""
    people = {org: _department_person(u, name, depts[org]) for u, name, org in DEPARTMENT_PEOPLE}
    urban_handler = users.get("department_handler")
    today = timezone.localdate()
    day = today - 11 * D
    at = _local(day, 9, 30)  # the meeting
    meeting = m.meeting_convene(
        street=street, title=HELD_TITLE, actor=admin, scheduled_at=at, place="金桥社区党群服务中心会议室",
        orders=[order], departments=[depts[URBAN], depts[FIRE], depts[HOUSING]],
        topic="金桥二村原物业 2019 年合同到期退出后无人管理，垃圾堆积堵塞消防通道，路灯全部不亮，"
              "居民多次拨打 12345。街道单靠自身力量无法解决，提请相关部门到现场会商。",
        now=_local(day - D, 16))
    invites = {i.department.name: i for i in meeting.invites.select_related("department")}
    if urban_handler is not None:
        m.meeting_report(invite=invites[URBAN], actor=urban_handler, attendees="市容环卫科 王科长、执法中队 李队员",
                         now=at - 12 * MIN)
    m.meeting_report(invite=invites[FIRE], actor=people[FIRE], attendees="防火监督科 刘思远", now=at - 5 * MIN)
    m.meeting_report(invite=invites[HOUSING], actor=people[HOUSING], attendees="物业管理科 陈建华", now=at + 18 * MIN)
    held = at + 2 * H
    m.meeting_record_minutes(
        meeting=meeting, actor=admin, now=held,
        minutes="会前街道、金桥社区与城管、消防、住建到现场查看：3 栋、4 栋之间的消防通道被建筑垃圾和废弃家具堵塞，"
                "约 12 吨；小区 8 盏路灯全部不亮，线路老化；化粪池尚能使用。居民代表 3 人列席。",
        decisions="一、区城市管理局 3 日内清运积存垃圾，打通消防通道；\n"
                  "二、区消防救援支队清运后复查消防通道和楼道消防设施；\n"
                  "三、区住建委牵头将金桥二村纳入国有托管，两周内修复路灯，托管前由街道物业服务中心兜底保洁；\n"
                  "四、金桥社区召开居民议事会，商议清洁费（先服务后收费）。")
    cleared = m.meeting_add_task(
        meeting=meeting, department=depts[URBAN], about=order, deadline=day + 3 * D, actor=admin, now=held,
        text="清运金桥二村 3 栋、4 栋之间积存的建筑垃圾和废弃家具，打通消防通道。").order
    custody = m.meeting_add_task(
        meeting=meeting, department=depts[HOUSING], about=order, deadline=today + 14 * D, actor=admin, now=held,
        text="协调国有托管企业进场接管金桥二村，修复小区 8 盏路灯。").order
    if urban_handler is not None:
        cleared = s.workorder_accept(order=cleared, actor=urban_handler, now=held + H)
        cleared = s.workorder_start(order=cleared, actor=urban_handler, now=held + 3 * H)
        cleared = s.workorder_reply(order=cleared, actor=urban_handler, now=held + 30 * H,
                                    text="已清运建筑垃圾和废弃家具 12.5 吨，消防通道已打通，设置了禁止堆放标识。")
        cleared = s.workorder_visit(order=cleared, actor=admin, solved=True, satisfaction="satisfied",
                                    note="消防救援支队已复查，通道畅通", now=held + 2 * D)
        s.workorder_close(order=cleared, actor=admin, note="任务完成", now=held + 2 * D + H)
    custody = s.workorder_accept(order=custody, actor=people[HOUSING], now=held + 90 * MIN)
    s.workorder_start(order=custody, actor=people[HOUSING], now=held + D,
                      note="已与重庆义渡城市更新物业服务有限公司对接，托管协议报区政府审定；路灯维修已列入计划。")
    m.meeting_close(meeting=meeting, actor=admin, note="任务已交办，由各部门按期办结", now=held + 4 * H)
