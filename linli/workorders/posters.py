"""QR posters for the stairwell and the estate gate, and the signed tokens in their links.

A token names one building (``b<id>``) or one estate (``e<id>``) and carries an HMAC of it (django.core.signing,
keyed by SECRET_KEY), so nobody can make up a link for another place. The poster is an A4 PDF drawn with
reportlab's built-in QR widget and its built-in Chinese CID font (no font file, no network).
"""

import io

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "linli.workorders.poster"
_signer = signing.Signer(salt=SALT, sep=".")


def make_token(*, estate=None, building=None) -> str:
    if building is not None:
        return _signer.sign(f"b{building.pk}")
    if estate is not None:
        return _signer.sign(f"e{estate.pk}")
    raise ValueError("a poster names an estate or a building")


def read_token(token: str):
    """(kind, id) for a genuine token — ("building", 12) or ("estate", 3) — else None."""
    try:
        value = _signer.unsign(token)
    except signing.BadSignature:
        return None
    kind = {"b": "building", "e": "estate"}.get(value[:1])
    if kind is None or not value[1:].isdigit():
        return None
    return kind, int(value[1:])


def report_url(request, token: str) -> str:
    """The absolute address printed in a poster's QR code and shared in the estate's WeChat group: the ``go`` link
    (a signed-in resident reaches their home, anyone else the phone page); LINLI_PUBLIC_URL wins over the address
    the page was asked on."""
    path = reverse("workorders:go", args=[token])
    base = getattr(settings, "LINLI_PUBLIC_URL", "")
    if base:
        return base.rstrip("/") + path
    return request.build_absolute_uri(path)


def poster_pdf(*, url: str, title: str, subtitle: str, lines: list[str]) -> bytes:
    """One A4 page: a heading, the place, a big QR code of ``url`` and short instructions, all in Chinese."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.colors import HexColor, white
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    red = HexColor("#b3261e")
    width, height = A4
    buf = io.BytesIO()
    # Uncompressed page streams keep the PDF small anyway and let anyone grep the link out of it.
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=0)
    pdf.setTitle(f"{title} {subtitle}")
    pdf.setAuthor("Linli 邻里")

    pdf.setFillColor(red)
    pdf.rect(0, height - 52 * mm, width, 52 * mm, stroke=0, fill=1)
    pdf.setFillColor(white)
    pdf.setFont(font, 40)
    pdf.drawCentredString(width / 2, height - 27 * mm, "扫码反映问题")
    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, height - 41 * mm, "接诉即办 · 有事找物业 · 无需下载 App")

    pdf.setFillColor(HexColor("#1d1d1f"))
    pdf.setFont(font, 30)
    pdf.drawCentredString(width / 2, height - 72 * mm, title)
    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, height - 83 * mm, subtitle)

    size = 120 * mm
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    qr_x, qr_y = (width - size) / 2, height - 90 * mm - size
    renderPDF.draw(drawing, pdf, qr_x, qr_y)
    pdf.linkURL(url, (qr_x, qr_y, qr_x + size, qr_y + size), relative=0)

    pdf.setFont(font, 15)
    y = qr_y - 12 * mm
    for line in lines:
        pdf.drawCentredString(width / 2, y, line)
        y -= 9 * mm
    pdf.setFont("Helvetica", 8)
    pdf.setFillColor(HexColor("#666666"))
    pdf.drawCentredString(width / 2, 12 * mm, url)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


INSTRUCTIONS = [
    "1. 用微信或手机相机扫描上方二维码",
    "2. 写下问题，可拍照上传，留下手机号码",
    "3. 提交后记下工单编号，办结后请为服务评价",
    "紧急情况（火灾、燃气泄漏等）请直接拨打 119 / 110",
]


def building_poster(request, building) -> bytes:
    url = report_url(request, make_token(building=building))
    estate = building.estate
    return poster_pdf(url=url, title=f"{estate.name} {building.number}", subtitle=f"{estate.community.name}",
                      lines=INSTRUCTIONS)


def estate_poster(request, estate) -> bytes:
    url = report_url(request, make_token(estate=estate))
    return poster_pdf(url=url, title=estate.name, subtitle=f"{estate.community.name} · {estate.address}".strip(" ·"),
                      lines=INSTRUCTIONS)
