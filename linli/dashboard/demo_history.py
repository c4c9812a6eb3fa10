"""The dashboard's part of ``linli demo``, a history loader: it runs after every other app's demo and year of history
(linli.dashboard is the last installed app). It rebuilds the daily summary from the orders the demos wrote, so that
the figures show them at once, then scores and freezes the demo district's past twelve months (the assessment), so
that the ranking page, the change of rank and the public 红黑榜 show something the first time. Safe to run twice."""

from linli.dashboard import assessment_demo
from linli.workorders import daily


def load(*, out) -> None:
    result = daily.rebuild()
    out(f"仪表盘汇总：{result['rows']} 行")
    assessment_demo.load(out=out)
