"""Fill English msgstr entries from a dict and clear their fuzzy flags (used by the maintainers, not at run time).

    make messages                 # makemessages, then this script, then compilemessages
    python linli/locale/fill.py   # on its own, after makemessages

The English lives in en_strings.py (NEW: Chinese msgid -> English; a (singular, plural) pair for an entry
with msgid_plural). Every entry of the catalogue whose msgid is in NEW gets that English, so NEW is the
source of truth; the script lists the entries that are still untranslated or fuzzy and exits 1 if any are.
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from en_strings import NEW  # noqa: E402

PO = Path(__file__).parent / "en" / "LC_MESSAGES" / "django.po"

_UNESCAPE = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(s: str) -> str:
    s = s.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: _UNESCAPE.get(m.group(1), m.group(0)), s)


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n") + '"'


def _parse(lines: list[str]) -> dict[str, str]:
    """The msgid, msgid_plural and msgstr[...] fields of one entry, unescaped."""
    fields: dict[str, str] = {}
    current = None
    for ln in lines:
        if ln.startswith("#"):
            continue
        if ln.startswith('"') and current:
            fields[current] += _unquote(ln)
        elif ln.strip():
            current, value = ln.split(" ", 1)
            fields[current] = _unquote(value)
    return fields


def _translated(fields: dict[str, str]) -> bool:
    strs = [v for k, v in fields.items() if k.startswith("msgstr")]
    return bool(strs) and all(strs)


def main() -> int:
    text = PO.read_text(encoding="utf-8")
    out, missing, used = [], [], set()
    for block in text.split("\n\n"):
        lines = block.split("\n")
        fields = _parse(lines)
        key = fields.get("msgid")
        if not key:  # the header, or a stray blank
            out.append(block)
            continue
        if key in NEW:
            used.add(key)
            value = NEW[key]
            lines = [ln for ln in lines if not ln.startswith("#|")]
            lines = [re.sub(r"#, fuzzy(, )?", "#, ", ln) if ln.startswith("#,") else ln for ln in lines]
            lines = [ln for ln in lines if ln.strip() != "#,"]
            head = lines[: next(i for i, ln in enumerate(lines) if ln.startswith("msgstr"))]
            if "msgid_plural" in fields:
                one, many = (value, value) if isinstance(value, str) else value
                body = [f"msgstr[0] {_quote(one)}", f"msgstr[1] {_quote(many)}"]
            else:
                body = [f"msgstr {_quote(value)}"]
            block = "\n".join(head + body)
        elif not _translated(fields):
            missing.append(key)
        if "#, fuzzy" in block:
            missing.append("fuzzy: " + key)
        out.append(block)
    PO.write_text("\n\n".join(out), encoding="utf-8")
    for key in missing:
        print("untranslated:", key.replace("\n", "\\n"))
    unused = len(NEW) - len(used)
    if unused:
        print(f"({unused} entries of en_strings.NEW are no longer in the catalogue)")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
