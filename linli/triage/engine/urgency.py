"""Danger signals that make a complaint urgent, with hour-level time limits (no Django here).

Each rule is a regular expression over the normalised text. A signal right after a negation
("没有燃气味", "不是着火") does not count. The shortest limit of the rules that fire wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    pattern: re.Pattern
    limit_hours: int


def _rule(code, name, pattern, hours):
    return Rule(code, name, re.compile(pattern), hours)


RULES: tuple[Rule, ...] = (
    _rule("gas", "燃气泄漏", r"(燃气|煤气|天然气|液化气)[^,.!?;]{0,6}(味|泄漏|泄露|漏气|嘶嘶)|臭鸡蛋味|漏气", 1),
    _rule("lift_trapped", "电梯困人", r"(困|关|卡)在(了)?电梯|电梯[^,.!?;]{0,6}(困人|困住|被困|关人)|被困[^,.!?;]{0,4}(电梯|轿厢)", 1),
    _rule("fire", "火情", r"着火|起火|失火|火灾发生|冒烟|火苗|烧起来|冒火(?!花)", 1),
    _rule("falling", "高空坠物", r"高空抛物|高空坠物|(砸|掉|坠)[^,.!?;]{0,3}(下来|到人|伤)|摇摇欲坠|随时(可能|会)掉", 4),
    _rule("flooding", "水淹爆管", r"爆管|水管(爆|破裂)|(被|全|都)淹|淹了|水漫|倒灌|漫进", 2),
    _rule("electric", "电线裸露漏电", r"电线[^,.!?;]{0,3}(裸露|外露)|线头露|漏电|触电|冒火花|(电表箱|配电箱)[^,.!?;]{0,4}(冒烟|烧焦)", 2),
    _rule("elderly_alone", "独居老人异常",
          r"(独居|孤寡|空巢)(的)?老人[^.!?;]{0,12}(没出门|没见|不应|没人应|不接|摔倒|晕倒|出事|生病)"
          r"|老人[^,.!?;]{0,6}(摔倒|晕倒)", 2),
    _rule("structure", "结构险情", r"(承重墙|墙体|楼板)[^,.!?;]{0,6}(裂|塌)|塌了|钢筋都露", 4),
)
NEGATION = re.compile(r"(没有|没|无|不是|并无|未|不)$")
# A danger only feared or imagined ("我怕着火", "万一着火", "老人容易摔倒") is a reason to fix something, not an
# emergency: a signal right after such a word, or with one inside the match, does not count.
HYPOTHETICAL = re.compile(r"(怕(?!是)|担心|万一|要是|如果|容易|可能会|会不会|小心|防止|预防|以防)")


@dataclass(frozen=True)
class Urgency:
    urgent: bool
    limit_hours: int | None
    signals: tuple[str, ...]  # rule codes
    names: tuple[str, ...]  # Chinese names, for staff


NOT_URGENT = Urgency(False, None, (), ())


def assess(cleaned: str) -> Urgency:
    """Which danger signals a normalised text carries, and the shortest time limit among them."""
    fired = []
    for rule in RULES:
        for m in rule.pattern.finditer(cleaned):
            if NEGATION.search(cleaned[max(0, m.start() - 3): m.start()]):
                continue
            if HYPOTHETICAL.search(cleaned[max(0, m.start() - 4): m.start()]) or HYPOTHETICAL.search(m.group()):
                continue
            fired.append(rule)
            break
    if not fired:
        return NOT_URGENT
    return Urgency(True, min(r.limit_hours for r in fired), tuple(r.code for r in fired),
                   tuple(r.name for r in fired))
