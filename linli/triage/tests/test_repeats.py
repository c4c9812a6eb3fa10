import datetime

from linli.triage.engine.repeats import Item, check, similarity

NOW = datetime.datetime(2026, 5, 10, 12, 0, tzinfo=datetime.UTC)


def days_ago(n):
    return NOW - datetime.timedelta(days=n)


def test_the_same_complaint_in_other_words_is_similar_and_an_unrelated_one_is_not():
    assert similarity("3栋电梯又坏了，没人修", "3栋的电梯坏了好几天没人修") > 0.4
    assert similarity("3栋电梯又坏了", "楼下垃圾没人清运") == 0.0


def test_a_similar_open_order_of_the_same_building_is_proposed_for_merging():
    new = Item(id=None, text="3栋电梯又坏了，老人下不了楼", estate=1, building=3, created=NOW)
    candidates = [
        Item(id=11, text="3栋电梯坏了，停了两天", estate=1, building=3, created=days_ago(2)),
        Item(id=12, text="3栋电梯坏了，停了两天", estate=2, building=9, created=days_ago(2)),  # another estate
        Item(id=13, text="3栋电梯坏了，停了两天", estate=1, building=3, created=days_ago(20)),  # too old
        Item(id=14, text="楼下垃圾桶满了没人清运", estate=1, building=3, created=days_ago(1)),  # unrelated
    ]
    result = check(new, candidates, now=NOW)
    assert [p.id for p in result.proposals] == [11]
    assert result.proposals[0].reasons[1:] == ("同一楼栋",)
    assert result.proposals[0].score == 0.43
    assert result.repeated_caller is False


def test_the_same_building_and_category_score_higher_than_the_same_estate_alone():
    new = Item(id=None, text="电梯坏了", estate=1, building=3, created=NOW, category="facility")
    same = Item(id=1, text="电梯坏了", estate=1, building=3, created=NOW, category="facility")
    other = Item(id=2, text="电梯坏了", estate=1, building=4, created=NOW, category="facility")
    scores = {p.id: p.score for p in check(new, [same, other], now=NOW).proposals}
    assert scores == {1: 1.0, 2: 0.85}


def test_a_caller_who_called_within_n_days_is_flagged_as_a_repeated_call():
    new = Item(id=None, text="楼上漏水到我家", estate=1, building=3, created=NOW, phone="138-1234-5678")
    candidates = [
        Item(id=21, text="物业费怎么交", estate=7, created=days_ago(3), phone="13812345678"),
        Item(id=22, text="楼上漏水", estate=1, created=days_ago(30), phone="13812345678"),  # outside the window
    ]
    result = check(new, candidates, now=NOW)
    assert result.repeated_caller is True
    assert result.caller_items == [21]
    assert result.proposals == []


def test_the_window_in_days_can_be_changed():
    new = Item(id=None, text="3栋电梯又坏了", estate=1, building=3, created=NOW)
    old = Item(id=31, text="3栋电梯又坏了", estate=1, building=3, created=days_ago(10))
    assert check(new, [old], now=NOW).proposals == []
    assert [p.id for p in check(new, [old], days=14, now=NOW).proposals] == [31]


def test_the_result_serialises_to_plain_values():
    new = Item(id=None, text="3栋电梯又坏了", estate=1, building=3, created=NOW, phone="13812345678")
    old = Item(id=41, text="3栋电梯又坏了", estate=1, building=3, created=NOW, phone="13812345678")
    assert check(new, [old], now=NOW).to_dict() == {
        "proposals": [{"id": 41, "score": 0.95, "similarity": 1.0,
                       "reasons": ["文本相似度 1.00", "同一楼栋", "同一来电人"]}],
        "repeated_caller": True,
        "caller_items": [41],
    }
