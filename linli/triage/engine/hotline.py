"""Map the 问题分类 of a 12345 hotline order onto Linli's taxonomy (no Django here).

Hotline platforms classify citizen messages in a three-level tree (一级/二级/三级分类; e.g. the tree of the
2020 泰迪杯 contest, problem C: 城乡建设 › 城市建设和市政管理 › 燃气供应). The few third- and second-level
classes that are property matters map to a subcategory (or a category); everything else is a non-property
matter (``other``) for a department, and the first-level class says which kind of department.
"""

from __future__ import annotations

from dataclasses import dataclass

# third-level class → Linli subcategory (or category when the class is too broad for one subcategory)
THIRD = {
    "燃气供应": "utilities.gas", "电力供应": "utilities.power", "自来水供应": "utilities.water",
    "冬季采暖": "utilities.heating", "环境卫生": "sanitation", "园林绿化": "greening", "园林绿化环卫": "greening",
    "违章建筑": "neighbor.illegal_building", "噪音污染": "neighbor.noise", "修缮装修": "neighbor.renovation",
    "消防安全": "safety.fire_equipment", "治安案件": "safety.security", "安全隐患": "safety",
    "物业服务": "service", "小区管理": "service", "居民服务设施": "facility",
    "城市公共设施": "other.municipal", "基础设施": "other.municipal", "公共汽车": "other.municipal",
    "地铁城铁": "other.municipal", "城管执法": "other.business", "大气污染": "other.business",
    "户籍管理": "other.public_service", "身份证管理": "other.public_service", "流动人口管理": "other.public_service",
    "城镇低保": "other.assistance", "特困人员供养": "other.assistance", "医疗救助": "other.assistance",
    "生活无着人员救助": "other.assistance", "福利事业": "other.assistance", "社区建设": "governance",
    "居委会选举": "governance",
}
# second-level class → Linli category or subcategory, when the third level did not decide
SECOND = {"社会救助": "other.assistance", "户籍证件": "other.public_service", "城镇居民社会保险": "other.public_service",
          "城镇职工社会保险": "other.public_service", "退休政策及待遇": "other.public_service"}
# first-level class → the kind of department a non-property matter goes to
DEPARTMENTS = {
    "城乡建设": "住建/城管", "环境保护": "生态环境", "交通运输": "交通", "政法": "公安/司法", "民政": "民政",
    "劳动和社会保障": "人社", "卫生计生": "卫健", "教育文体": "教育/文旅", "商贸旅游": "商务/市场监管",
    "国土资源": "规划自然资源", "农村农业": "农业农村", "经济管理": "发改/财政", "科技与信息产业": "经信",
    "党务政务": "党政机关", "纪检监察": "纪检监察",
}


@dataclass(frozen=True)
class HotlineMapping:
    category: str
    subcategory: str | None
    department: str  # the kind of department for a non-property matter, "" for a property one


def map_category(first: str = "", second: str = "", third: str = "") -> HotlineMapping:
    """The Linli category (and subcategory when one fits) of a hotline order's three-level class."""
    first, second, third = (str(x or "").strip() for x in (first, second, third))
    code = THIRD.get(third) or SECOND.get(second)
    if code is None:
        return HotlineMapping("other", None, DEPARTMENTS.get(first, ""))
    category, _, sub = code.partition(".")
    department = DEPARTMENTS.get(first, "") if category == "other" else ""
    return HotlineMapping(category, code if sub else None, department)
