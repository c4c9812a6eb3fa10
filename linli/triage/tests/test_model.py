"""The classifier: the held-out accuracy on the project's own labelled set, and any other label set."""

import pytest

from linli.triage.engine import evaluate
from linli.triage.engine.labelled import corpus_rows, split
from linli.triage.engine.model import Model, train


@pytest.fixture(scope="module")
def holdout():
    train_rows, test_rows = split(corpus_rows(), by="instance")
    model = train([r["text"] for r in train_rows], [r["label"] for r in train_rows], calibrate=False)
    predicted = [model.predict(r["text"], explain=0)["label"] for r in test_rows]
    return train_rows, test_rows, predicted


def test_no_held_out_text_shares_its_template_instance_with_a_training_text(holdout):
    train_rows, test_rows, _ = holdout
    seen = {r["instance"] for r in train_rows} | {r["second_instance"] for r in train_rows}
    assert not {r["instance"] for r in test_rows} & seen
    assert len(test_rows) > 700


def test_accuracy_on_held_out_texts_is_at_least_090(holdout):
    _, test_rows, predicted = holdout
    result = evaluate.metrics([r["label"] for r in test_rows], predicted)
    assert result["accuracy"] >= 0.90, result["accuracy"]
    assert result["macro_f1"] >= 0.88, result["macro_f1"]


def test_a_model_learns_any_label_set_and_survives_saving(tmp_path):
    texts = ["猫粮买哪种好", "猫砂多久换一次", "狗绳断了", "遛狗要牵绳", "猫咪不吃饭", "狗狗一直叫"]
    labels = ["猫", "猫", "狗", "狗", "猫", "狗"]
    model = train(texts, labels)
    path = model.save(tmp_path / "pets.json.gz")
    loaded = Model.load(path)
    assert loaded.labels == ["狗", "猫"]
    assert loaded.predict("猫砂又用完了")["label"] == "猫"
    assert loaded.predict("狗绳在哪买")["label"] == "狗"


def test_saving_the_same_model_twice_gives_the_same_bytes(tmp_path):
    model = train(["电梯坏了", "电梯停了", "垃圾满了", "垃圾没人收"], ["a", "a", "b", "b"])
    assert model.save(tmp_path / "1.json.gz").read_bytes() == model.save(tmp_path / "2.json.gz").read_bytes()


def test_training_needs_two_labels():
    with pytest.raises(ValueError):
        train(["一", "二"], ["x", "x"])


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"format": "other"}')
    with pytest.raises(ValueError):
        Model.load(path)


def test_the_first_problem_of_a_message_decides_its_category():
    from linli.triage.engine import load

    result = load().classify("12栋电梯又坏了，停了三天。另外楼下垃圾也没人清运")
    assert result["subcategory"] == "facility.lift"


def test_a_text_with_nothing_recognisable_is_uncertain():
    from linli.triage.engine import load

    result = load().classify("嗯嗯嗯")
    assert result["uncertain"] is True
    assert result["keywords"] == []
    assert load().classify("你好")["uncertain"] is True


def test_metrics_count_precision_recall_and_confusion():
    result = evaluate.metrics(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert result["accuracy"] == 0.75
    assert result["labels"]["a"] == {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2}
    assert result["labels"]["b"]["precision"] == 2 / 3
    assert result["confusion"] == {"a": {"a": 1, "b": 1}, "b": {"b": 2}}
    assert result["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)


def test_keyword_lists_become_one_feature_each_and_overlapping_words_all_count():
    from linli.triage.engine.model import Lexicon

    lexicon = Lexicon({"facility.lift": ["电梯", "轿厢"], "other.x": ["梯子"]})
    assert lexicon("3栋电梯子坏了") == {"@facility.lift", "@other.x"}
    assert lexicon("楼道灯不亮") == set()


def test_the_default_model_carries_the_taxonomys_keyword_lists():
    from linli.triage.engine import load
    from linli.triage.engine.taxonomy import default

    model = load().model
    assert model.lexicon.lists["facility.lift"] == list(default().get("facility.lift").keywords)
    assert "@facility.lift" in model.weights


def test_a_model_of_another_label_set_has_no_keyword_lists():
    model = train(["电梯坏了", "电梯停了", "垃圾满了", "垃圾臭了"], ["a", "a", "b", "b"])
    assert model.lexicon.lists == {}
