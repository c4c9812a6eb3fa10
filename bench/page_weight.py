"""Page weight of the resident's pages (issue 18): HTML + the CSS and JS each page references, raw bytes, no photos.

    .venv/bin/python bench/page_weight.py [--data-dir DIR] [--user resident]

Without ``--data-dir`` it loads the demo street into a temporary directory first (``linli migrate``, ``linli
demo``, about a minute); with it, it reads the demo already there (``make run``'s ``var/``, say). It signs in as the
demo resident, fetches each page of linli/pageweight.py's list through Django's test client (nothing is timed) and
prints a table and writes bench/results/page_weight.json. The budget is 100 KB (100,000 bytes) per page; the script
exits 1 if a page is over it. A page that needs a record the user lacks (the demo resident has paid nothing, so
has no receipt) is listed as not measured; linli/core/tests/test_page_weight.py weighs every page. Figures in docs/benchmarks.md ("Page weight").
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "page_weight.json"


def load_demo(data_dir: Path) -> None:
    env = dict(os.environ, LINLI_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore")
    for args in (["migrate", "--noinput", "-v0"], ["demo"]):
        print(f"$ linli {' '.join(args)}", flush=True)
        subprocess.run([sys.executable, "-m", "linli.manage", *args], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)


def kb(n: int) -> str:
    return f"{n / 1000:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", help="a LINLI_DATA_DIR that holds the demo street (default: a fresh one)")
    parser.add_argument("--user", default="resident", help="the resident to sign in as (default: resident)")
    args = parser.parse_args()

    tmp = None
    if args.data_dir:
        data_dir = Path(args.data_dir).resolve()
    else:
        tmp = tempfile.TemporaryDirectory(prefix="linli-weight-")
        data_dir = Path(tmp.name)
        load_demo(data_dir)
    os.environ["LINLI_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["LINLI_INPROCESS_WORKER"] = "false"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.test import Client

    from linli import pageweight
    from linli.people.models import User

    user = User.objects.get(username=args.user)
    client = Client()
    client.force_login(user)
    weights = [pageweight.weigh(client, name, url) for name, url in pageweight.resident_pages(user)]
    missing = [name for name in pageweight.RESIDENT_PAGES if name not in {w.name for w in weights}]

    print(f"\n{'page':<14} {'HTML':>7} {'CSS':>7} {'JS':>7} {'total':>8}  (KB = 1,000 bytes; budget "
          f"{kb(pageweight.BUDGET)})")
    for w in weights:
        flag = "  OVER" if w.total >= pageweight.BUDGET else ""
        print(f"{w.name:<14} {kb(w.html):>7} {kb(w.css):>7} {kb(w.js):>7} {kb(w.total):>8}{flag}  {w.url}")
    if missing:
        print(f"not measured (the user has no such record): {', '.join(missing)}")
    over = [w.name for w in weights if w.total >= pageweight.BUDGET]

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "user": args.user, "budget_bytes": pageweight.BUDGET, "pages": [w.as_dict() for w in weights],
        "missing": missing, "over_budget": over,
    }, ensure_ascii=False, indent=1))
    print(f"\nwritten to {OUT.relative_to(ROOT)}")
    if tmp is not None:
        tmp.cleanup()
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
