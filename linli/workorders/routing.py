"""Who should handle a work order: the street's routing table, matched on category, level and management mode."""

from dataclasses import dataclass

from django.utils import timezone

from linli.core.memo import Memo
from linli.people.models import Organization
from linli.places.models import Stewardship
from linli.workorders.models import LEVEL_ORDER, Level, RoutingRule

Target = RoutingRule.Target

# Read on every intake, kept in Django's cache behind each process (linli/core/memo.py). Whatever writes a rule
# clears it (routing_edit, ensure_default_rules, the admin): the edit shows at once in the process that saved it,
# within ten seconds in the others. An organisation named by a rule is still watched (its writers are many).
rules_memo = Memo("routing rules", ttl=10, watch=["people.Organization"], shared=True)
orgs_memo = Memo("division organisations", ttl=10, watch=["people.Organization"])

# The table a street starts with (street admins can edit it afterwards):
# non-property matters and street-level items go to the street's property service centre, community-level
# items to the community committee, everything else to whoever manages the estate now, and unmanaged
# estates fall back to the community (政府托底).
DEFAULT_RULES = [
    dict(priority=10, category="other", target=Target.STREET_CENTRE, note="非物业事项由街道物业服务中心转办"),
    dict(priority=20, level=Level.STREET, target=Target.STREET_CENTRE, note="大事由街道统筹"),
    dict(priority=30, level=Level.DEPARTMENT, target=Target.STREET_CENTRE, note="需部门办理的由街道吹哨"),
    dict(priority=40, level=Level.COMMUNITY, target=Target.COMMUNITY, note="小事不出社区"),
    dict(priority=50, target=Target.PROVIDER, note="小区当前物业服务单位"),
    dict(priority=60, target=Target.COMMUNITY, note="无人管理的小区由社区兜底"),
    dict(priority=70, target=Target.STREET_CENTRE, note="其余由街道物业服务中心"),
]


def ensure_default_rules(street) -> int:
    """Give ``street`` the default table if it has none; returns the number of rules created."""
    if RoutingRule.objects.filter(street=street).exists():
        return 0
    RoutingRule.objects.bulk_create([RoutingRule(street=street, **rule) for rule in DEFAULT_RULES])
    rules_memo.clear()  # the intake reads the table from the cache
    return len(DEFAULT_RULES)


@dataclass
class Route:
    organization: Organization | None
    rule: RoutingRule | None
    mode: str | None
    reason: str


stewardship_memo = Memo("current stewardship", ttl=10, watch=["places.Stewardship", "people.Organization"])


def current_mode_and_provider(estate):
    """(management mode, provider organisation) of the estate today; a bundled estate (打包) takes its lead
    estate's provider."""
    if estate is None:
        return None, None
    return stewardship_memo.get((estate.pk, timezone.localdate()), lambda: _mode_and_provider(estate))


def _mode_and_provider(estate):
    stewardship = estate.current_stewardship()
    if stewardship is None:
        return None, None
    provider = stewardship.provider
    if provider is None and stewardship.mode == Stewardship.Mode.BUNDLED and stewardship.lead_estate_id:
        lead = stewardship.lead_estate.current_stewardship()
        provider = lead.provider if lead else None
    return stewardship.mode, provider


def _division_org(kinds: tuple[str, ...], division_id) -> Organization | None:
    """The first organisation of the first kind that the division has (its committee, its centre)."""
    if not division_id:
        return None

    def find():
        for kind in kinds:
            found = Organization.objects.filter(kind=kind, division=division_id).select_related("division").first()
            if found is not None:
                return found
        return None

    return orgs_memo.get((kinds, division_id), find)


def _resolve(rule, order, provider) -> Organization | None:
    if rule.target == Target.PROVIDER:
        return provider
    if rule.target == Target.COMMUNITY:
        return _division_org(("community_committee",), order.community_id)
    if rule.target == Target.STREET_CENTRE:
        return _division_org(("property_centre", "street_office"), order.street_id)
    return rule.organization


def street_rules(street_id) -> list[RoutingRule]:
    """The street's routing table in priority order, or the default table (unsaved rows) when it has none."""

    def load():
        rules = list(RoutingRule.objects.filter(street_id=street_id).select_related("organization__division"))
        return rules or [RoutingRule(street_id=street_id, **r) for r in DEFAULT_RULES]

    return rules_memo.get(street_id, load)


def route(order, *, level: str | None = None) -> Route:
    """The first rule of the order's street that matches and names an organisation that exists."""
    level = level or order.level
    mode, provider = current_mode_and_provider(order.estate)
    if order.street_id is None:
        return Route(None, None, mode, "工单没有所属街道，需人工派单")
    for rule in street_rules(order.street_id):
        if rule.category and rule.category != order.category:
            continue
        if rule.level and rule.level != level:
            continue
        if rule.mode and rule.mode != (mode or "none"):
            continue
        org = _resolve(rule, order, provider)
        if org is not None:
            return Route(org, rule if rule.pk else None, mode, f"规则 #{rule.priority}：{rule.note or rule.get_target_display()}")
    return Route(None, None, mode, "没有匹配的派单规则，需人工派单")


def next_level(level: str) -> str | None:
    """One level up (楼栋 → 小区 → 社区 → 街道); None at the street, which escalates no further."""
    order = [lv for lv in LEVEL_ORDER if lv != Level.DEPARTMENT]
    if level == Level.DEPARTMENT:
        return None
    index = order.index(level)
    return order[index + 1] if index + 1 < len(order) else None
