"""Fill English msgstr entries from a dict and clear their fuzzy flags (used by the maintainers, not at run time).

    python linli/locale/fill.py   # after `make messages`, with new entries added to NEW below
"""

import re
import sys
from pathlib import Path

PO = Path(__file__).parent / "en" / "LC_MESSAGES" / "django.po"

NEW = {
    "只读角色不能修改登记信息": "Read-only roles cannot change the registry",
    "您无权修改该小区的登记信息": "You may not change the registry entries of this estate",
    "您无权修改该区划的登记信息": "You may not change the registry entries of this division",
    "全部": "All",
    "上级区划代码": "Parent division code",
    "如：业主大会决定、街道指定托管文件编号": "E.g. an owners' assembly decision or the street's custodian appointment number",
    "未知的管理方式：%(mode)s": "Unknown management mode: %(mode)s",
    "市场化物业和国有托管必须填写服务单位": "A market contract or a state custodian needs a provider",
    "服务单位必须是物业服务企业或物业服务站": "The provider must be a property company or a property service station",
    "国有托管的服务单位必须是国有企业": "A state custodian must be a state-owned company",
    "套管必须指定牵头小区": "A bundled estate needs a lead estate",
    "牵头小区不能是本小区": "The lead estate cannot be the estate itself",
    "只有套管需要牵头小区": "Only a bundled estate has a lead estate",
    "合同到期日不能早于合同开始日": "The contract cannot end before it starts",
    "起始日期必须晚于已有记录的起始日期（%(date)s）": "The start date must be after the start of the latest record (%(date)s)",
    "%(e)s单元": "Entrance %(e)s",
    "如：锦霞 或 jx": "e.g. 锦霞 or jx",
    "如：九宫庙 或 jgm": "e.g. 九宫庙 or jgm",
    "已登记 %(estate)s 的管理方式变更": "The management mode change of %(estate)s is recorded",
    "无权操作": "Not allowed",
    "您的角色只能查看，不能修改。": "Your role can view but not change this.",
    "回到首页": "Back to the home page",
    "管理后台": "Administration",
    "页面不存在": "Page not found",
    "您要找的页面不存在，或者您没有查看它的权限。": "This page does not exist, or you may not see it.",
}


def main() -> int:
    text = PO.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    out, missing = [], []
    for block in blocks:
        m = re.search(r'^msgid "(.*)"$', block, re.M)
        key = m.group(1) if m else None
        if key in NEW and "msgid_plural" not in block:
            lines = [ln for ln in block.split("\n") if not ln.startswith("#|")]
            lines = [ln.replace("#, fuzzy, ", "#, ").replace("#, fuzzy", "") if ln.startswith("#,") else ln
                     for ln in lines]
            lines = [ln for ln in lines if ln.strip() != "#,"]
            head = lines[: next(i for i, ln in enumerate(lines) if ln.startswith("msgstr"))]
            value = NEW[key].replace('"', '\\"')
            block = "\n".join(head + [f'msgstr "{value}"'])
        elif key and re.search(r'^msgstr ""$', block, re.M) and not re.search(r'^msgstr ""\n"', block, re.M):
            missing.append(key)
        if "#, fuzzy" in block and key:
            missing.append("fuzzy: " + key)
        out.append(block)
    PO.write_text("\n\n".join(out), encoding="utf-8")
    for key in missing:
        print("untranslated:", key)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
