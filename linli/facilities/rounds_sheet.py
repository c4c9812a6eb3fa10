"""The printable QR sheet of a route: A4 pages, six checkpoints to a page, each with its name, place and a QR code of
its page (the token is random and unguessable, models/rounds.py). Drawn with reportlab's QR widget and built-in
Chinese CID font, like the work-order posters (no font file, no network)."""

import io

from django.conf import settings
from django.urls import reverse


def checkpoint_url(request, checkpoint) -> str:
    """The absolute address in the checkpoint's QR code; LINLI_PUBLIC_URL wins over the address the page was asked on."""
    path = reverse("facilities:rounds_checkpoint", args=[checkpoint.token])
    base = getattr(settings, "LINLI_PUBLIC_URL", "")
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)


def route_sheet_pdf(request, route) -> bytes:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=0)
    pdf.setTitle(f"{route.estate.name} {route.name}")
    pdf.setAuthor("Linli 邻里")
    checkpoints = list(route.checkpoints.select_related("building", "facility"))
    per_page, cols = 6, 2
    cell_w, cell_h = (width - 20 * mm) / cols, (height - 40 * mm) / 3
    size = 55 * mm
    for index, cp in enumerate(checkpoints):
        slot = index % per_page
        if slot == 0:
            if index:
                pdf.showPage()
            pdf.setFillColor(HexColor("#1d1d1f"))
            pdf.setFont(font, 18)
            pdf.drawCentredString(width / 2, height - 18 * mm, f"{route.estate.name} · {route.name} · 巡检点二维码")
            pdf.setFont(font, 10)
            pdf.drawCentredString(width / 2, height - 26 * mm,
                                  "物业巡检人员用手机扫码打开检查点，逐项检查；请贴在检查点旁，勿遮挡")
        col, row = slot % cols, slot // cols
        x0 = 10 * mm + col * cell_w
        y0 = height - 32 * mm - (row + 1) * cell_h
        url = checkpoint_url(request, cp)
        widget = QrCodeWidget(url, barLevel="M")
        bx0, by0, bx1, by1 = widget.getBounds()
        drawing = Drawing(size, size, transform=[size / (bx1 - bx0), 0, 0, size / (by1 - by0), 0, 0])
        drawing.add(widget)
        qr_x, qr_y = x0 + (cell_w - size) / 2, y0 + 22 * mm
        renderPDF.draw(drawing, pdf, qr_x, qr_y)
        pdf.linkURL(url, (qr_x, qr_y, qr_x + size, qr_y + size), relative=0)
        pdf.setFont(font, 14)
        pdf.drawCentredString(x0 + cell_w / 2, y0 + 15 * mm, f"{cp.position}. {cp.name}")
        pdf.setFont(font, 9)
        place = cp.facility.name if cp.facility_id else (cp.building.number if cp.building_id else route.estate.name)
        pdf.drawCentredString(x0 + cell_w / 2, y0 + 9 * mm, place)
    if not checkpoints:
        pdf.setFont(font, 16)
        pdf.drawCentredString(width / 2, height / 2, "路线还没有检查点")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
