"""Touches to the generated OpenAPI schema (drf-spectacular postprocessing hooks), so that it says what the API
accepts: a client generated from it, or a fuzzer, then sends what the server takes."""

import re

# drf-spectacular writes a decimal as ^-?\d{0,N}(?:\.\d{0,M})?$, which "", "-" and "." match; Django takes none.
LOOSE_DECIMAL = re.compile(r"^\^-\?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$$")


def decimal_pattern(whole: str, fraction: str) -> str:
    """A decimal with at least one digit: "12", "12.5", "12." or ".5" (what Django's DecimalField reads)."""
    return rf"^-?(?:\d{{1,{whole}}}(?:\.\d{{0,{fraction}}})?|\.\d{{1,{fraction}}})$"


def _walk(node):
    if isinstance(node, dict):
        if node.get("format") == "decimal" and isinstance(node.get("pattern"), str):
            match = LOOSE_DECIMAL.match(node["pattern"])
            if match:
                node["pattern"] = decimal_pattern(*match.groups())
        for value in node.values():
            _walk(value)
    elif isinstance(node, list):
        for value in node:
            _walk(value)


def tighten_decimals(result, generator, request, public):
    """Postprocessing hook: every decimal's pattern requires a digit."""
    _walk(result)
    return result
