"""The owners' vote as the law counts it. Plain Python, no Django: the CLI checks a file with it offline.

Civil Code (民法典) art. 278, second paragraph:

* every matter needs owners holding **2/3 or more** of the exclusive area *and* **2/3 or more** of the owners
  to take part in the vote (参与表决);
* matters (6) to (8) — raising the repair fund, rebuilding, changing the use of common parts — need
  **3/4 or more** of the participating area *and* of the participating owners to agree;
* all other matters need **more than half** (过半数) of the participating area *and* of the participating owners.

Art. 1259: "以上" includes the number itself, so 2/3 and 3/4 are reached by exactly 2/3 and 3/4; "过半数"
means more than half, so exactly half is not enough.

Supreme People's Court interpretation on building co-ownership (法释〔2009〕7号, amended 2020):

* art. 8: the area is the registered area (else surveyed, else contract area) — the caller passes it in;
* art. 9: owners are counted one per exclusive part, except that the developer's unsold (or undelivered) parts
  count as one owner together, and a buyer with more than one part counts once.

So each home carries an *owner key*: co-owners of a home share one key, a person with several homes has the
same key on each, and all of the developer's unsold homes share the developer's key. Owners = distinct keys;
area = sum of their homes. An owner who abstains has taken part but has not agreed.

All arithmetic is exact (Decimal areas, integer counts, cross-multiplied comparisons): no floats anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from linli.core.deferred import MessageError, gettext_noop, translated

FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
CHOICES = (FOR, AGAINST, ABSTAIN)
CHOICE_LABELS = {FOR: gettext_noop("同意"), AGAINST: gettext_noop("反对"), ABSTAIN: gettext_noop("弃权")}

# Thresholds of approval: a code, the fraction, and whether the fraction itself is enough.
THREE_QUARTERS = "3/4"  # 四分之三以上: >= 3/4
MORE_THAN_HALF = ">1/2"  # 过半数: > 1/2
PARTICIPATION = Fraction(2, 3)  # 三分之二以上: >= 2/3
ZERO = Decimal(0)


@dataclass(frozen=True)
class Matter:
    """One of the nine matters of art. 278(1), with the approval threshold of art. 278(2)."""

    code: str
    item: int  # the item number in art. 278(1)
    label: str
    threshold: str


MATTERS: dict[str, Matter] = {
    m.code: m
    for m in (
        Matter("rules_of_procedure", 1, gettext_noop("制定和修改业主大会议事规则"), MORE_THAN_HALF),
        Matter("management_statute", 2, gettext_noop("制定和修改管理规约"), MORE_THAN_HALF),
        Matter("elect_committee", 3, gettext_noop("选举业主委员会或者更换业主委员会成员"), MORE_THAN_HALF),
        Matter("hire_manager", 4, gettext_noop("选聘和解聘物业服务企业或者其他管理人"), MORE_THAN_HALF),
        Matter("use_repair_fund", 5, gettext_noop("使用建筑物及其附属设施的维修资金"), MORE_THAN_HALF),
        Matter("raise_repair_fund", 6, gettext_noop("筹集建筑物及其附属设施的维修资金"), THREE_QUARTERS),
        Matter("rebuild", 7, gettext_noop("改建、重建建筑物及其附属设施"), THREE_QUARTERS),
        Matter("change_common_use", 8, gettext_noop("改变共有部分的用途或者利用共有部分从事经营活动"), THREE_QUARTERS),
        Matter("other_major", 9, gettext_noop("有关共有和共同管理权利的其他重大事项"), MORE_THAN_HALF),
    )
}
# "item (n) of art. 278(1)", one msgid per item so that each language writes its own numeral
ITEM_LABELS = (gettext_noop("第（一）项"), gettext_noop("第（二）项"), gettext_noop("第（三）项"), gettext_noop("第（四）项"),
               gettext_noop("第（五）项"), gettext_noop("第（六）项"), gettext_noop("第（七）项"), gettext_noop("第（八）项"),
               gettext_noop("第（九）项"))
THRESHOLD_LABELS = {THREE_QUARTERS: gettext_noop("四分之三以上（≥ 3/4）"), MORE_THAN_HALF: gettext_noop("过半数（> 1/2）")}


class TallyError(MessageError):
    """The input cannot be counted; the message names the problem (in the active language once Django runs)."""


@dataclass(frozen=True)
class OwnedHome:
    """An exclusive part (专有部分) with its area and the key of its legal owner."""

    id: str
    owner: str
    area: Decimal


@dataclass(frozen=True)
class Vote:
    """One owner's ballot: covers all of that owner's homes."""

    owner: str
    choice: str
    option: str | None = None  # on a motion with options: the key of the chosen option (choice FOR)


@dataclass(frozen=True)
class Result:
    """The outcome of one vote, with the figures a court would check."""

    matter: str
    quorum_met: bool
    approved: bool
    threshold: str
    total_area: Decimal
    total_owners: int
    voting_area: Decimal
    voting_owners: int
    for_area: Decimal
    for_owners: int
    against_area: Decimal
    against_owners: int
    abstain_area: Decimal
    abstain_owners: int
    explanation: str

    def as_dict(self) -> dict:
        """The JSON of ``linli assembly tally`` (areas as strings of Decimals)."""
        return {
            "quorum_met": self.quorum_met,
            "approved": self.approved,
            "threshold": self.threshold,
            "total_area": str(self.total_area),
            "total_owners": self.total_owners,
            "voting_area": str(self.voting_area),
            "voting_owners": self.voting_owners,
            "for_area": str(self.for_area),
            "for_owners": self.for_owners,
            "explanation": self.explanation,
        }


# -- the three comparisons, exact ---------------------------------------------------------------------------


def at_least(part, whole, fraction: Fraction) -> bool:
    """``part / whole >= fraction`` ("以上" includes the number), cross-multiplied: no division, no rounding."""
    return part * fraction.denominator >= whole * fraction.numerator


def more_than_half(part, whole) -> bool:
    """``part / whole > 1/2`` (过半数: exactly half is not a majority)."""
    return part * 2 > whole


def participation_met(voting_area, total_area, voting_owners: int, total_owners: int) -> bool:
    """2/3 or more of the area AND 2/3 or more of the owners took part (art. 278(2), first sentence)."""
    return at_least(voting_area, total_area, PARTICIPATION) and at_least(voting_owners, total_owners, PARTICIPATION)


def agreement(threshold: str, for_area, voting_area, for_owners: int, voting_owners: int) -> tuple[bool, bool]:
    """Whether the agreeing area, and the agreeing owners, each reach ``threshold`` of those taking part."""
    if threshold == THREE_QUARTERS:
        q = Fraction(3, 4)
        return at_least(for_area, voting_area, q), at_least(for_owners, voting_owners, q)
    if threshold == MORE_THAN_HALF:
        return more_than_half(for_area, voting_area), more_than_half(for_owners, voting_owners)
    raise TallyError(gettext_noop("未知的表决门槛：%(threshold)s"), threshold=threshold)


def approval_met(threshold: str, for_area, voting_area, for_owners: int, voting_owners: int) -> bool:
    """Enough of the participating area AND of the participating owners agreed (art. 278(2))."""
    if voting_owners == 0:
        return False
    return all(agreement(threshold, for_area, voting_area, for_owners, voting_owners))


# "≥ 3/4" or "> 1/2" as printed in an explanation, with the sign of a figure that reaches it and of one that does not.
RULE_SIGNS = {THREE_QUARTERS: ("3/4", ("≥", "<")), MORE_THAN_HALF: ("1/2", (">", "≤"))}


# -- input checks ----------------------------------------------------------------------------------------------


def matter_for(code) -> Matter:
    try:
        return MATTERS[code]
    except (KeyError, TypeError):
        raise TallyError(gettext_noop("未知的表决事项：%(code)s（可用：%(codes)s）"), code=repr(code),
                         codes=", ".join(MATTERS)) from None


def parse_area(value, home_id=None) -> Decimal:
    """A positive, finite area in m²; strings and JSON numbers (parsed as Decimal) are accepted, floats are not."""
    if type(value) is Decimal and value.is_finite() and value > 0:
        return value  # the common case, checked without building any message
    def invalid() -> TallyError:
        if home_id is None:
            return TallyError(gettext_noop("面积无效：%(value)s（必须是大于 0 的数字）"), value=repr(value))
        return TallyError(gettext_noop("房屋 %(home)s 的面积无效：%(value)s（必须是大于 0 的数字）"), home=home_id,
                          value=repr(value))

    if isinstance(value, bool | float) or value is None:
        raise invalid()
    try:
        area = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise invalid() from None
    if not area.is_finite() or area <= 0:
        raise invalid()
    return area


# -- the count -------------------------------------------------------------------------------------------------


def percent(part, whole) -> str:
    """For people, one decimal; the decision itself never uses this rounded figure."""
    if not whole:
        return "0.0%"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def tally(matter: str, homes: Iterable[OwnedHome], votes: Iterable[Vote]) -> Result:
    """Count ``votes`` over the electorate ``homes`` for ``matter`` exactly as art. 278 says.

    Raises TallyError for a ballot from someone who owns no home, two ballots from one owner, an unknown
    choice, a bad area, a home listed twice, an empty electorate or an unknown matter.
    """
    m = matter_for(matter)
    area_of: dict[str, Decimal] = {}
    seen_homes: set[str] = set()
    for h in homes:
        if h.id in seen_homes:
            raise TallyError(gettext_noop("房屋 %(home)s 重复列出"), home=h.id)
        seen_homes.add(h.id)
        if not h.owner:
            raise TallyError(gettext_noop("房屋 %(home)s 没有业主"), home=h.id)
        area = parse_area(h.area, h.id)
        area_of[h.owner] = area_of.get(h.owner, ZERO) + area
    if not area_of:
        raise TallyError(gettext_noop("没有任何房屋：无法计算专有部分面积和业主人数"))

    choice_of: dict[str, str] = {}
    for v in votes:
        if v.owner not in area_of:
            raise TallyError(gettext_noop("表决票来自不拥有任何房屋的人：%(owner)s"), owner=repr(v.owner))
        if v.owner in choice_of:
            raise TallyError(gettext_noop("同一业主投了两张票：%(owner)s"), owner=repr(v.owner))
        if v.choice not in CHOICES:
            raise TallyError(gettext_noop("业主 %(owner)s 的表决意见无效：%(choice)s（for、against 或 abstain）"),
                              owner=repr(v.owner), choice=repr(v.choice))
        choice_of[v.owner] = v.choice

    area_by = dict.fromkeys(CHOICES, ZERO)
    heads_by = dict.fromkeys(CHOICES, 0)
    for owner, choice in choice_of.items():
        area_by[choice] += area_of[owner]
        heads_by[choice] += 1
    total_area, total_owners = sum(area_of.values(), ZERO), len(area_of)
    voting_area, voting_owners = area_by[FOR] + area_by[AGAINST] + area_by[ABSTAIN], len(choice_of)
    for_area, for_owners = area_by[FOR], heads_by[FOR]

    quorum = participation_met(voting_area, total_area, voting_owners, total_owners)
    approved = quorum and approval_met(m.threshold, for_area, voting_area, for_owners, voting_owners)
    result = dict(
        matter=m.code, quorum_met=quorum, approved=approved, threshold=m.threshold,
        total_area=total_area, total_owners=total_owners, voting_area=voting_area, voting_owners=voting_owners,
        for_area=for_area, for_owners=for_owners,
        against_area=area_by[AGAINST], against_owners=heads_by[AGAINST],
        abstain_area=area_by[ABSTAIN], abstain_owners=heads_by[ABSTAIN],
    )
    return Result(**result, explanation=explain(m, **{k: v for k, v in result.items() if k != "matter"}))


def _mark(ok: bool) -> str:
    return translated(gettext_noop("达到")) if ok else translated(gettext_noop("未达到"))


def _participation(total_area, total_owners, voting_area, voting_owners) -> str:
    """The participation line of an explanation: area and owners taking part against 2/3 (art. 278(2))."""
    area_ok = at_least(voting_area, total_area, PARTICIPATION)
    owners_ok = at_least(voting_owners, total_owners, PARTICIPATION)
    return translated(gettext_noop("参与表决面积 %(pa)s（%(va)s/%(ta)s m²）%(sa)s 2/3，%(ma)s；"
                                   "参与表决人数 %(po)s（%(vo)s/%(to)s 人）%(so)s 2/3，%(mo)s。"),
                      pa=percent(voting_area, total_area), va=voting_area, ta=total_area,
                      sa="≥" if area_ok else "<", ma=_mark(area_ok), po=percent(voting_owners, total_owners),
                      vo=voting_owners, to=total_owners, so="≥" if owners_ok else "<", mo=_mark(owners_ok))


def explain(m: Matter, *, quorum_met, approved, threshold, total_area, total_owners, voting_area, voting_owners,
            for_area, for_owners, **_) -> str:
    """A plain account of the count, with the exact figures beside the rounded percentages (in Chinese, or in
    the active language once Django runs)."""

    lines = [
        translated(gettext_noop("表决事项：%(matter)s（民法典第二百七十八条第一款%(item)s），"
                                "同意须达参与表决面积和人数的%(threshold)s。"),
                   matter=translated(m.label), item=translated(ITEM_LABELS[m.item - 1]),
                   threshold=translated(THRESHOLD_LABELS[m.threshold])),
        _participation(total_area, total_owners, voting_area, voting_owners),
    ]
    if not quorum_met:
        lines.append(translated(gettext_noop("参与表决的业主不足专有部分面积和人数的三分之二，表决不成立，事项未通过。")))
        return "".join(lines)
    area_yes, owners_yes = agreement(threshold, for_area, voting_area, for_owners, voting_owners)
    rule, sign = RULE_SIGNS[threshold]
    lines.append(translated(
        gettext_noop("同意面积 %(pa)s（%(fa)s/%(va)s m²）%(sa)s %(rule)s，%(ma)s；"
                     "同意人数 %(po)s（%(fo)s/%(vo)s 人）%(so)s %(rule)s，%(mo)s。"),
        pa=percent(for_area, voting_area), fa=for_area, va=voting_area, sa=sign[0] if area_yes else sign[1],
        rule=rule, ma=_mark(area_yes), po=percent(for_owners, voting_owners), fo=for_owners, vo=voting_owners,
        so=sign[0] if owners_yes else sign[1], mo=_mark(owners_yes)))
    lines.append(translated(gettext_noop("事项通过。")) if approved else translated(gettext_noop("事项未通过。")))
    return "".join(lines)


# -- a motion with options (三选一) ------------------------------------------------------------------------------
#
# One motion, several options (a named company, self-management, the state custodian). Each owner chooses one
# option or abstains. Participation is counted as for any motion (2/3 of the area and of the owners, art. 278(2));
# each option is then counted on its own: it wins when it has the matter's majority of the participating area AND
# of the participating owners (for hiring a manager, more than half, art. 278(2)). At most one option can have more
# than half of both; when none has it the owners have not decided, and the selection case goes to its fallback.


@dataclass(frozen=True)
class OptionCount:
    """One option with the area and the owners that chose it."""

    key: str
    label: str
    area: Decimal
    owners: int


@dataclass(frozen=True)
class OptionsResult:
    """The outcome of a motion with options: the participation, each option's count, and the winner (or None)."""

    matter: str
    quorum_met: bool
    winner: str | None
    threshold: str
    total_area: Decimal
    total_owners: int
    voting_area: Decimal
    voting_owners: int
    options: tuple[OptionCount, ...]
    abstain_area: Decimal
    abstain_owners: int
    explanation: str

    @property
    def approved(self) -> bool:
        return self.winner is not None

    def option(self, key: str) -> OptionCount:
        return next(o for o in self.options if o.key == key)

    def as_dict(self) -> dict:
        return {
            "quorum_met": self.quorum_met, "approved": self.approved, "winner": self.winner,
            "threshold": self.threshold, "total_area": str(self.total_area), "total_owners": self.total_owners,
            "voting_area": str(self.voting_area), "voting_owners": self.voting_owners,
            "options": [{"key": o.key, "label": o.label, "area": str(o.area), "owners": o.owners}
                        for o in self.options],
            "abstain_area": str(self.abstain_area), "abstain_owners": self.abstain_owners,
            "explanation": self.explanation,
        }


def tally_options(matter: str, homes: Iterable[OwnedHome], votes: Iterable[Vote],
                  options: Iterable[tuple[str, str]]) -> OptionsResult:
    """Count ``votes`` on a motion with ``options`` ((key, label) pairs) over the electorate ``homes``.

    A vote is ``Vote(owner, FOR, option=key)`` or ``Vote(owner, ABSTAIN)``. Raises TallyError like ``tally`` does,
    and for a vote naming no option or an unknown one, or a motion with fewer than two options.
    """
    m = matter_for(matter)
    options = [(str(k), str(label)) for k, label in options]
    keys = [k for k, _label in options]
    if len(options) < 2 or len(set(keys)) != len(keys):
        raise TallyError(gettext_noop("多选项表决须有至少两个不同的选项"))
    area_of: dict[str, Decimal] = {}
    seen_homes: set[str] = set()
    for h in homes:
        if h.id in seen_homes:
            raise TallyError(gettext_noop("房屋 %(home)s 重复列出"), home=h.id)
        seen_homes.add(h.id)
        if not h.owner:
            raise TallyError(gettext_noop("房屋 %(home)s 没有业主"), home=h.id)
        area_of[h.owner] = area_of.get(h.owner, ZERO) + parse_area(h.area, h.id)
    if not area_of:
        raise TallyError(gettext_noop("没有任何房屋：无法计算专有部分面积和业主人数"))
    area_by = dict.fromkeys(keys, ZERO)
    heads_by = dict.fromkeys(keys, 0)
    abstain_area, abstain_owners = ZERO, 0
    seen: set[str] = set()
    for v in votes:
        if v.owner not in area_of:
            raise TallyError(gettext_noop("表决票来自不拥有任何房屋的人：%(owner)s"), owner=repr(v.owner))
        if v.owner in seen:
            raise TallyError(gettext_noop("同一业主投了两张票：%(owner)s"), owner=repr(v.owner))
        seen.add(v.owner)
        if v.choice == ABSTAIN and v.option is None:
            abstain_area += area_of[v.owner]
            abstain_owners += 1
        elif v.choice == FOR and v.option in area_by:
            area_by[v.option] += area_of[v.owner]
            heads_by[v.option] += 1
        else:
            raise TallyError(gettext_noop("业主 %(owner)s 的表决意见无效：%(choice)s（须选择一个选项或弃权）"),
                              owner=repr(v.owner), choice=repr(v.option or v.choice))
    total_area, total_owners = sum(area_of.values(), ZERO), len(area_of)
    voting_area = sum(area_by.values(), ZERO) + abstain_area
    voting_owners = len(seen)
    quorum = participation_met(voting_area, total_area, voting_owners, total_owners)
    counts = tuple(OptionCount(k, label, area_by[k], heads_by[k]) for k, label in options)
    winners = [o.key for o in counts
               if quorum and approval_met(m.threshold, o.area, voting_area, o.owners, voting_owners)]
    winner = winners[0] if len(winners) == 1 else None  # two winners cannot happen with > 1/2 or 3/4; be safe
    figures = dict(quorum_met=quorum, total_area=total_area, total_owners=total_owners, voting_area=voting_area,
                   voting_owners=voting_owners, options=counts, winner=winner)
    return OptionsResult(matter=m.code, threshold=m.threshold, abstain_area=abstain_area,
                         abstain_owners=abstain_owners, explanation=explain_options(m, **figures), **figures)


def explain_options(m: Matter, *, quorum_met, total_area, total_owners, voting_area, voting_owners, options,
                    winner, **_) -> str:
    """A plain account of a count with options: participation, then each option against the majority."""

    lines = [
        translated(gettext_noop("表决事项：%(matter)s（民法典第二百七十八条第一款%(item)s），多选项表决："
                                "每个选项单独计算，须达参与表决面积和人数的%(threshold)s。"),
                   matter=translated(m.label), item=translated(ITEM_LABELS[m.item - 1]),
                   threshold=translated(THRESHOLD_LABELS[m.threshold])),
        _participation(total_area, total_owners, voting_area, voting_owners),
    ]
    if not quorum_met:
        lines.append(translated(gettext_noop("参与表决的业主不足专有部分面积和人数的三分之二，表决不成立，未选出任何选项。")))
        return "".join(lines)
    rule, sign = RULE_SIGNS[m.threshold]
    for o in options:
        area_yes, owners_yes = agreement(m.threshold, o.area, voting_area, o.owners, voting_owners)
        lines.append(translated(
            gettext_noop("“%(label)s”：面积 %(pa)s（%(fa)s/%(va)s m²）%(sa)s %(rule)s，"
                         "人数 %(po)s（%(fo)s/%(vo)s 人）%(so)s %(rule)s。"),
            label=o.label, pa=percent(o.area, voting_area), fa=o.area, va=voting_area,
            sa=sign[0] if area_yes else sign[1], rule=rule, po=percent(o.owners, voting_owners), fo=o.owners,
            vo=voting_owners, so=sign[0] if owners_yes else sign[1]))
    if winner is None:
        lines.append(translated(gettext_noop("没有选项达到多数，业主未作出决定。")))
    else:
        label = next(o.label for o in options if o.key == winner)
        lines.append(translated(gettext_noop("“%(label)s”胜出。"), label=label))
    return "".join(lines)


def tally_document(doc) -> Result | OptionsResult:
    """Count a document shaped like the CLI's input file (already parsed, numbers as Decimal).

    With ``"options": [{"key", "label"}, ...]`` it is a vote with options: each ballot is ``{"owner", "option"}``
    or ``{"owner", "choice": "abstain"}``, and the result names the winning option (or none)."""
    if not isinstance(doc, dict):
        raise TallyError(gettext_noop("文件内容必须是一个 JSON 对象：{\"matter\", \"homes\", \"ballots\"}"))
    for key in ("matter", "homes", "ballots"):
        if key not in doc:
            raise TallyError(gettext_noop("缺少字段：%(key)s"), key=key)
    if not isinstance(doc["homes"], list) or not isinstance(doc["ballots"], list):
        raise TallyError(gettext_noop("homes 和 ballots 必须是列表"))
    matter_for(doc["matter"])
    homes = []
    for i, row in enumerate(doc["homes"], start=1):
        if not isinstance(row, dict) or "id" not in row or "owner" not in row or "area" not in row:
            raise TallyError(gettext_noop("第 %(i)s 个房屋必须有 id、owner、area"), i=i)
        homes.append(OwnedHome(str(row["id"]), str(row["owner"]).strip(), parse_area(row["area"], row["id"])))
    votes = []
    options = doc.get("options")
    if options is not None:
        if not isinstance(options, list) or not all(isinstance(o, dict) and "key" in o for o in options):
            raise TallyError(gettext_noop("options 必须是列表，每项有 key、label"))
        for i, row in enumerate(doc["ballots"], start=1):
            if not isinstance(row, dict) or "owner" not in row or ("option" not in row and "choice" not in row):
                raise TallyError(gettext_noop("第 %(i)s 张表决票必须有 owner 和 option（或 choice: abstain）"), i=i)
            option = row.get("option")
            votes.append(Vote(str(row["owner"]).strip(), FOR if option is not None else row["choice"],
                              str(option) if option is not None else None))
        return tally_options(doc["matter"], homes, votes,
                             [(str(o["key"]), str(o.get("label") or o["key"])) for o in options])
    for i, row in enumerate(doc["ballots"], start=1):
        if not isinstance(row, dict) or "owner" not in row or "choice" not in row:
            raise TallyError(gettext_noop("第 %(i)s 张表决票必须有 owner、choice"), i=i)
        votes.append(Vote(str(row["owner"]).strip(), row["choice"]))
    return tally(doc["matter"], homes, votes)
