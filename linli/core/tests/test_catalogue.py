"""The English catalogue (linli/locale/en/LC_MESSAGES/django.po) is the one source of the English text: every
msgid has its English, none is fuzzy, placeholders match, and the committed .mo is compiled from this .po."""

import ast
import gettext
import re
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[^{}]*\}")


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text.strip()[1:-1])


def parse(text: str) -> list[dict]:
    """The entries of a .po file: {"flags": set, "msgid": str, "msgid_plural"?: str, "msgstr" or "msgstr[i]": str}
    (obsolete #~ entries are skipped; the header is the entry with the empty msgid)."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry, field = {"flags": set()}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[field] += _unquote(line)
            elif line.strip():
                field, value = line.split(" ", 1)
                entry[field] = _unquote(value)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def _strs(entry: dict) -> list[str]:
    return [v for k, v in entry.items() if k.startswith("msgstr")]


def _placeholders(text: str, entry: dict) -> list[str]:
    if "python-format" in entry["flags"]:
        return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%" and not p.startswith("{"))
    if "python-brace-format" in entry["flags"]:
        return sorted(p for p in PLACEHOLDER.findall(text) if p.startswith("{"))
    return []


ENTRIES = [e for e in parse(PO.read_text(encoding="utf-8")) if e["msgid"]]


def test_the_parser_reads_plural_and_multiline_entries():
    entries = parse('#, fuzzy\nmsgid ""\n"a\\n"\n"b"\nmsgstr "A"\n\nmsgid "x"\nmsgid_plural "xs"\nmsgstr[0] "y"\n'
                    'msgstr[1] ""\n\n#~ msgid "old"\n#~ msgstr "OLD"\n')
    assert entries == [{"flags": {"fuzzy"}, "msgid": "a\nb", "msgstr": "A"},
                       {"flags": set(), "msgid": "x", "msgid_plural": "xs", "msgstr[0]": "y", "msgstr[1]": ""}]


def test_the_catalogue_has_entries():
    assert len(ENTRIES) > 1500


def test_every_msgid_has_its_english_and_none_is_fuzzy():
    untranslated = [e["msgid"] for e in ENTRIES if not all(_strs(e)) or not _strs(e)]
    fuzzy = [e["msgid"] for e in ENTRIES if "fuzzy" in e["flags"]]
    assert untranslated == [], "run `make messages` and write the English of these in django.po"
    assert fuzzy == [], "check these translations and remove their #, fuzzy flag"


def test_the_english_keeps_the_placeholders_of_the_chinese():
    wrong = [e["msgid"] for e in ENTRIES
             if any(_placeholders(s, e) != _placeholders(e.get("msgid_plural", e["msgid"]), e)
                    and _placeholders(s, e) != _placeholders(e["msgid"], e) for s in _strs(e))]
    assert wrong == []


def test_the_committed_mo_is_compiled_from_the_po():
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog
    expected = {}
    for e in ENTRIES:
        msgid = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if "msgid_plural" in e:
            expected.update({(msgid, int(k[7:-1])): v for k, v in e.items() if k.startswith("msgstr[")})
        else:
            expected[msgid] = e["msgstr"]
    compiled = {k: v for k, v in compiled.items() if k != ""}
    assert compiled == expected, "run `make messages` (or compilemessages) and commit the .mo"


# -- no error message escapes the catalogue ---------------------------------------------------------------------

LINLI = PO.parents[3]
CJK = re.compile(r"[\u4e00-\u9fff]")
# Command-line messages (no reader's language) and the triage engine's (written in both languages) are exempt.
EXEMPT = ("management", "tests", "migrations", "engine")


def _bare_chinese(node):
    """Chinese string literals in an argument that reach the reader untranslated (not inside a call like _())."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value):
        yield node
    elif isinstance(node, ast.JoinedStr) and any(
            isinstance(v, ast.Constant) and CJK.search(str(v.value)) for v in node.values):
        yield node
    elif isinstance(node, ast.BinOp):
        yield from _bare_chinese(node.left)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _bare_chinese(value)
    elif isinstance(node, ast.List | ast.Tuple):
        for value in node.elts:
            yield from _bare_chinese(value)
    elif isinstance(node, ast.IfExp):
        yield from _bare_chinese(node.body)
        yield from _bare_chinese(node.orelse)


def untranslated_raises(tree) -> list[int]:
    """Lines that raise an error (or call ``require(ok, message)``) with a bare Chinese message."""
    lines = []
    for node in ast.walk(tree):
        call = node.exc if isinstance(node, ast.Raise) else node
        if not isinstance(call, ast.Call):
            continue
        if not isinstance(node, ast.Raise):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            if name != "require":
                continue
        for arg in call.args + [k.value for k in call.keywords]:
            lines += [n.lineno for n in _bare_chinese(arg)]
    return lines


def test_the_scan_finds_bare_chinese_messages_and_passes_translated_ones():
    tree = ast.parse('raise ValidationError("请填写")\nraise ValidationError({"a": f"缺少{x}"})\n'
                     'require(ok, "无权")\nraise ValidationError(_("请填写"))\n'
                     'raise ValidationError(_("共 %(n)s 件") % {"n": 1})\nraise ValueError("bad")\n')
    assert untranslated_raises(tree) == [1, 2, 3]


def test_no_error_is_raised_with_a_bare_chinese_message():
    found, scanned = [], 0
    for path in sorted(LINLI.rglob("*.py")):
        if set(path.relative_to(LINLI).parts) & set(EXEMPT):
            continue
        scanned += 1
        found += [f"{path.relative_to(LINLI)}:{n}" for n in untranslated_raises(ast.parse(path.read_text()))]
    assert scanned > 100
    assert found == [], "wrap these messages in gettext (_), with %(name)s placeholders"
