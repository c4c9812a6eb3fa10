"""``linli triage classify|train|evaluate|retrain``: the classifier from the command line.

    linli triage classify [TEXT ...] [--model PATH] [--jsonl]
    linli triage train [FILE ...] [--text COL] [--label COL] --out PATH [--seed N]
    linli triage evaluate FILE [FILE ...] [--text COL] [--label COL] [--sub COL] [--folds K] [--group COL]
                          [--model PATH [--train FILE ...]] [--holdout instance|template] [--json]
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
from linli.triage.engine.model import train as train_model
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

        p = sub.add_parser("train", help="用带标签的文件训练模型 (CSV, TSV, XLSX)；不给文件则用项目的标注集")
        p.add_argument("files", nargs="*", metavar="FILE", help="带标签的文件（可多个）；默认：项目标注集")
        p.add_argument("--text", default="text", help="文本列名（默认 text）")
        p.add_argument("--label", help="标签列名（默认：subcategory，没有则 label）")
        p.add_argument("--out", required=True, help="模型输出路径（.npz）")
        p.add_argument("--seed", type=int, default=1, help="随机种子（默认 1；同样的数据和种子得到同样的字节）")

        p = sub.add_parser("evaluate", help="评估：Linli 模型与基线（字符 1-2 元 TF-IDF + LinearSVC）在同样的折上并列")
        p.add_argument("files", nargs="+", metavar="FILE", help="带标签的文件（可多个，合并）")
        p.add_argument("--text", default="text", help="文本列名（默认 text）")
        p.add_argument("--label", help="评估的标签列（默认：有 category 列用它，否则 label）")
        p.add_argument("--sub", help="Linli 模型学习的细类列（默认：subcategory 或 label 列，取值如 facility.lift）")
        p.add_argument("--group", help="按此列分组划分折（默认：writer、batch、group 列中第一个存在的；file = 按文件）")
        p.add_argument("--folds", type=int, help="K 折交叉验证（默认 5）")
        p.add_argument("--model", help="不做交叉验证：用这个训练好的模型给文件打分（current = 当前模型）")
        p.add_argument("--train", nargs="+", metavar="FILE", help="与 --model 一起：基线在这些文件上训练")
        p.add_argument("--holdout", choices=["instance", "template"],
                       help="项目模板语料的留出评估：按模板实例或整个模板划分（需要 instance/group 列）")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

        p = sub.add_parser("retrain", help="用项目语料加上已保存的人工更正重新训练")
        p.add_argument("--out", help="模型输出路径（默认：数据目录 triage/model.npz，之后自动使用）")
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
    def do_train(self, *, files, text="text", label=None, out, seed=1, **options):
        files = files or [str(f) for f in engine.shipped_files()]
        texts, labels, urgent = [], [], []
        for file in files:
            rows = self._rows([file])
            column = label or next((c for c in ("subcategory", "label") if c in rows[0]), "label")
            if text not in rows[0] or column not in rows[0]:
                raise CommandError(f"列不存在 (no such column): 有 {', '.join(k for k in rows[0] if k != 'file')}")
            for r in rows:
                t, y = (r.get(text) or "").strip(), (r.get(column) or "").strip()
                if t and y:
                    texts.append(t)
                    labels.append(y)
                    urgent.append(engine.urgent_flag(r.get("urgent")))
        if not texts:
            raise CommandError("文件中没有带标签的文本")
        start = time.perf_counter()
        try:
            model = train_model(texts, labels, seed=seed, meta={"source": sorted(Path(f).name for f in files)},
                                urgent=urgent if any(u is not None for u in urgent) else None)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        path = model.save(out)
        self.stdout.write(self.style.SUCCESS(
            f"已训练：{len(texts)} 条，{len(model.labels)} 个标签，{len(model.vocab)} 个特征，"
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
    @staticmethod
    def _rows(files) -> list[dict]:
        rows = []
        for file in files:
            if not Path(file).is_file():
                raise CommandError(f"找不到文件：{file}")
            try:
                table = read_table(file)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            rows += [{**r, "file": Path(file).name} for r in table]
        if not rows:
            raise CommandError("文件中没有带标签的文本")
        return rows

    @staticmethod
    def _columns(rows, text, label, sub):
        columns = set(rows[0])
        label = label or ("category" if "category" in columns else "label")
        if sub is None:
            sub = next((c for c in ("subcategory", "label") if c in columns and c != label), label)
        for name in (text, label, sub):
            if name not in columns:
                raise CommandError(f"列不存在 (no such column): {name}；有 {', '.join(sorted(columns))}")
        keep = [r for r in rows if (r.get(text) or "").strip() and (r.get(label) or "").strip()]
        texts = [r[text].strip() for r in keep]
        truth = [r[label].strip() for r in keep]
        learnt = [(r.get(sub) or "").strip() or r[label].strip() for r in keep]
        return keep, texts, truth, learnt

    def do_evaluate(self, *, files, text="text", label=None, sub=None, group=None, folds=None, model=None,
                    train=None, holdout=None, json=False, **options):
        if holdout:
            rows = self._rows(files)
            if "instance" not in rows[0]:
                raise CommandError("--holdout 需要项目语料的 instance/group 列（见 linli/triage/data/make_corpus.py）")
            label = label or "label"
            train_rows, test_rows = split(rows, by=holdout)
            m = train_model([r[text] for r in train_rows], [r[label] for r in train_rows])
            truth = [r[label] for r in test_rows]
            predicted = [g[0] for g in m.predict_many([r[text] for r in test_rows])]
            result = evaluate.metrics(truth, predicted)
            title = f"留出评估（按{'模板实例' if holdout == 'instance' else '整个模板'}划分）：训练 {len(train_rows)} 条"
            return self._print(title, result, json, plain=True)
        rows = self._rows(files)
        keep, texts, truth, learnt = self._columns(rows, text, label, sub)
        if model:
            path = current_model_path() if model == "current" else Path(model)
            if not path.is_file():
                raise CommandError(f"找不到模型文件：{path}")
            try:
                m = engine.load(path).model
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            guesses = m.predict_many(texts)
            same = all(t == y for t, y in zip(truth, learnt, strict=True))
            predicted = [g[0] if same else g[1] if m.categories else g[0].split(".")[0] for g in guesses]
            result = {"linli": {**evaluate.metrics(truth, predicted),
                                "calibration": evaluate.calibration(truth, predicted, [g[2] for g in guesses])}}
            if train:
                trows = self._rows(train)
                _, ttexts, ttruth, _ = self._columns(trows, text, label, sub)
                clf = evaluate.baseline_fit(ttexts, ttruth)
                result["baseline"] = evaluate.metrics(truth, [str(p) for p in clf.predict(texts)])
            title = f"模型 {path} 在 {', '.join(Path(f).name for f in files)} 上（{len(texts)} 条）"
            return self._print(title, result, json)
        columns = set(keep[0]) if keep else set()
        if group is None:
            group = next((c for c in ("writer", "batch", "group") if c in columns), None)
        elif group not in columns:
            raise CommandError(f"列不存在 (no such column): {group}")
        groups = [r[group] for r in keep] if group else None
        folds = folds or 5
        try:
            urgent = [engine.urgent_flag(r.get("urgent")) for r in keep] if "urgent" in columns else None
            result = evaluate.compare(texts, truth, train_labels=learnt, groups=groups, folds=folds, urgent=urgent)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        how = f"按 {group} 分组" if group else "按标签分层"
        title = f"{folds} 折交叉验证（{how}），同样的折：Linli 模型 与 基线 (char 1-2-gram TF-IDF + LinearSVC)"
        return self._print(title, result, json)

    def _print(self, title, result, as_json, plain=False):
        if as_json:
            import json as _json

            self.stdout.write(_json.dumps({"title": title, **result}, ensure_ascii=False, indent=2))
            return
        self.stdout.write(title)
        for line in (evaluate.report(result) if plain else evaluate.side_by_side(result)):
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
