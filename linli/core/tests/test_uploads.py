"""The upload gate (linli/core/uploads.py): caps, types by content, images re-encoded, sheets read with limits."""

import io
from unittest import mock

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.core import uploads
from linli.core.tests import samples


def upload(data: bytes, name: str = "x.bin", content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# -- clip -------------------------------------------------------------------------------------------------


def test_clip_keeps_short_values_and_cuts_long_ones_at_fifty_characters():
    assert uploads.clip("1栋") == "1栋"
    assert uploads.clip("x" * 50) == "x" * 50
    assert uploads.clip("x" * 1_000_000) == "x" * 50 + "…"
    assert uploads.clip(None) == ""
    assert uploads.clip(12345, 3) == "123…"


# -- recognising a file ---------------------------------------------------------------------------------


def test_types_are_recognised_by_their_bytes_not_their_names():
    assert uploads.sniff(samples.png()) == "png"
    assert uploads.sniff(samples.jpeg_with_gps()) == "jpg"
    assert uploads.sniff(b"%PDF-1.7\n") == "pdf"
    assert uploads.sniff(samples.xlsx([["a"]])) == "zip"
    assert uploads.sniff(b"<svg onload=alert(1)>") is None
    assert uploads.sniff(b"<!doctype html>") is None


# -- images ------------------------------------------------------------------------------------------------


def test_a_pixel_bomb_is_refused_from_its_header_without_decoding():
    bomb = samples.png_bomb(10000, 10000)
    assert len(bomb) < 16 * 1024
    with mock.patch.object(Image.Image, "load", autospec=True) as load, pytest.raises(uploads.UploadError) as error:
        uploads.image(upload(bomb, "a.png", "image/png"))
    assert error.value.messages == ["照片像素过多（最多 5000 万像素）"]
    assert load.call_count == 0


def test_the_pixel_limit_is_a_setting(settings):
    settings.LINLI_UPLOAD_MAX_PIXELS = 1000
    with pytest.raises(uploads.UploadError) as error:
        uploads.image(upload(samples.png(60, 40)))
    assert error.value.messages == ["照片像素过多（最多 0 万像素）"]
    settings.LINLI_UPLOAD_MAX_PIXELS = 2400
    assert uploads.image(upload(samples.png(60, 40))).size > 0


def test_a_photo_is_reencoded_without_exif_or_gps_under_a_generated_name():
    stored = uploads.image(upload(samples.jpeg_with_gps(), "../../home.jpg", "image/jpeg"))
    assert stored.name.endswith(".jpg") and len(stored.name) == 36 and "home" not in stored.name
    with Image.open(io.BytesIO(stored.read())) as image:
        assert (image.format, image.size, dict(image.getexif()), image.info.get("exif")) == ("JPEG", (400, 300), {},
                                                                                          None)


def test_a_photo_is_turned_upright_from_its_exif_orientation_before_the_exif_is_dropped():
    # Orientation 6: the camera was turned; the stored picture is 300×400, not 400×300.
    stored = uploads.image(upload(samples.jpeg_with_gps(400, 300, orientation=6)))
    with Image.open(io.BytesIO(stored.read())) as image:
        assert image.size == (300, 400)


def test_a_large_photo_is_scaled_to_the_longest_edge():
    stored = uploads.image(upload(samples.png(3200, 1600)), max_edge=1600)
    with Image.open(io.BytesIO(stored.read())) as image:
        assert (image.format, image.size) == ("JPEG", (1600, 800))


@pytest.mark.parametrize("data", [b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
                                  b"<html><script>alert(1)</script></html>", b"GIF89a\x01\x00\x01\x00", b"%PDF-1.4"])
def test_anything_but_jpeg_png_webp_is_refused_as_a_photo(data):
    with pytest.raises(uploads.UploadError) as error:
        uploads.image(upload(data, "a.jpg", "image/jpeg"), label="照片")
    assert error.value.messages == ["照片文件类型不允许：只接受 JPG、PNG、WebP 图片"]


def test_a_photo_over_the_size_cap_is_refused_before_it_is_read(settings):
    settings.LINLI_UPLOAD_MAX_IMAGE_MB = 1
    big = upload(samples.png() + b"\0" * (1024 * 1024))
    with mock.patch.object(Image, "open") as opened, pytest.raises(uploads.UploadError) as error:
        uploads.image(big)
    assert error.value.messages == ["照片过大（最大 1 MB）"]
    assert opened.call_count == 0


# -- documents ---------------------------------------------------------------------------------------------


def test_documents_keep_pdf_and_office_files_and_reencode_images():
    pdf = uploads.document(upload(b"%PDF-1.4 minutes", "会议纪要.html"))
    assert pdf.name.endswith(".pdf") and pdf.read() == b"%PDF-1.4 minutes"
    sheet = uploads.document(upload(samples.xlsx([["楼栋"]]), "a.pdf"))
    assert sheet.name.endswith(".xlsx")
    scan = uploads.document(upload(samples.jpeg_with_gps(), "scan.pdf"))
    assert scan.name.endswith(".jpg")
    with Image.open(io.BytesIO(scan.read())) as image:
        assert dict(image.getexif()) == {}


@pytest.mark.parametrize("data", [b"<svg onload=alert(1)>", b"<!doctype html><script>alert(1)</script>",
                                  b"MZ\x90\x00", b"PK\x03\x04broken"])
def test_documents_of_other_types_are_refused(data):
    with pytest.raises(uploads.UploadError) as error:
        uploads.document(upload(data, "a.pdf", "application/pdf"), label="附件")
    assert error.value.messages[0].startswith("附件")
    assert error.value.messages in (
        ["附件文件类型不允许：只接受 PDF、JPG、PNG、WebP、Excel（.xlsx）、Word（.docx）"],
        ["附件无法读取：文件已损坏或不是 Excel/Word 文件"])


def test_a_zip_that_is_no_office_file_is_refused():
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("index.html", "<script>alert(1)</script>")
    with pytest.raises(uploads.UploadError) as error:
        uploads.document(upload(buf.getvalue()))
    assert error.value.messages == ["附件不是 Excel（.xlsx）或 Word（.docx）文件"]


# -- spreadsheets ------------------------------------------------------------------------------------------


def test_an_xlsx_is_read_as_numbered_rows():
    data = samples.xlsx([["楼栋", "门牌号"], ["1栋", 101], [None, None], ["2栋", "201"], [None, None]])
    assert uploads.read_xlsx(data, rows=10) == [(1, ["楼栋", "门牌号"]), (2, ["1栋", 101]), (3, [None, None]),
                                                (4, ["2栋", "201"])]


def test_an_xlsx_zip_bomb_is_refused_from_the_zip_directory_before_openpyxl_opens_it():
    bomb = samples.xlsx_bomb()
    with mock.patch.object(openpyxl, "load_workbook") as opened, pytest.raises(uploads.UploadError) as error:
        uploads.read_xlsx(bomb, rows=50_000)
    assert error.value.messages == ["文件压缩比异常（超过 100 倍），疑似压缩炸弹，已拒绝"]
    assert opened.call_count == 0


def test_the_total_unzipped_size_and_the_shared_strings_are_capped(settings):
    settings.LINLI_UPLOAD_MAX_UNZIPPED_MB = 1
    settings.LINLI_UPLOAD_MAX_ZIP_RATIO = 100_000
    with pytest.raises(uploads.UploadError) as error:
        uploads.read_xlsx(samples.xlsx_bomb(rows=1000), rows=50_000)
    assert error.value.messages == ["文件解压后过大（最大 1 MB），请拆分后再上传"]
    settings.LINLI_UPLOAD_MAX_UNZIPPED_MB = 100
    settings.LINLI_UPLOAD_MAX_SHARED_STRINGS_MB = 1
    strings = samples._xlsx_zip({"xl/sharedStrings.xml": "x" * (2 * 1024 * 1024),
                                 "xl/worksheets/sheet1.xml": "<worksheet/>"})
    with pytest.raises(uploads.UploadError) as error:
        uploads.read_xlsx(strings, rows=10)
    assert error.value.messages == ["文件中的文字过多（共享字符串超过 1 MB）"]


def test_rows_past_the_cap_are_refused():
    data = samples.xlsx([["h"]] + [[str(i)] for i in range(11)])
    assert len(uploads.read_xlsx(data, rows=12)) == 12
    with pytest.raises(uploads.UploadError) as error:
        uploads.read_xlsx(data, rows=11)
    assert error.value.messages == ["文件行数过多（最多 11 行），请拆分后分批导入"]


def test_a_sheet_declaring_huge_dimensions_is_not_padded_to_them():
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c>'
             '</row></sheetData></worksheet>')
    rows = uploads.read_xlsx(samples._xlsx_zip({"xl/worksheets/sheet1.xml": sheet}), rows=10)
    assert rows == [(1, ["h"] + [None] * 199)]


def test_a_csv_is_read_with_caps_on_bytes_rows_and_cells(settings):
    assert uploads.read_csv("楼栋,门牌号\n1栋,101\n".encode("gb18030"), rows=5) == [
        (1, ["楼栋", "门牌号"]), (2, ["1栋", "101"])]
    with pytest.raises(uploads.UploadError) as error:
        uploads.read_csv(b"a\n" * 6, rows=5)
    assert error.value.messages == ["文件行数过多（最多 5 行），请拆分后分批导入"]
    with pytest.raises(uploads.UploadError) as error:
        uploads.read_csv(("a," + "x" * 40_000 + "\n").encode(), rows=5)
    assert error.value.messages == ["文件第1行有单元格超过 32767 个字符"]
    settings.LINLI_UPLOAD_MAX_SHEET_MB = 1
    with pytest.raises(uploads.UploadError) as error:
        uploads.read_csv(b"a" * (1024 * 1024 + 1), rows=5)
    assert error.value.messages == ["文件过大（最大 1 MB），请拆分后分批导入"]


# -- serving -----------------------------------------------------------------------------------------------


class Stored:
    """A stand-in for a FieldFile: ``open`` gives the stored bytes."""

    def __init__(self, data):
        self.data = data

    def open(self, mode="rb"):
        return io.BytesIO(self.data)


def served(data, **kw):
    response = uploads.serve(Stored(data), **kw)
    return (response["Content-Type"], response["Content-Disposition"], response["X-Content-Type-Options"],
            response["Content-Security-Policy"])


def test_html_and_svg_are_served_as_sandboxed_octet_stream_downloads():
    csp = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    assert served(b"<html><script>alert(1)</script>", name="通知.html", inline=True) == (
        "application/octet-stream", "attachment; filename*=utf-8''%E9%80%9A%E7%9F%A5.bin", "nosniff", csp)
    assert served(b"<svg onload=alert(1)>", name="a.svg", inline=True)[:2] == (
        "application/octet-stream", 'attachment; filename="a.bin"')


def test_images_may_be_shown_inline_and_other_types_are_downloads():
    assert served(samples.png(), name="photo.svg", inline=True)[:2] == ("image/png", 'inline; filename="photo.png"')
    assert served(samples.png(), name="photo")[:2] == ("image/png", 'attachment; filename="photo.png"')
    assert served(b"%PDF-1.4", name="plan.html", inline=True)[:2] == (
        "application/pdf", 'attachment; filename="plan.pdf"')
    assert served(samples.xlsx([["a"]]), name="x")[0] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_a_missing_file_is_404():
    from django.http import Http404

    class Missing:
        def open(self, mode="rb"):
            raise FileNotFoundError

    with pytest.raises(Http404):
        uploads.serve(Missing())


def test_strip_metadata_rewrites_only_images_that_carry_some():
    clean = uploads.strip_metadata(samples.jpeg_with_gps(400, 300, orientation=6))
    with Image.open(io.BytesIO(clean)) as image:
        assert (image.format, image.size, dict(image.getexif())) == ("JPEG", (300, 400), {})
    assert uploads.strip_metadata(clean) is None
    assert uploads.strip_metadata(samples.png()) is None
    assert uploads.strip_metadata(b"%PDF-1.4") is None
    assert uploads.strip_metadata(samples.png_bomb()) is None
