"""Hostile and ordinary files for the upload tests, built in memory (no fixture files, no network)."""

import io
import struct
import zipfile
import zlib

from PIL import Image


def png_bomb(width: int = 10000, height: int = 10000) -> bytes:
    """A 1-bit black PNG of ``width``×``height`` pixels: about 12 KB for 10000×10000 (100 megapixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


GPS_LATITUDE = (29.0, 33.0, 12.5)


def jpeg_with_gps(width: int = 400, height: int = 300, orientation: int = 1) -> bytes:
    """A JPEG carrying EXIF with a GPS position (29°33'12.5"N 106°30'E, a home in Chongqing) and a camera model."""
    image = Image.new("RGB", (width, height), (30, 120, 200))
    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # Model
    exif[0x0112] = orientation  # Orientation
    exif[0x8825] = {1: "N", 2: GPS_LATITUDE, 3: "E", 4: (106.0, 30.0, 0.0)}  # GPSInfo
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def png(width: int = 60, height: int = 40, color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, "PNG")
    return buf.getvalue()


def xlsx_bomb(rows: int = 10000, columns: int = 100) -> bytes:
    """An .xlsx whose one sheet is ``rows``×``columns`` copies of one cell (no cell references, so every row is
    the same bytes): about 15 KB zipped for 15 MB of XML, a ratio near deflate's maximum of ~1000:1."""
    row = "<row>" + "<c><v>1</v></c>" * columns + "</row>"
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData>' + row * rows + "</sheetData></worksheet>")
    return _xlsx_zip({"xl/worksheets/sheet1.xml": sheet})


def _col(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _xlsx_zip(parts: dict) -> bytes:
    base = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    }
    base.update(parts)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in base.items():
            archive.writestr(name, text)
    return buf.getvalue()


def xlsx(rows: list[list]) -> bytes:
    """An ordinary .xlsx written by openpyxl."""
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def random_text(length: int, seed: int = 12) -> str:
    """``length`` random CJK characters (they do not compress, so no ratio check is what refuses them)."""
    import random

    rng = random.Random(seed)
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(length))


def xlsx_inline(rows: list[list[str]]) -> bytes:
    """An .xlsx of text cells written by hand (openpyxl would cut a cell at Excel's 32767 characters)."""
    from xml.sax.saxutils import escape

    body = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{_col(c)}{r}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
                                   for c, v in enumerate(row, start=1)) + "</row>"
        for r, row in enumerate(rows, start=1))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData>' + body + "</sheetData></worksheet>")
    return _xlsx_zip({"xl/worksheets/sheet1.xml": sheet})
