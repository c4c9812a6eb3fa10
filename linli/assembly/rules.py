"""When a vote may open and how long it must run: the notice period and the minimum voting period, per city.

* Notice period (通知期): the owners are told of a vote, with its matter, time and manner, before it opens.
  物业管理条例 (State Council, 2018) art. 14: "召开业主大会会议，应当于会议召开15日以前通知全体业主" — the national
  rule, and the default everywhere. 北京市物业管理条例 (2024) art. 35 para. 4: the committee "应当于会议召开十五日前
  通知全体业主" and posts the matter, time, place and manner in the estate. 聊城市物业管理条例 (2021) sets no period of
  its own for an ordinary meeting (art. 16 only on the manner), so the national 15 days apply there.
* Minimum voting period (最短表决期): none of the texts in /work/shared/law sets one. Linli's default is seven days,
  a choice and not a rule of law: a written vote (书面征求意见, 物业管理条例 art. 12; 聊城 art. 16) needs the form
  delivered to every owner and collected again, and seven days give every owner a weekend and working days for it
  (the elderly and the owners who live elsewhere most of all). A city may set its own figure.

A city's figures are configured in ``settings.LINLI_VOTE_RULES``: a mapping of an administrative-division code
prefix ("11" Beijing, "3715" 聊城, "5001" Chongqing's districts) to ``{"notice_days": n, "min_voting_days": n}``;
the longest prefix of the estate's district code wins, over the built-in defaults below. An exception (e.g. an
urgent vote ordered by the street in writing) is recorded on the motion with its reason and document number, and
shown with it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class VoteRules:
    notice_days: int
    min_voting_days: int
    notice_source: str  # the article that sets the notice period
    voting_source: str  # where the minimum voting period comes from

    @property
    def notice(self) -> datetime.timedelta:
        return datetime.timedelta(days=self.notice_days)

    @property
    def min_voting(self) -> datetime.timedelta:
        return datetime.timedelta(days=self.min_voting_days)


NATIONAL = VoteRules(notice_days=15, min_voting_days=7, notice_source=_("《物业管理条例》第十四条"),
                     voting_source=_("邻里默认值（法规未规定最短表决期）"))
# The regulations in force, by division-code prefix (the longest prefix wins).
BUILT_IN: dict[str, VoteRules] = {
    "": NATIONAL,
    "11": replace(NATIONAL, notice_source=_("《北京市物业管理条例》第三十五条")),
}


def region_code(estate) -> str:
    """The estate's district code (the first segment of its community's path, e.g. "500104")."""
    path = estate.community.path if estate.community_id else ""
    return path.split("/", 1)[0]


def rules_for(estate) -> VoteRules:
    """The notice and voting periods that apply to ``estate``: the built-in regulation for its region, overridden
    by ``settings.LINLI_VOTE_RULES``."""
    code = region_code(estate)
    base_prefix = max((p for p in BUILT_IN if code.startswith(p)), key=len)
    rules = BUILT_IN[base_prefix]
    configured = getattr(settings, "LINLI_VOTE_RULES", {}) or {}
    matches = [p for p in configured if code.startswith(p)]
    if matches:
        override = configured[max(matches, key=len)]
        rules = replace(rules, **{k: int(v) for k, v in override.items() if k in ("notice_days", "min_voting_days")})
        if "min_voting_days" in override:
            rules = replace(rules, voting_source=_("本市配置"))
    return rules
