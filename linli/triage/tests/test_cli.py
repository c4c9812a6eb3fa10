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
    model = tmp_path / "pets.json.gz"
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
    out = run("evaluate", str(data), "--text", "text", "--label", "label")
    assert "准确率 accuracy = 1.0000" in out
    assert "宏平均F1 macro-F1 = 1.0000" in out
    assert "facility.lift\t1.000\t1.000\t1.000\t1" in out
    assert "混淆矩阵" in out


def test_evaluate_with_folds_trains_on_the_file_itself(tmp_path):
    data = tmp_path / "folds.csv"
    lines = ["text,label"] + [f"电梯{w}坏了,lift" for w in "一二三四五六"] + [f"垃圾{w}没人收,garbage" for w in "一二三四五六"]
    data.write_text("\n".join(lines), encoding="utf-8")
    result = json.loads(run("evaluate", str(data), "--text", "text", "--label", "label", "--folds", "3", "--json"))
    assert result["title"] == "3 折交叉验证"
    assert result["n"] == 12
    assert result["accuracy"] == 1.0


def test_a_missing_column_or_file_is_a_clear_error(tmp_path):
    data = tmp_path / "x.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="列不存在"):
        run("train", str(data), "--text", "text", "--label", "b", "--out", str(tmp_path / "m.json"))
    with pytest.raises(CommandError, match="找不到文件"):
        run("evaluate", str(tmp_path / "nope.csv"), "--text", "a", "--label", "b")
