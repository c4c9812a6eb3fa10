"""Sheets are read with Chinese labels whatever language the process first imported the readers in (issue 13, 6)."""

import json
import subprocess
import sys
from pathlib import Path

from django.utils import translation

from linli.core.choices import values_by_chinese_label
from linli.places.models import Estate

ROOT = Path(__file__).resolve().parents[3]

FIRST_IMPORT_IN_ENGLISH = """
import json, django
django.setup()
from django.utils import translation
translation.activate("en")
from linli.people import registry_io
from linli.fees import excel
from linli.workorders import hotline
print(json.dumps([sorted(registry_io.KIND_BY_LABEL), sorted(registry_io.RELATION_BY_LABEL), sorted(excel.METHODS),
                  sorted(hotline.KIND_BY_LABEL)], ensure_ascii=False))
"""


def test_the_label_maps_are_chinese_when_the_process_first_imported_them_in_english():
    result = subprocess.run([sys.executable, "-c", FIRST_IMPORT_IN_ENGLISH], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env={"DJANGO_SETTINGS_MODULE": "linli.settings", "PATH": "/usr/bin:/bin",
                                              "LINLI_DATA_DIR": str(ROOT / "var")})
    assert result.returncode == 0, result.stderr
    kinds, relations, methods, order_kinds = json.loads(result.stdout.strip().splitlines()[-1])
    assert "老旧小区" in kinds and "Old estate" not in kinds
    assert "业主" in relations
    assert "现金" in methods
    assert order_kinds and all(not label.isascii() for label in order_kinds)


def test_the_helper_gives_chinese_labels_inside_an_english_request():
    with translation.override("en"):
        table = values_by_chinese_label(Estate.Kind)
    assert table["老旧小区"] == Estate.Kind.OLD
