"""Demo data of triage on the demo street: its taxonomy and a few staff corrections (idempotent)."""

from __future__ import annotations

from linli.people.models import User
from linli.places.models import Division
from linli.triage.models import TriageCorrection
from linli.triage.services import classify, correction_record, taxonomy_seed

STREET_CODE = "500104001"  # 九宫庙街道 (linli/people/demo.py)
CORRECTIONS = (
    ("锦霞小区3栋楼顶的太阳能热水器支架锈断了，随时可能掉下来", "safety.falling"),
    ("新工村门口修地铁的围挡挡住了小区出口，出门要绕一大圈", "other.municipal"),
    ("胜利新村业委会的公章被前主任拿走不还", "governance.committee"),
)


def load(*, out) -> None:
    street = Division.objects.filter(code=STREET_CODE).first()
    admin = User.objects.filter(username="street_admin").first()
    if street is None or admin is None:
        return
    items = taxonomy_seed(street=street)
    added = 0
    for text, subcategory in CORRECTIONS:
        if TriageCorrection.objects.filter(street=street, text=text).exists():
            continue
        correction_record(text=text, street=street, actor=admin, subcategory=subcategory,
                          predicted=classify(text, street=street))
        added += 1
    out(f"智能分拣：九宫庙街道分类设置 {len(items)} 个小类，新增人工更正示例 {added} 条。")
