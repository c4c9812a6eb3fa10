"""Server-side SVG charts: no JavaScript library, no CDN, readable on a phone."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

MODE_COLOURS = {
    "market": "#3b78c4", "custodian": "#2e9a56", "bundled": "#8a5cc7",
    "self": "#d9a21b", "none": "#c8372d", "unknown": "#9a9a9a",
}


def stacked_bars(rows, *, width: int = 420, bar: int = 22, label_width: int = 96, title: str = "") -> str:
    """Horizontal 100%-stacked bars with an HTML legend. ``rows`` = [(label, [(key, name, value), …]), …]."""
    gap = 10
    height = len(rows) * (bar + gap)
    plot = width - label_width - 44
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" role="img">', f"<title>{escape(title or _('各小区管理方式构成图（数据见表）'))}</title>"]
    keys = []
    for i, (label, parts) in enumerate(rows):
        y = i * (bar + gap)
        total = sum(v for _, _, v in parts) or 0
        out.append(f'<text x="0" y="{y + bar * 0.72:.0f}" font-size="13">{escape(label[:7])}</text>')
        cx = label_width
        for key, name, value in parts:
            if (key, name) not in keys:
                keys.append((key, name))
            if not total or not value:
                continue
            w = plot * value / total
            out.append(
                f'<rect x="{cx:.1f}" y="{y}" width="{w:.1f}" height="{bar}" fill="{MODE_COLOURS.get(key, "#777")}">'
                f"<title>{escape(name)}: {value}</title></rect>"
            )
            cx += w
        out.append(f'<text x="{label_width + plot + 4}" y="{y + bar * 0.72:.0f}" font-size="12">{total}</text>')
    out.append("</svg>")
    out.append('<p class="legend">')
    for key, name in keys:
        out.append(f'<span><i class="sw-{escape(key)}"></i>{escape(name)}</span>')
    out.append("</p>")
    return mark_safe("".join(out))
