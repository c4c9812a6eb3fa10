"""Demo hook of the assessment (考核): the demo street's district scored and frozen for its past months, so that the
ranking page, the change of rank and the public 红黑榜 show something the first time (run by linli/dashboard/demo_history.py
after the other apps' demo history; safe to run twice: frozen months are skipped)."""

from __future__ import annotations

from django.utils import timezone

from linli.dashboard import assessment
from linli.people.demo import DISTRICT
from linli.places.models import Division

MONTHS = 12


def load(*, out=print, months: int = MONTHS) -> None:
    district = Division.objects.filter(code=DISTRICT[1], level=Division.Level.DISTRICT).first()
    if district is None:
        out("考核演示：没有演示区，跳过。")
        return
    # Oldest first, so that each month finds last month's ranks (the change of rank).
    done = []
    month = assessment.previous_month(timezone.localdate())
    todo = []
    for _i in range(months):
        todo.append(month)
        month = assessment.previous_month(month)
    for month in reversed(todo):
        if not assessment.is_frozen(district, month):
            event = assessment.scores_compute(month=month, district=district, freeze=True)
            done.append(f"{month:%Y-%m}（{event.scores.count()} 项）")
    out("考核演示：已计算并冻结 " + ("、".join(done) if done else "（均已冻结）") + "。")
