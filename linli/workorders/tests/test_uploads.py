"""Photos of work orders through the upload gate (issue 12, finding 5) and how stored files are served."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from linli.core.testing import error_messages, h5_url
from linli.core.tests import samples
from linli.workorders import services as s
from linli.workorders.models import Attachment, WorkOrder


@pytest.fixture(autouse=True)
def fresh_cache(db):
    cache.clear()
    yield
    cache.clear()


def report(world, **kw):
    return s.workorder_create(channel="resident", text="1栋楼道灯坏了", place=s.resolve_place(building=world.building_a),
                              reporter=world.resident, contact_phone="13812345678", **kw)


def test_the_anonymous_report_page_refuses_a_pixel_bomb_without_decoding_it(desk):
    bomb = SimpleUploadedFile("IMG_0001.png", samples.png_bomb(10000, 10000), content_type="image/png")
    with mock.patch.object(Image.Image, "load", autospec=True) as load:
        response = Client().post(h5_url(desk), {"text": "楼道灯坏了", "contact_phone": "13900002222",
                                                "photos": [bomb]})
    assert response.status_code == 200
    assert response.context["form"].errors == {"photos": ["第1张照片像素过多（最多 5000 万像素）"]}
    assert load.call_count == 0
    assert (WorkOrder.objects.count(), Attachment.objects.count()) == (0, 0)


def test_the_report_page_refuses_a_file_that_is_not_a_photo_whatever_its_name(desk):
    svg = SimpleUploadedFile("a.jpg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
                             content_type="image/jpeg")
    response = Client().post(h5_url(desk), {"text": "楼道灯坏了", "contact_phone": "13900002222", "photos": [svg]})
    assert response.context["form"].errors == {"photos": ["第1张照片文件类型不允许：只接受 JPG、PNG、WebP 图片"]}
    assert WorkOrder.objects.count() == 0


def test_a_photo_from_the_report_page_is_stored_without_its_gps(desk):
    photo = SimpleUploadedFile("家.jpg", samples.jpeg_with_gps(), content_type="image/jpeg")
    Client().post(h5_url(desk), {"text": "楼道灯坏了", "contact_phone": "13900002222", "photos": [photo]})
    attachment = Attachment.objects.get()
    assert attachment.file.name.endswith("/photo-1.jpg")
    with Image.open(attachment.file.path) as stored:
        assert dict(stored.getexif()) == {}


def test_photos_sent_to_the_api_reply_go_through_the_same_gate(desk, client_for):
    order = s.workorder_accept(order=report(desk), actor=desk.manager_a)
    url = f"/api/v1/workorders/{order.code}/reply/"
    bomb = SimpleUploadedFile("a.png", samples.png_bomb(10000, 10000), content_type="image/png")
    with mock.patch.object(Image.Image, "load", autospec=True) as load:
        refused = client_for("staff_a").post(url, {"text": "已修好", "photos": [bomb]})
    assert refused.status_code == 400 and load.call_count == 0
    assert error_messages(refused)["photos"] == ["第1张照片像素过多（最多 5000 万像素）"]
    assert Attachment.objects.count() == 0
    photo = SimpleUploadedFile("修好.jpg", samples.jpeg_with_gps(), content_type="image/jpeg")
    done = client_for("staff_a").post(url, {"text": "已修好", "photos": [photo]})
    assert done.status_code == 200, done.content
    with Image.open(Attachment.objects.get().file.path) as stored:
        assert (stored.format, dict(stored.getexif())) == ("JPEG", {})


def test_a_stored_file_is_served_by_its_bytes_with_nosniff_and_a_sandbox(desk, client_for):
    # A file stored before the gate existed, named .jpg but holding HTML: a sandboxed download, not a page.
    order = report(desk, photos=[SimpleUploadedFile("a.jpg", b"<html><script>alert(1)</script></html>")])
    html = order.attachments.get()
    response = client_for("manager_a").get(f"/workorders/{order.code}/files/{html.pk}/")
    assert (response.status_code, response["Content-Type"], response["X-Content-Type-Options"]) == (
        200, "application/octet-stream", "nosniff")
    assert response["Content-Disposition"] == f'attachment; filename="{order.code}-{html.pk}.bin"'
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    assert client_for("stranger").get(f"/workorders/{order.code}/files/{html.pk}/").status_code == 404


def test_a_photo_is_served_inline_as_an_image(desk, client_for):
    order = report(desk, photos=[SimpleUploadedFile("p.jpg", samples.jpeg_with_gps())])
    photo = order.attachments.get()
    response = client_for("manager_a").get(f"/workorders/{order.code}/files/{photo.pk}/")
    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "image/jpeg", f'inline; filename="{order.code}-{photo.pk}.jpg"')
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert client_for("stranger").get(f"/workorders/{order.code}/files/{photo.pk}/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_for_an_order_file(desk, settings):
    order = report(desk, photos=[SimpleUploadedFile("p.jpg", samples.jpeg_with_gps())])
    response = Client().get(f"/workorders/{order.code}/files/{order.attachments.get().pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next=")
