"""The one gate every upload goes through, and the one door every stored file is served from.

Uploads come in three kinds, each with its own size cap (settings ``LINLI_UPLOAD_MAX_*``):

- **images** (work-order photos, wish photos): the type is read from the content by Pillow, the pixel count is
  checked from the header *before* anything is decoded, then the picture is turned upright and re-encoded, which
  drops EXIF (GPS), ICC, XMP and every other piece of metadata; the stored name is generated;
- **documents** (notice attachments, paper-ballot scans, ledger evidence): PDF, JPEG/PNG/WebP (re-encoded like
  images), Excel ``.xlsx`` and Word ``.docx`` (checked as zip files), recognised by their bytes, never by name;
- **voice notes** (a resident's spoken report): m4a/mp4, AAC, MP3, AMR, WebM, Ogg and WAV recognised by their
  first bytes (never by name or declared type), stored as they came under a generated name; served as downloads
  of an ``audio/*`` type that the page's ``<audio>`` element plays;
- **sheets** (imports): ``.xlsx`` read only after the zip's table of contents has been checked (compressed size,
  total uncompressed size, compression ratio, size of the shared strings), with a row cap; CSV with a byte cap,
  a row cap and a cell-size cap.

``serve`` sends a stored file back with a content type from the allow-list (found from the bytes), as a
download unless it is a raster image, with ``nosniff`` and a sandboxing Content-Security-Policy, so that a
file can never run script on Linli's origin. ``clip`` shortens any user value echoed in an error message.

Core imports no other Linli app. The spreadsheet readers also work without Django settings (the triage engine
reads labelled files from the command line), falling back to the defaults below.
"""

from __future__ import annotations

import csv
import io
import uuid
import zipfile

from django.core.exceptions import ImproperlyConfigured, ValidationError

MB = 1024 * 1024

DEFAULTS = {
    "LINLI_UPLOAD_MAX_IMAGE_MB": 10,
    "LINLI_UPLOAD_MAX_DOCUMENT_MB": 20,
    "LINLI_UPLOAD_MAX_AUDIO_MB": 10,
    "LINLI_UPLOAD_MAX_SHEET_MB": 20,
    "LINLI_UPLOAD_MAX_PIXELS": 50_000_000,
    "LINLI_UPLOAD_MAX_UNZIPPED_MB": 100,
    "LINLI_UPLOAD_MAX_ZIP_RATIO": 100,
    "LINLI_UPLOAD_MAX_SHARED_STRINGS_MB": 20,
    "LINLI_UPLOAD_MAX_CELL_CHARS": 32767,
}

# Excel's own limit on the characters in a cell; CSV cells are held to the same.
MAX_COLUMNS = 200
# Members this small are never refused for their ratio (a tiny XML part compresses well and costs nothing).
RATIO_FLOOR = 1 * MB

# Pillow format → (extension, content type) of what Linli stores and serves.
IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "MPO": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
                 "WEBP": ("webp", "image/webp")}

TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
    "mp3": "audio/mpeg",
    "amr": "audio/amr",
    "webm": "audio/webm",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
}
INLINE = {"jpg", "png", "webp"}
DOCUMENT_LABEL = "PDF、JPG、PNG、WebP、Excel（.xlsx）、Word（.docx）"
IMAGE_LABEL = "JPG、PNG、WebP 图片"
AUDIO = {"m4a", "aac", "mp3", "amr", "webm", "ogg", "wav"}
AUDIO_LABEL = "m4a、aac、mp3、amr、webm、ogg、wav 录音"

# What a stored file is served with: no script, no plugin, no sniffing, no framing of Linli's pages.
FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def setting(name: str):
    """A ``LINLI_UPLOAD_*`` setting, or its default when Django is not configured (the triage engine)."""
    try:
        from django.conf import settings

        return getattr(settings, name, DEFAULTS[name])
    except ImproperlyConfigured:
        return DEFAULTS[name]


def _mb(name: str) -> int:
    return int(float(setting(name)) * MB)


def clip(value, length: int = 50) -> str:
    """A user value shortened for an error message: at most ``length`` characters, then "…"."""
    text = "" if value is None else str(value)
    return text if len(text) <= length else text[:length] + "…"


class UploadError(ValidationError):
    """An upload refused by the gate; the message names the field and is safe to show."""


def _t(message: str, **values) -> str:
    """``message`` translated (the interface is gettext with Chinese msgids), then filled in; plain without Django."""
    try:
        from django.utils.translation import gettext

        message = gettext(message)
    except ImproperlyConfigured:
        pass
    return message % values if values else message


def _refuse(message: str):
    raise UploadError(message)


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        pos = upload.tell()
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(pos)
    return size


def _check_size(upload, limit_setting: str, label: str) -> None:
    limit = _mb(limit_setting)
    if _size(upload) > limit:
        _refuse(_t("%(label)s过大（最大 %(mb)s MB）", label=label, mb=limit // MB))


LIMITS = {"image": "LINLI_UPLOAD_MAX_IMAGE_MB", "document": "LINLI_UPLOAD_MAX_DOCUMENT_MB",
          "sheet": "LINLI_UPLOAD_MAX_SHEET_MB", "audio": "LINLI_UPLOAD_MAX_AUDIO_MB"}


def max_bytes(kind: str) -> int:
    """The size cap of one kind of upload ("image", "document", "sheet" or "audio"), in bytes."""
    return _mb(LIMITS[kind])


def check_size(upload, *, kind: str, label: str = "") -> None:
    """Refuse an upload larger than its kind's cap before anything reads it into memory."""
    _check_size(upload, LIMITS[kind], label or _t("文件"))


def _read_all(upload) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return upload.read()


def new_name(ext: str, stem: str = "") -> str:
    """A generated stored name (never the uploaded one): ``<stem or random>.<ext>``."""
    return f"{stem or uuid.uuid4().hex}.{ext}"


# -- recognising a file by its bytes ------------------------------------------------------------------------


def sniff(head: bytes) -> str | None:
    """The type of a file from its first bytes (16 are enough): "jpg", "png", "webp", "pdf", "zip" (an Office file
    or not), one of the ``AUDIO`` kinds, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return sniff_audio(head)


def sniff_audio(head: bytes) -> str | None:
    """The kind of a voice note from its first bytes, or None: an MP4 container (phones' .m4a), raw AAC (ADTS),
    MP3 (an ID3 tag or an MPEG audio frame), AMR, WebM (EBML), Ogg or WAV (RIFF)."""
    if head[4:8] == b"ftyp":
        return "m4a"
    if head.startswith(b"#!AMR"):
        return "amr"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith(b"OggS"):
        return "ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        # An MPEG frame sync: layer bits 00 is AAC in an ADTS frame, any other layer is MP3.
        return "aac" if head[1] & 0x06 == 0 else "mp3"
    return None


def _office_type(names: set[str]) -> str | None:
    if "[Content_Types].xml" not in names:
        return None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return None


def check_zip(data: bytes, label: str) -> str:
    """Check an Office file's zip before anything unpacks it; return "xlsx" or "docx".

    The sizes checked are the ones the zip declares: Python's zipfile never inflates a member past its declared
    size (a member that lies fails its CRC check), so they bound what openpyxl can be made to read.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        _refuse(_t("%(label)s无法读取：文件已损坏或不是 Excel/Word 文件", label=label))
    if len(infos) > 10_000:
        _refuse(_t("%(label)s结构异常：压缩包内文件过多", label=label))
    total = sum(i.file_size for i in infos)
    if total > _mb("LINLI_UPLOAD_MAX_UNZIPPED_MB"):
        _refuse(_t("%(label)s解压后过大（最大 %(mb)s MB），请拆分后再上传", label=label,
                   mb=_mb("LINLI_UPLOAD_MAX_UNZIPPED_MB") // MB))
    ratio = float(setting("LINLI_UPLOAD_MAX_ZIP_RATIO"))
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > ratio * max(info.compress_size, 1):
            _refuse(_t("%(label)s压缩比异常（超过 %(ratio)s 倍），疑似压缩炸弹，已拒绝", label=label, ratio=f"{ratio:g}"))
        if info.filename == "xl/sharedStrings.xml" and info.file_size > _mb("LINLI_UPLOAD_MAX_SHARED_STRINGS_MB"):
            _refuse(_t("%(label)s中的文字过多（共享字符串超过 %(mb)s MB）", label=label,
                       mb=_mb("LINLI_UPLOAD_MAX_SHARED_STRINGS_MB") // MB))
    kind = _office_type({i.filename for i in infos})
    if kind is None:
        _refuse(_t("%(label)s不是 Excel（.xlsx）或 Word（.docx）文件", label=label))
    return kind


# -- images ---------------------------------------------------------------------------------------------------


def _too_many_pixels(label: str) -> str:
    return _t("%(label)s像素过多（最多 %(n)s 万像素）", label=label, n=int(setting("LINLI_UPLOAD_MAX_PIXELS")) // 10_000)


def _open_image(upload, label: str):
    """Pillow's image object, header read only: the type and the pixel count are checked before decoding."""
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        image = Image.open(upload, formats=("JPEG", "PNG", "WEBP"))  # MPO comes from the JPEG opener
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(_too_many_pixels(label))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        _refuse(_t("%(label)s文件类型不允许：只接受 %(types)s", label=label, types=_t(IMAGE_LABEL)))
    if image.format not in IMAGE_FORMATS:
        _refuse(_t("%(label)s文件类型不允许：只接受 %(types)s", label=label, types=_t(IMAGE_LABEL)))
    width, height = image.size
    if width < 1 or height < 1 or width * height > int(setting("LINLI_UPLOAD_MAX_PIXELS")):
        _refuse(_too_many_pixels(label))
    return image


def _reencode(image, *, max_edge: int, keep_png: bool) -> tuple[bytes, str]:
    from PIL import Image, ImageOps

    source_format = image.format
    if source_format in ("JPEG", "MPO"):
        # Let the JPEG decoder scale down by 1/2, 1/4 or 1/8 as it reads: a 48-megapixel photo decodes small.
        image.draft("RGB", (max_edge, max_edge))
    try:
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError):
        raise UploadError(_t("图片已损坏，无法读取")) from None
    if image.mode not in ("RGB", "L"):
        rgba = image.convert("RGBA")
        if keep_png and source_format == "PNG":
            image = rgba
        else:
            background = Image.new("RGB", image.size, "white")
            background.paste(rgba, mask=rgba.split()[-1])
            image = background
    image.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A new file from the pixels alone: nothing of the original's metadata (EXIF, GPS, XMP, ICC, text) is copied.
    if keep_png and image.mode == "RGBA":
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), "png"
    image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), "jpg"


def image(upload, *, label: str = "", max_edge: int = 1600, stem: str = ""):
    """An uploaded photo → an upright JPEG, at most ``max_edge`` px on its longer side, without metadata."""
    from django.core.files.base import ContentFile
    from PIL import Image

    label = label or _t("照片")
    _check_size(upload, "LINLI_UPLOAD_MAX_IMAGE_MB", label)
    Image.MAX_IMAGE_PIXELS = int(setting("LINLI_UPLOAD_MAX_PIXELS"))
    picture = _open_image(upload, label)
    try:
        data, ext = _reencode(picture, max_edge=max_edge, keep_png=False)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise UploadError(_t("%(label)s已损坏，无法读取", label=label)) from None
    return ContentFile(data, name=new_name(ext, stem))


def document(upload, *, label: str = "", stem: str = ""):
    """An uploaded document (PDF, image, .xlsx, .docx) checked by content; images re-encoded. A ContentFile."""
    from django.core.files.base import ContentFile
    from PIL import Image

    label = label or _t("附件")
    _check_size(upload, "LINLI_UPLOAD_MAX_DOCUMENT_MB", label)
    data = _read_all(upload)
    kind = sniff(data[:16])
    if kind in INLINE:
        Image.MAX_IMAGE_PIXELS = int(setting("LINLI_UPLOAD_MAX_PIXELS"))
        picture = _open_image(io.BytesIO(data), label)
        try:
            # A scan stays legible: A4 at 300 dpi is 3508 px on its longer side.
            data, kind = _reencode(picture, max_edge=4000, keep_png=True)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise UploadError(_t("%(label)s已损坏，无法读取", label=label)) from None
    elif kind == "zip":
        kind = check_zip(data, label)
    elif kind != "pdf":
        _refuse(_t("%(label)s文件类型不允许：只接受 %(types)s", label=label, types=_t(DOCUMENT_LABEL)))
    return ContentFile(data, name=new_name(kind, stem))


def audio(upload, *, label: str = "", stem: str = ""):
    """An uploaded voice note checked by its first bytes and its size cap; stored as it came, under a generated
    name with the extension of what it is. A ContentFile."""
    from django.core.files.base import ContentFile

    label = label or _t("录音")
    _check_size(upload, "LINLI_UPLOAD_MAX_AUDIO_MB", label)
    data = _read_all(upload)
    kind = sniff_audio(data[:16])
    if kind is None or len(data) < 16:
        _refuse(_t("%(label)s文件类型不允许：只接受 %(types)s", label=label, types=_t(AUDIO_LABEL)))
    return ContentFile(data, name=new_name(kind, stem))


METADATA_KEYS = ("exif", "xmp", "icc_profile", "comment", "photoshop", "XML:com.adobe.xmp")


def strip_metadata(data: bytes) -> bytes | None:
    """A stored JPEG/PNG/WebP with metadata (EXIF, GPS, XMP, comments) → the same picture re-encoded without it,
    upright, at its own size, in its own type; None when there is nothing to strip (so running twice is a no-op).
    """
    from PIL import Image

    kind = sniff(data[:16])
    if kind not in INLINE:
        return None
    Image.MAX_IMAGE_PIXELS = int(setting("LINLI_UPLOAD_MAX_PIXELS"))
    try:
        picture = _open_image(io.BytesIO(data), "")
        if not dict(picture.getexif()) and not any(k in picture.info for k in METADATA_KEYS) and not any(
                isinstance(k, str) and k.lower().startswith(("exif", "xmp", "gps")) for k in picture.info):
            return None
        out, _kind = _reencode(picture, max_edge=max(picture.size), keep_png=kind == "png")
    except (UploadError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return out


# -- spreadsheets ------------------------------------------------------------------------------------------


def _cell_cap(cell_chars: int) -> int:
    return cell_chars or int(setting("LINLI_UPLOAD_MAX_CELL_CHARS"))


def _check_row(number: int, values: list, cap: int, label: str) -> None:
    for value in values:
        if isinstance(value, str) and len(value) > cap:
            _refuse(_t("%(label)s第%(row)s行有单元格超过 %(n)s 个字符", label=label, row=number, n=cap))


def read_xlsx(data: bytes, *, rows: int, sheet: str = "", label: str = "", cell_chars: int = 0):
    """The rows of an .xlsx sheet as (row number as Excel shows it, values), after the zip has been checked.

    ``sheet`` names the sheet to read (the first one when absent); more than ``rows`` rows with data is refused,
    as is a sheet whose rows run far past that (a tiny file can declare a million empty rows).
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    label = label or _t("文件")
    if len(data) > _mb("LINLI_UPLOAD_MAX_SHEET_MB"):
        _refuse(_t("%(label)s过大（最大 %(mb)s MB），请拆分后分批导入", label=label, mb=_mb("LINLI_UPLOAD_MAX_SHEET_MB") // MB))
    if sniff(data[:8]) != "zip" or check_zip(data, label) != "xlsx":
        _refuse(_t("%(label)s不是 .xlsx 格式的 Excel 文件", label=label))
    cap = _cell_cap(cell_chars)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, SyntaxError):
        _refuse(_t("%(label)s无法读取，请确认是 .xlsx 格式且没有损坏", label=label))
    try:
        ws = wb[sheet] if sheet and sheet in wb.sheetnames else wb.worksheets[0]
        # Never pad rows to a width the file merely declares (a sheet may claim 16384 columns).
        width = min(ws.max_column or MAX_COLUMNS, MAX_COLUMNS)
        out, filled = [], 0
        try:
            for number, values in enumerate(ws.iter_rows(max_col=width, values_only=True), start=1):
                values = list(values)
                if any(v not in (None, "") for v in values):
                    filled += 1
                    if filled > rows:
                        _refuse(_t("%(label)s行数过多（最多 %(n)s 行），请拆分后分批导入", label=label, n=rows))
                    _check_row(number, values, cap, label)
                elif number > 2 * rows + 1000:
                    _refuse(_t("%(label)s行数过多（最多 %(n)s 行），请拆分后分批导入", label=label, n=rows))
                out.append((number, values))
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError):
            _refuse(_t("%(label)s无法读取，请确认是 .xlsx 格式且没有损坏", label=label))
        # Trailing empty rows are noise of the editor, not data.
        while out and not any(v not in (None, "") for v in out[-1][1]):
            out.pop()
        return out
    finally:
        wb.close()


def decode_text(data: bytes, label: str = "") -> str:
    """CSV bytes as text: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (what Chinese Excel writes)."""
    label = label or _t("文件")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError:
            pass
    else:
        for encoding in ("utf-8", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    _refuse(_t("无法识别%(label)s的编码，请保存为 UTF-8 或 GBK 编码", label=label))


def read_csv(data: bytes, *, rows: int, label: str = "", delimiter: str = "", cell_chars: int = 0):
    """The records of a CSV (or tab-separated) file as (row number, values); caps on bytes, rows and cells."""
    label = label or _t("文件")
    if len(data) > _mb("LINLI_UPLOAD_MAX_SHEET_MB"):
        _refuse(_t("%(label)s过大（最大 %(mb)s MB），请拆分后分批导入", label=label, mb=_mb("LINLI_UPLOAD_MAX_SHEET_MB") // MB))
    text = decode_text(data, label)
    if not delimiter:
        first = text.split("\n", 1)[0]
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
    cap = _cell_cap(cell_chars)
    out, filled, number = [], 0, 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            if any(v.strip() for v in values):
                filled += 1
                if filled > rows:
                    _refuse(_t("%(label)s行数过多（最多 %(n)s 行），请拆分后分批导入", label=label, n=rows))
                _check_row(number, values, cap, label)
            out.append((number, values))
    except csv.Error as exc:
        # csv's own field limit (131072 characters) stops a huge cell while it is read: the same answer as ours.
        if "field limit" in str(exc):
            _refuse(_t("%(label)s第%(row)s行有单元格超过 %(n)s 个字符", label=label, row=number + 1, n=cap))
        _refuse(_t("%(label)s格式有误：%(error)s", label=label, error=clip(exc, 80)))
    return out


# -- serving ---------------------------------------------------------------------------------------------------


def file_type(head: bytes, data_for_zip=None) -> str | None:
    """The allow-listed type of a stored file from its bytes (zip files need the whole file), or None."""
    kind = sniff(head)
    if kind == "zip":
        if data_for_zip is None:
            return None
        try:
            with zipfile.ZipFile(data_for_zip) as archive:
                kind = _office_type(set(archive.namelist()))
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
    return kind


def serve(field_file, *, name: str = "", inline: bool = False, cache: str = "private, max-age=3600"):
    """A FileResponse for a stored file: type from its bytes, a download unless an inline raster image.

    Whatever the file holds, the browser is told not to sniff and to treat it as a sandboxed, scriptless
    document, so an HTML or SVG file stored before the gate existed cannot run script on Linli's origin.
    Raises Http404 when the file is missing.
    """
    from django.http import FileResponse, Http404

    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    head = handle.read(16)
    handle.seek(0)
    kind = file_type(head, handle if sniff(head) == "zip" else None)
    handle.seek(0)
    content_type = TYPES.get(kind or "", "application/octet-stream")
    stem = (name or "").rsplit(".", 1)[0] if name else ""
    stem = stem.replace("/", "_").replace("\\", "_")[:80] or "file"
    filename = f"{stem}.{kind or 'bin'}"
    as_download = not (inline and kind in INLINE)
    response = FileResponse(handle, content_type=content_type, as_attachment=as_download, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = cache
    return response
