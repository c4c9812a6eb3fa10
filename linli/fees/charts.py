"""Small SVGs drawn on the server: the collection trend, and the QR code of the public accounts page."""

from django.utils.html import escape
from django.utils.safestring import mark_safe


def trend_chart(rows) -> str:
    """Bars: collection rate by amount per month (rows of (month, Collection)); a dash where nothing was billed."""
    width, height, pad, top = 640, 200, 28, 12
    n = max(len(rows), 1)
    step = (width - pad) / n
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height + 34}" role="img" aria-label="收缴率趋势">']
    for y in (0, 50, 100):
        yy = top + height - height * y / 100
        parts.append(f'<line x1="{pad}" x2="{width}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#e3e3e3"/>'
                     f'<text x="0" y="{yy + 4:.1f}" font-size="11" fill="#666">{y}%</text>')
    for i, (month, c) in enumerate(rows):
        x = pad + i * step + step * 0.15
        w = step * 0.7
        rate = c.rate
        label = escape(month[2:])
        if rate is None:
            parts.append(f'<text x="{x + w / 2:.1f}" y="{top + height - 4}" font-size="11" text-anchor="middle" '
                         f'fill="#999">—</text>')
        else:
            h = height * min(rate, 1.0)
            parts.append(f'<rect x="{x:.1f}" y="{top + height - h:.1f}" width="{w:.1f}" height="{h:.1f}" '
                         f'fill="#1b7f3b"><title>{escape(month)} {rate:.1%}</title></rect>'
                         f'<text x="{x + w / 2:.1f}" y="{top + height - h - 3:.1f}" font-size="10" '
                         f'text-anchor="middle">{rate * 100:.0f}</text>')
        parts.append(f'<text x="{x + w / 2:.1f}" y="{top + height + 16}" font-size="10" text-anchor="middle" '
                     f'fill="#666">{label}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def qr_svg(url: str) -> str | None:
    """The QR code of ``url`` as inline SVG, or None when the optional ``segno`` package is missing."""
    try:
        import segno
    except ImportError:
        return None
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#1d1d1f")
    return mark_safe(svg)
