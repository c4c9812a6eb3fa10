"""Wish photos through the upload gate: the public wall never publishes EXIF/GPS (issue 12, finding 10)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from linli.core.tests import samples
from linli.volunteers import wishes
from linli.volunteers.models import Wish


@pytest.fixture
def claimed(vworld):
    wish = wishes.wish_post(actor=vworld.resident_a, beneficiary=vworld.resident, title="想要一台收音机",
                            detail="独居，家住1栋1单元101")
    wish = wishes.wish_review(actor=vworld.community_admin, wish=wish, approve=True)
    return wishes.wish_claim(actor=vworld.volunteer_a, wish=wish)


def public_photo(wish) -> Image.Image:
    response = Client().get(reverse("volunteers:wish_photo", args=[wish.pk]))
    assert (response.status_code, response["Content-Type"], response["X-Content-Type-Options"]) == (
        200, "image/jpeg", "nosniff")
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


def test_a_wish_photo_with_gps_is_published_without_any_exif(claimed, client_for):
    photo = SimpleUploadedFile("IMG_2041.jpg", samples.jpeg_with_gps(), content_type="image/jpeg")
    client_for("volunteer_a").post(reverse("volunteers:wish_action", args=[claimed.pk, "fulfil"]),
                                   {"photo": photo, "note": "送到了"})
    wish = Wish.objects.get()
    assert wish.status == "fulfilled"
    assert "IMG_2041" not in wish.photo.name and wish.photo.name.endswith(".jpg")
    image = public_photo(wish)
    assert (image.format, image.size, dict(image.getexif()), image.info.get("exif")) == ("JPEG", (400, 300), {}, None)


def test_a_wish_photo_sent_to_the_api_is_published_without_any_exif(claimed, client_for):
    photo = SimpleUploadedFile("IMG_2041.jpg", samples.jpeg_with_gps(), content_type="image/jpeg")
    response = client_for("volunteer_a").post(f"/api/v1/wishes/{claimed.pk}/fulfil/", {"photo": photo})
    assert response.status_code == 200, response.content
    assert dict(public_photo(Wish.objects.get()).getexif()) == {}


def test_a_pixel_bomb_or_a_page_named_jpg_is_refused_and_the_wish_stays_claimed(claimed, vworld):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        wishes.wish_fulfil(actor=vworld.volunteer_a, wish=claimed,
                           photo=SimpleUploadedFile("a.png", samples.png_bomb(10000, 10000)))
    assert error.value.message_dict == {"photo": ["照片像素过多（最多 5000 万像素）"]}
    with pytest.raises(ValidationError) as error:
        wishes.wish_fulfil(actor=vworld.volunteer_a, wish=claimed,
                           photo=SimpleUploadedFile("a.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg"))
    assert error.value.message_dict == {"photo": ["照片文件类型不允许：只接受 JPG、PNG、WebP 图片"]}
    wish = Wish.objects.get()
    assert (wish.status, wish.photo.name) == ("claimed", "")


def test_the_photo_of_a_wish_that_is_not_public_is_404(claimed):
    assert Client().get(reverse("volunteers:wish_photo", args=[claimed.pk])).status_code == 404


def test_the_command_strips_gps_from_wish_photos_stored_before_the_gate(claimed, vworld):
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    wish = Wish.objects.get()
    wish.photo.save("old.jpg", ContentFile(samples.jpeg_with_gps()), save=False)
    Wish.objects.filter(pk=wish.pk).update(photo=wish.photo.name, status="fulfilled")
    out = io.StringIO()
    call_command("strip-image-metadata", "volunteers.Wish.photo", stdout=out)
    assert out.getvalue() == "volunteers.Wish.photo：1 个文件，已去除元数据 1 个\n"
    image = public_photo(Wish.objects.get())
    assert (image.size, dict(image.getexif())) == ((400, 300), {})
    again = io.StringIO()
    call_command("strip-image-metadata", "volunteers.Wish.photo", stdout=again)
    assert again.getvalue() == "volunteers.Wish.photo：1 个文件，已去除元数据 0 个\n"


def test_the_command_refuses_ledger_evidence_whose_digest_is_kept(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError) as error:
        call_command("strip-image-metadata", "fees.LedgerEntry.evidence")
    assert str(error.value) == "fees.LedgerEntry.evidence 保存了文件摘要（evidence_sha256），不能改写"
