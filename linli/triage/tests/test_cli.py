"""``linli triage classify|train|evaluate|retrain`` through call_command, as a user runs them."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

KEYS = {"category", "subcategory", "confidence", "tier", "level", "urgent", "keywords", "uncertain", "explanation"}


def run(*args, stdin=None) -> str:
    out = io.StringIO()
    call_command("triage", *args, stdout=out, stdin=stdin)
    return out.getvalue()


def test_classify_jsonl_reads_one_text_per_line_and_writes_one_json_object_per_line():
    stdin = io.StringIO("12栋电梯又坏了，老人下不了楼\n\n楼道里有很大的煤气味，怕是漏气了\n物業費漲價了，沒開業主大會\n")
    lines = run("classify", "--jsonl", stdin=stdin).splitlines()
    rows = [json.loads(line) for line in lines]
    assert [set(r) for r in rows] == [KEYS] * 3
    assert [(r["category"], r["subcategory"]) for r in rows] == [
        ("facility", "facility.lift"), ("utilities", "utilities.gas"), ("fees", "fees.standard")]
    assert [r["urgent"] for r in rows] == [False, True, False]
    assert rows[0]["tier"] == "hard" and rows[0]["level"] == "estate"
    assert "电梯" in rows[0]["keywords"]
    assert 0 < rows[2]["confidence"] <= 1


def test_classify_takes_texts_as_arguments():
    result = json.loads(run("classify", "楼上天天半夜拖椅子跺脚，吵得睡不着"))
    assert result["subcategory"] == "neighbor.noise"


def test_a_model_trained_on_a_custom_csv_answers_with_that_files_labels(tmp_path):
    data = tmp_path / "pets.csv"
    rows = ["内容,种类"] + [f"猫{w},猫" for w in ("粮", "砂", "咪叫", "抓沙发", "掉毛")] + \
        [f"狗{w},狗" for w in ("绳", "叫", "咬人", "遛", "拉屎")]
    data.write_text("\n".join(rows), encoding="utf-8")
    model = tmp_path / "pets.npz"
    assert "10 条，2 个标签" in run("train", str(data), "--text", "内容", "--label", "种类", "--out", str(model))
    result = json.loads(run("classify", "--model", str(model), "--jsonl", stdin=io.StringIO("猫砂没了\n")))
    assert result["category"] == "猫"
    assert result["subcategory"] is None and result["tier"] is None and result["level"] is None


def test_train_reads_tsv_and_xlsx(tmp_path):
    from openpyxl import Workbook

    tsv = tmp_path / "a.tsv"
    tsv.write_text("t\tl\n电梯坏了\tx\n电梯停了\tx\n垃圾满了\ty\n垃圾臭了\ty\n", encoding="utf-8")
    assert "4 条，2 个标签" in run("train", str(tsv), "--text", "t", "--label", "l", "--out", str(tmp_path / "a.json"))
    wb = Workbook()
    wb.active.append(["t", "l"])
    for row in (["电梯坏了", "x"], ["电梯停了", "x"], ["垃圾满了", "y"], ["垃圾臭了", "y"], [None, None]):
        wb.active.append(row)
    wb.save(tmp_path / "b.xlsx")
    assert "4 条，2 个标签" in run("train", str(tmp_path / "b.xlsx"), "--text", "t", "--label", "l",
                                   "--out", str(tmp_path / "b.json"))


def test_evaluate_prints_accuracy_macro_f1_per_label_figures_and_the_confusion_matrix(tmp_path):
    data = tmp_path / "eval.csv"
    data.write_text("text,label\n12栋电梯又坏了,facility.lift\n楼道灯不亮了,facility.lighting\n"
                    "楼上天天半夜跺脚吵得睡不着,neighbor.noise\n", encoding="utf-8")
    out = run("evaluate", str(data), "--text", "text", "--label", "label", "--model", "current")
    assert "准确率 accuracy                1.0000" in out
    assert "宏平均F1 macro-F1              1.0000" in out
    assert "facility.lift\t1.000\t0.000\t1.000\t0.000\t1" in out  # no baseline without --train
    assert "混淆矩阵" in out


def test_evaluate_with_folds_trains_on_the_file_itself(tmp_path):
    data = tmp_path / "folds.csv"
    lines = ["text,label"] + [f"电梯{w}坏了,lift" for w in "一二三四五六"] + [f"垃圾{w}没人收,garbage" for w in "一二三四五六"]
    data.write_text("\n".join(lines), encoding="utf-8")
    result = json.loads(run("evaluate", str(data), "--text", "text", "--label", "label", "--folds", "3", "--json"))
    assert result["title"].startswith("3 折交叉验证（按标签分层）")
    assert result["linli"]["n"] == result["baseline"]["n"] == 12
    assert result["linli"]["accuracy"] == 1.0


def _writers_file(path):
    """Three writers, each with their own way of saying two things (a category and its subcategory)."""
    lines = ["text,category,subcategory,writer"]
    for writer, (lift, trash) in {"w1": ("电梯又坏了", "垃圾没人收"), "w2": ("电梯停运好几天", "垃圾桶满了臭得很"),
                                  "w3": ("电梯卡住不动", "拉圾堆在楼下没人清")}.items():
        for n in range(1, 7):
            lines.append(f"{n}栋{lift},facility,facility.lift,{writer}")
            lines.append(f"{n}号楼{trash},sanitation,sanitation.garbage,{writer}")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_evaluate_splits_by_writer_and_prints_linli_and_the_baseline_side_by_side(tmp_path):
    data = _writers_file(tmp_path / "w.csv")
    out = run("evaluate", str(data), "--folds", "3")
    assert out.startswith("3 折交叉验证（按 writer 分组），同样的折：Linli 模型 与 基线")
    assert "Linli  baseline" in out
    assert "置信度 > 0.8 的预测" in out
    assert "label\tP Linli\tP base\tR Linli\tR base\tsupport" in out
    assert "混淆矩阵 confusion matrix, Linli" in out and "混淆矩阵 confusion matrix, baseline" in out
    result = json.loads(run("evaluate", str(data), "--folds", "3", "--json"))
    assert set(result["linli"]["labels"]) == {"facility", "sanitation"}  # scored on the category column
    assert result["grouped"] is True and result["folds"] == 3
    assert {"share_above", "right_above"} <= set(result["linli"]["calibration"])


def test_group_folds_keep_each_writer_whole():
    from linli.triage.engine.evaluate import folds_of

    groups = ["a"] * 5 + ["b"] * 3 + ["c"] * 4 + ["d"] * 2
    fold_of = folds_of(["x"] * len(groups), groups, 3)
    for g in set(groups):
        assert len({f for f, gg in zip(fold_of, groups, strict=True) if gg == g}) == 1
    assert set(fold_of) == {0, 1, 2}


def test_evaluate_a_trained_model_on_a_held_out_file_with_the_baseline_trained_on_the_training_files(tmp_path):
    data = _writers_file(tmp_path / "w.csv")
    model = tmp_path / "m.npz"
    run("train", str(data), "--out", str(model))
    held = tmp_path / "held.csv"
    held.write_text("text,category,subcategory\n8栋电梯坏了,facility,facility.lift\n9号楼垃圾没人收,sanitation,"
                    "sanitation.garbage\n", encoding="utf-8")
    result = json.loads(run("evaluate", str(held), "--model", str(model), "--train", str(data), "--json"))
    assert result["linli"]["accuracy"] == 1.0
    assert result["baseline"]["n"] == 2


def test_train_builds_the_same_bytes_twice(tmp_path):
    data = _writers_file(tmp_path / "w.csv")
    run("train", str(data), "--out", str(tmp_path / "1.npz"))
    run("train", str(data), "--out", str(tmp_path / "2.npz"))
    assert (tmp_path / "1.npz").read_bytes() == (tmp_path / "2.npz").read_bytes()


def test_a_missing_column_or_file_is_a_clear_error(tmp_path):
    data = tmp_path / "x.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="列不存在"):
        run("train", str(data), "--text", "text", "--label", "b", "--out", str(tmp_path / "m.json"))
    with pytest.raises(CommandError, match="找不到文件"):
        run("evaluate", str(tmp_path / "nope.csv"), "--text", "a", "--label", "b")
    with pytest.raises(CommandError, match="列不存在"):
        run("evaluate", str(data), "--text", "a", "--label", "b", "--group", "writer")


def test_a_labelled_set_with_an_urgent_column_gives_the_model_an_urgency_head_that_decides(tmp_path):
    """Issue 16 item 6: urgency learnt from the labelled set; the rules still name the danger and its limit."""
    data = tmp_path / "u.csv"
    lines = ["text,category,subcategory,urgent,writer"]
    for n in range(1, 9):
        lines.append(f"{n}栋电梯卡住了 我妈关在里面出不来 快来人,facility,facility.lift,1,w{n % 3}")
        lines.append(f"{n}栋电梯按钮不灵 修一下,facility,facility.lift,0,w{n % 3}")
        lines.append(f"{n}号楼楼道灯不亮 老人容易摔倒,facility,facility.lighting,0,w{n % 3}")
        lines.append(f"{n}号楼煤气味好大 怕是漏气了,utilities,utilities.gas,1,w{n % 3}")
    data.write_text("\n".join(lines), encoding="utf-8")
    model = tmp_path / "u.npz"
    run("train", str(data), "--out", str(model))
    from linli.triage.engine.model import Model

    assert Model.load(model).meta["urgent_head"] is True
    result = json.loads(run("evaluate", str(data), "--folds", "3", "--json"))
    assert set(result["urgency"]) == {"model", "rules"}
    assert result["urgency"]["model"]["urgent"] == 16 and 0 <= result["urgency"]["model"]["recall"] <= 1
    out = run("classify", "--model", str(model), "--jsonl",
              stdin=io.StringIO("9栋电梯卡住了 关在里面出不来\n9号楼楼道灯不亮 老人容易摔倒\n9号楼煤气味好大\n"))
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["urgent"] for r in rows] == [True, False, True]
    assert rows[2]["explanation"]["urgency"] == ["燃气泄漏"] and rows[2]["explanation"]["limit_hours"] == 1
    assert rows[0]["explanation"]["limit_hours"] <= 2
