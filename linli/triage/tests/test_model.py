"""The classifier: the held-out accuracy on the project's own labelled set, and any other label set."""

import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from linli.triage.engine import evaluate
from linli.triage.engine.labelled import corpus_rows, split
from linli.triage.engine.model import Model, train
from linli.triage.engine.normalize import NORMALIZER


@pytest.fixture(scope="module")
def holdout():
    train_rows, test_rows = split(corpus_rows(), by="instance")
    model = train([r["text"] for r in train_rows], [r["label"] for r in train_rows])
    predicted = [g[0] for g in model.predict_many([r["text"] for r in test_rows])]
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
    path = model.save(tmp_path / "pets.npz")
    loaded = Model.load(path)
    assert loaded.labels == ["狗", "猫"]
    assert loaded.predict("猫砂又用完了")["label"] == "猫"
    assert loaded.predict("狗绳在哪买")["label"] == "狗"


def test_training_twice_on_the_same_texts_gives_the_same_bytes(tmp_path):
    rows = corpus_rows()[:300]
    texts, labels = [r["text"] for r in rows], [r["label"] for r in rows]
    first = train(texts, labels).save(tmp_path / "1.npz").read_bytes()
    assert train(texts, labels).save(tmp_path / "2.npz").read_bytes() == first


def test_training_needs_two_labels():
    with pytest.raises(ValueError):
        train(["一", "二"], ["x", "x"])


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"format": "other"}')
    with pytest.raises(ValueError):
        Model.load(path)


class _Payload:
    """Unpickling this object would create the file ``MARK`` (it must never happen)."""

    def __init__(self, mark):
        self.mark = str(mark)

    def __reduce__(self):
        return (Path(self.mark).write_text, ("ran",))


@pytest.fixture
def small_model(tmp_path):
    model = train(["电梯坏了", "电梯停了", "垃圾满了", "垃圾没人收"], ["facility.lift", "facility.lift",
                                                             "sanitation.garbage", "sanitation.garbage"])
    return model, model.save(tmp_path / "ok.npz")


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _npy(array, allow_pickle=False) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


def _members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_a_pickle_or_joblib_file_given_as_a_model_is_refused_and_runs_nothing(tmp_path):
    mark = tmp_path / "MARK"
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps(_Payload(mark)))
    with pytest.raises(ValueError, match="不是 Linli 分拣模型"):
        Model.load(path)
    assert not mark.exists()


def test_an_npz_with_an_object_array_is_refused_and_runs_nothing(tmp_path, small_model):
    mark = tmp_path / "MARK"
    members = _members(small_model[1])
    members["vocab.npy"] = _npy(np.array([_Payload(mark)], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="不是 Linli 分拣模型"):
        Model.load(_zip(tmp_path / "evil.npz", members))
    assert not mark.exists()
    # numpy's own reader, as the loader calls it, would refuse it too
    with pytest.raises(ValueError):
        np.load(tmp_path / "evil.npz", allow_pickle=False)["vocab"]


def test_a_model_file_with_unexpected_members_types_or_shapes_is_refused(tmp_path, small_model):
    model, ok = small_model
    assert Model.load(ok).labels == model.labels
    members = _members(ok)
    cases = {
        "extra member": {**members, "run.py": b"print(1)"},
        "missing member": {k: v for k, v in members.items() if k != "idf.npy"},
        "float64 weights": {**members, "coef.npy": _npy(model.coef.astype(np.float64))},
        "object weights": {**members, "coef.npy": _npy(model.coef.astype(object), allow_pickle=True)},
        "wrong shape": {**members, "intercept.npy": _npy(np.zeros(3, dtype=np.float32))},
        "meta not JSON": {**members, "meta.npy": _npy(np.frombuffer(b"\x80\x04K", dtype=np.uint8))},
        "meta with a wrong type": {**members, "meta.npy": _npy(np.frombuffer(json.dumps(
            {**model.meta, "labels": [{"__class__": "os.system"}, 1]}).encode(), dtype=np.uint8))},
        "meta of another format": {**members, "meta.npy": _npy(np.frombuffer(json.dumps(
            {**model.meta, "format": "pickle"}).encode(), dtype=np.uint8))},
    }
    for name, content in cases.items():
        with pytest.raises(ValueError):
            Model.load(_zip(tmp_path / f"{name}.npz", content))
            pytest.fail(name)


def test_a_model_trained_with_another_normaliser_is_refused(tmp_path, small_model):
    model, ok = small_model
    members = _members(ok)
    members["meta.npy"] = _npy(np.frombuffer(json.dumps({**model.meta, "normalizer": "linli-norm/1"}).encode(),
                                             dtype=np.uint8))
    with pytest.raises(ValueError, match="重新训练"):
        Model.load(_zip(tmp_path / "old.npz", members))


def test_the_model_file_records_what_it_was_trained_with(small_model):
    meta = Model.load(small_model[1]).meta
    assert meta["normalizer"] == NORMALIZER
    assert len(meta["domain_dict_sha256"]) == 16
    assert meta["categories"] == ["facility", "sanitation"]
    assert meta["labels"] == ["facility.lift", "sanitation.garbage"]


def test_batch_and_single_scoring_agree():
    from linli.triage.engine import load

    model = load().model
    texts = [r["text"] for r in corpus_rows()[:200]]
    single = [(g["label"], g["category"], round(g["confidence"], 4)) for g in map(model.predict, texts)]
    assert [(a, b, round(c, 4)) for a, b, c in model.predict_many(texts)] == single


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


