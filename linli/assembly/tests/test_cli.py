"""``linli assembly tally FILE.json``: the count of a vote from a file, with no database at all."""

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

FILE = {
    "matter": "hire_manager",
    "homes": [
        {"id": "1-101", "owner": "wang", "area": 62.50},
        {"id": "1-102", "owner": "wang", "area": "48.00"},
        {"id": "1-201", "owner": "zhou+chen", "area": 55.3},
        {"id": "1-202", "owner": "li", "area": 40},
    ],
    "ballots": [
        {"owner": "wang", "choice": "for"},
        {"owner": "zhou+chen", "choice": "abstain"},
    ],
}


def run(tmp_path, doc) -> dict:
    path = tmp_path / "vote.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("assembly", "tally", str(path), stdout=out)
    return json.loads(out.getvalue())


def test_the_tally_prints_the_result_with_areas_as_exact_decimal_strings(tmp_path):
    result = run(tmp_path, FILE)
    assert {k: v for k, v in result.items() if k != "explanation"} == {
        "quorum_met": True,
        "approved": False,
        "threshold": ">1/2",
        "total_area": "205.80",
        "total_owners": 3,
        "voting_area": "165.80",
        "voting_owners": 2,
        "for_area": "110.50",
        "for_owners": 1,
    }
    # wang's two homes are one owner; the abstaining co-owners took part: 1 of 2 owners is exactly half.
    assert "参与表决面积 80.6%（165.80/205.80 m²）≥ 2/3，达到" in result["explanation"]
    assert "同意人数 50.0%（1/2 人）≤ 1/2，未达到" in result["explanation"]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({**FILE, "ballots": FILE["ballots"] + [{"owner": "tenant", "choice": "for"}]}, "不拥有任何房屋的人：'tenant'"),
        ({**FILE, "ballots": FILE["ballots"] + [{"owner": "wang", "choice": "against"}]}, "同一业主投了两张票：'wang'"),
        ({**FILE, "homes": [{"id": "x", "owner": "a", "area": "-5"}]}, "房屋 x 的面积无效：'-5'"),
        ({**FILE, "homes": [{"id": "x", "owner": "a", "area": "六十"}]}, "面积无效"),
        ({**FILE, "matter": "sell_the_roof"}, "未知的表决事项：'sell_the_roof'"),
        ('{"matter": "rebuild", ', "JSON 格式错误"),
        ('[1, 2]', "必须是一个 JSON 对象"),
        ({"matter": "rebuild", "homes": []}, "缺少字段：ballots"),
    ],
)
def test_invalid_input_is_refused_with_a_message_naming_the_problem(tmp_path, doc, message):
    with pytest.raises(CommandError, match=message) as exc:
        run(tmp_path, doc)
    assert exc.value.returncode == 2


def test_the_tally_runs_without_any_database(tmp_path):
    path = tmp_path / "vote.json"
    path.write_text(json.dumps(FILE), encoding="utf-8")
    # A database that does not exist, on a port where nothing listens: the command must never connect.
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/no_such_database"}
    done = subprocess.run([sys.executable, "-m", "linli.manage", "assembly", "tally", str(path)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["approved"] is False  # 62.5+48 of 165.8 > 1/2, but 1 of 2 owners is not


def test_a_bad_file_exits_non_zero_from_the_command_line(tmp_path):
    path = tmp_path / "vote.json"
    path.write_text(json.dumps({**FILE, "matter": "nope"}), encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/no_such_database"}
    done = subprocess.run([sys.executable, "-m", "linli.manage", "assembly", "tally", str(path)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    assert "未知的表决事项：'nope'" in done.stderr

