"""``linli triage classify|train|evaluate|retrain``: the classifier from the command line.

    linli triage classify [TEXT ...] [--model PATH] [--jsonl]
    linli triage train FILE --text COLUMN --label COLUMN --out PATH
    linli triage evaluate FILE --text COLUMN --label COLUMN [--model PATH | --folds K | --holdout]
    linli triage retrain [--out PATH] [--corpus FILE]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linli.triage import engine
from linli.triage.engine import evaluate
from linli.triage.engine.labelled import read_labelled, read_table, split
from linli.triage.engine.model import train
from linli.triage.services import corrections_for_training, current_model_path, retrained_model_path

KEYS = ("category", "subcategory", "confidence", "tier", "level", "urgent", "keywords", "uncertain", "explanation")


class Command(BaseCommand):
    help = "智能分拣：分类、训练、评估、用人工更正重新训练。Triage: classify, train, evaluate, retrain."
    requires_system_checks = []
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{classify,train,evaluate,retrain}")

        p = sub.add_parser("classify", help="给诉求分类 (classify texts)")
        p.add_argument("texts", nargs="*", metavar="TEXT", help="诉求文本；不给则从标准输入逐行读取")
        p.add_argument("--model", help="模型文件（默认：内置模型或 retrain 生成的模型）")
        p.add_argument("--jsonl", action="store_true", help="从标准输入每行读一条，每行输出一个 JSON 对象")

        p = sub.add_parser("train", help="用任意带标签的文件训练模型 (CSV, TSV, XLSX)")
        p.add_argument("file")
        p.add_argument("--text", required=True, help="文本列名")
        p.add_argument("--label", required=True, help="标签列名")
        p.add_argument("--out", required=True, help="模型输出路径（.json.gz 或 .json）")

        p = sub.add_parser("evaluate", help="评估：准确率、宏F1、各标签精确率/召回率、混淆矩阵")
        p.add_argument("file")
        p.add_argument("--text", required=True)
        p.add_argument("--label", required=True)
        how = p.add_mutually_exclusive_group()
        how.add_argument("--model", help="评估这个模型（默认：当前模型）")
        how.add_argument("--folds", type=int, help="K 折交叉验证（在该文件上训练和测试）")
        how.add_argument("--holdout", choices=["instance", "template"],
                         help="项目语料的留出评估：按模板实例或整个模板划分（需要 instance/group 列）")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

        p = sub.add_parser("retrain", help="用项目语料加上已保存的人工更正重新训练")
        p.add_argument("--out", help="模型输出路径（默认：数据目录 triage/model.json.gz，之后自动使用）")
        p.add_argument("--corpus", help="基础语料（默认：项目语料 linli/triage/data/corpus.csv；列 text, label）")

    def handle(self, *args, action, **options):
        return getattr(self, f"do_{action}")(**options)

    # -- classify --------------------------------------------------------------------------------------
    def do_classify(self, *, texts, model=None, jsonl=False, **options):
        path = Path(model) if model else current_model_path()
        if not path.exists():
            raise CommandError(f"找不到模型文件：{path}")
        try:
            triage = engine.load(path)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        stdin = options.get("stdin") or sys.stdin
        if jsonl or not texts:
            source = (line.rstrip("\n") for line in stdin)
        else:
            source = iter(texts)
        for text in source:
            if not text.strip():
                continue
            result = triage.classify(text)
            out = {k: result[k] for k in KEYS}
            if jsonl:
                self.stdout.write(json.dumps(out, ensure_ascii=False))
            else:
                self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))

    # -- train ----------------------------------------------------------------------------------------
    def do_train(self, *, file, text, label, out, **options):
        texts, labels = self._read(file, text, label)
        start = time.perf_counter()
        try:
            model = train(texts, labels, meta={"source": Path(file).name})
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        path = model.save(out)
        self.stdout.write(self.style.SUCCESS(
            f"已训练：{len(texts)} 条，{len(model.labels)} 个标签，{len(model.weights)} 个特征，"
            f"用时 {time.perf_counter() - start:.1f} 秒 → {path}"))

    def _read(self, file, text, label):
        if not Path(file).is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            texts, labels = read_labelled(file, text, label)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if not texts:
            raise CommandError("文件中没有带标签的文本")
        return texts, labels

    # -- evaluate -------------------------------------------------------------------------------------
    def do_evaluate(self, *, file, text, label, model=None, folds=None, holdout=None, json=False, **options):
        if holdout:
            rows = read_table(file)
            if not rows or "instance" not in rows[0]:
                raise CommandError("--holdout 需要项目语料的 instance/group 列（见 linli/triage/data/make_corpus.py）")
            train_rows, test_rows = split(rows, by=holdout)
            m = train([r[text] for r in train_rows], [r[label] for r in train_rows])
            truth = [r[label] for r in test_rows]
            predicted = [m.predict(r[text], explain=0)["label"] for r in test_rows]
            result = evaluate.metrics(truth, predicted)
            title = f"留出评估（按{'模板实例' if holdout == 'instance' else '整个模板'}划分）：训练 {len(train_rows)} 条"
        elif folds:
            texts, labels = self._read(file, text, label)
            try:
                result = evaluate.cross_validate(texts, labels, folds)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            title = f"{folds} 折交叉验证"
        else:
            texts, labels = self._read(file, text, label)
            path = Path(model) if model else current_model_path()
            triage = engine.load(path)
            predicted = [triage.model.predict(t, explain=0)["label"] for t in texts]
            result = evaluate.metrics(labels, predicted)
            title = f"模型 {path}"
        if json:
            import json as _json

            self.stdout.write(_json.dumps({"title": title, **result}, ensure_ascii=False, indent=2))
            return
        self.stdout.write(title)
        for line in evaluate.report(result):
            self.stdout.write(line)

    # -- retrain --------------------------------------------------------------------------------------
    def do_retrain(self, *, out=None, corpus=None, **options):
        from django.utils import timezone

        texts, labels = corrections_for_training()
        # A correction counts three times: it is a real resident's text, rarer and closer to the truth.
        extra = (texts * 3, labels * 3)
        model = engine.train_default(corpus, extra=extra, meta={"corrections": len(texts),
                                                        "trained_at": timezone.now().isoformat(timespec="seconds")})
        path = model.save(out or retrained_model_path())
        self.stdout.write(self.style.SUCCESS(
            f"已重新训练：项目语料 + {len(texts)} 条人工更正，{len(model.labels)} 个标签 → {path}"))
