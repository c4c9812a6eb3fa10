import pytest

from linli.triage.engine.normalize import clean
from linli.triage.engine.urgency import assess


@pytest.mark.parametrize("text, code, hours", [
    ("楼道里有很大的煤气味，怕是漏气了", "gas", 1),
    ("我妈被困在电梯里了，按警铃没人应", "lift_trapped", 1),
    ("电梯困人了快来", "lift_trapped", 1),
    ("楼下饭馆着火了，烟很大", "fire", 1),
    ("楼上往下扔酒瓶，差点砸到人", "falling", 4),
    ("外墙瓷砖摇摇欲坠", "falling", 4),
    ("水管爆了，楼下全淹了", "flooding", 2),
    ("配电箱冒烟有烧焦味", "electric", 2),
    ("楼道电线裸露，小孩碰到会触电", "electric", 2),
    ("隔壁独居老人好几天没出门了，敲门没人应", "elderly_alone", 2),
    ("承重墙出现裂缝", "structure", 4),
])
def test_danger_signals_make_a_complaint_urgent_with_an_hour_limit(text, code, hours):
    result = assess(clean(text))
    assert result.urgent is True
    assert code in result.signals
    assert result.limit_hours <= hours


def test_the_shortest_limit_wins_when_several_signals_fire():
    result = assess(clean("燃气味很重，电线也裸露着"))
    assert result.signals == ("gas", "electric")
    assert result.limit_hours == 1
    assert result.names == ("燃气泄漏", "电线裸露漏电")


@pytest.mark.parametrize("text", [
    "楼道灯不亮了",
    "物业费涨价了",
    "检查过了，没有燃气味",
    "燃气灶点不着火",
    "楼上装修太吵",
])
def test_ordinary_or_negated_complaints_are_not_urgent(text):
    result = assess(clean(text))
    assert result.urgent is False
    assert result.limit_hours is None


def test_traditional_input_is_recognised_after_normalisation():
    assert assess(clean("樓道裡有煤氣味")).signals == ("gas",)


def test_classify_shortens_the_time_limit_of_an_urgent_complaint():
    from linli.triage.engine import load

    result = load().classify("3栋电梯困人了，里面有个老人，快来！")
    assert result["subcategory"] == "facility.lift"
    assert result["urgent"] is True
    assert result["explanation"]["limit_hours"] == 1


@pytest.mark.parametrize("text", ["楼道太黑，老人容易摔倒", "楼道堆满纸壳子，我怕着火", "万一着火根本跑不出去",
                                  "这要是着火了咋个办"])
def test_a_danger_only_feared_is_not_an_emergency(text):
    """The known false alarm of issue 16: "老人容易摔倒" read as 独居老人异常; likewise a fire only feared."""
    assert assess(clean(text)).urgent is False


def test_a_real_fall_or_fire_stays_urgent_and_怕是_is_not_a_fear():
    assert assess(clean("独居老人摔倒了爬不起来")).signals == ("elderly_alone",)
    assert assess(clean("楼道里有很大的煤气味，怕是漏气了")).urgent is True
