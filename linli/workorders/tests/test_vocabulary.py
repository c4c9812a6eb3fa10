"""One source for the work-order categories: the triage taxonomy (linli/triage/data/taxonomy.json). The intake
forms, the Open311 service list, the seed command, the demos, the routing table and the 12345 mapping use its codes
and no other list of them."""

import ast
from pathlib import Path

from django.core.management import call_command

from linli.triage.demo import CORRECTIONS
from linli.triage.engine import hotline as hotline_map
from linli.triage.engine import taxonomy
from linli.workorders import forms
from linli.workorders.demo import CASES
from linli.workorders.models import WorkOrder
from linli.workorders.routing import DEFAULT_RULES

TAXONOMY = taxonomy.default()
CATEGORY_CODES = list(TAXONOMY.categories)
CODES = set(CATEGORY_CODES) | set(TAXONOMY.subcategories)
LINLI = Path(__file__).resolve().parents[2]


def test_the_intake_forms_offer_the_categories_of_the_taxonomy_in_its_order():
    assert [code for code, _name in forms.CATEGORIES] == CATEGORY_CODES
    assert [code for code, _name in forms.ResidentReportForm().fields["category"].choices] == [""] + CATEGORY_CODES
    assert [code for code, _name in forms.ReclassifyForm().fields["category"].choices] == CATEGORY_CODES


def test_the_open311_services_are_the_categories_and_their_subcategories(client):
    services = client.get("/open311/v2/services.json").json()
    assert [s["service_code"] for s in services] == CATEGORY_CODES
    lift = client.get("/open311/v2/services/facility.json").json()
    assert [v["key"] for v in lift["attributes"][0]["values"]] == [s.code for s in TAXONOMY.of_category("facility")]


def test_seed_orders_files_its_orders_under_categories_of_the_taxonomy(world):
    call_command("seed-orders", orders=60, seed=5, stdout=open("/dev/null", "w"))
    used = set(WorkOrder.objects.values_list("category", flat=True))
    assert used <= set(CATEGORY_CODES)
    assert len(used) > 5


def test_the_demos_the_routing_table_and_the_12345_mapping_use_codes_of_the_taxonomy():
    assert {case.category for case in CASES if case.category} <= set(CATEGORY_CODES)
    assert {sub for _text, sub in CORRECTIONS} <= set(TAXONOMY.subcategories)
    assert {rule["category"] for rule in DEFAULT_RULES if rule.get("category")} <= set(CATEGORY_CODES)
    assert set(hotline_map.THIRD.values()) | set(hotline_map.SECOND.values()) <= CODES


def _lists_of_categories(tree: ast.AST):
    """Literal lists, tuples, sets and dict keys in a module that name three or more categories of the taxonomy."""
    for node in ast.walk(tree):
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            items = [e.elts[0] if isinstance(e, ast.Tuple) and e.elts else e for e in node.elts]
        elif isinstance(node, ast.Dict):
            items = [k for k in node.keys if k is not None]
        else:
            continue
        named = {i.value for i in items if isinstance(i, ast.Constant) and i.value in TAXONOMY.categories}
        names = {i.value for i in items if isinstance(i, ast.Constant) and i.value in TAXONOMY.categories.values()}
        if len(named) >= 3 or len(names) >= 3:
            yield node.lineno


def test_the_scan_finds_a_second_list_of_categories():
    assert list(_lists_of_categories(ast.parse('X = [("repair", "x"), ("facility", "y"), ("other", "z")]'))) == [1]
    assert list(_lists_of_categories(ast.parse('X = {"房屋与公共部位维修": 1, "环境卫生": 2, "绿化养护": 3}'))) == [1]


def test_no_module_keeps_a_second_list_of_the_categories():
    found = []
    for path in sorted(LINLI.rglob("*.py")):
        parts = path.relative_to(LINLI).parts
        if "tests" in parts or "migrations" in parts or parts[:2] == ("triage", "data"):
            continue
        found += [f"{path.relative_to(LINLI)}:{line}" for line in _lists_of_categories(ast.parse(path.read_text()))]
    assert found == []
