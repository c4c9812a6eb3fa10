"""Notice attachments and paper-ballot scans through the upload gate, and how they are served (issue 12, finding 3)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from linli.assembly import services
from linli.assembly.models import Ballot, Notice, NoticeAttachment
from linli.core.testing import DAY, error_messages, open_motion, sheet
from linli.core.tests import samples

TODAY = timezone.localdate()
SANDBOX = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
HTML = b"<html><body><script>fetch('/api/v1/people/').then(r => r.text()).then(alert)</script></body></html>"
SVG = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(document.cookie)'/>"


def stored_notice(world, name, data):
    """A notice with an attachment written straight by the service, as files stored before the gate were."""
    return services.notice_post(title="电梯加装方案公示", body="方案见附件", scope="estate", estate=world.estate_a,
                                posted_on=TODAY, ends_on=TODAY + 7 * DAY, actor=world.community_admin,
                                attachments=[(name, SimpleUploadedFile(name, data))])


@pytest.mark.parametrize(("name", "data"), [("方案.html", HTML), ("方案.svg", SVG)])
def test_a_stored_html_or_svg_attachment_is_a_sandboxed_download_on_the_public_board(world, name, data):
    att = stored_notice(world, name, data).attachments.get()
    response = Client().get(reverse("assembly:attachment", args=[att.pk]))
    assert response.status_code == 200
    assert (response["Content-Type"], response["X-Content-Type-Options"], response["Content-Security-Policy"]) == (
        "application/octet-stream", "nosniff", SANDBOX)
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E6%96%B9%E6%A1%88.bin"


def notice_form(world, upload):
    return {"title": "电梯加装方案公示", "body": "方案见附件", "scope": "estate", "estate": world.estate_a.pk,
            "posted_on": TODAY.isoformat(), "ends_on": (TODAY + 7 * DAY).isoformat(), "attachment": upload}


@pytest.mark.parametrize(("name", "data"), [("方案.html", HTML), ("方案.svg", SVG), ("方案.pdf", HTML)])
def test_the_notice_form_refuses_html_and_svg_whatever_the_name(world, client_for, name, data):
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    response = client_for("community_admin").post(reverse("assembly:notice_new"), notice_form(world, upload))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "attachment": ["附件文件类型不允许：只接受 PDF、JPG、PNG、WebP、Excel（.xlsx）、Word（.docx）"]}
    assert (Notice.objects.count(), NoticeAttachment.objects.count()) == (0, 0)


def test_a_pdf_attachment_keeps_its_shown_name_and_is_stored_under_a_generated_one(world, client_for):
    upload = SimpleUploadedFile("../../电梯方案.pdf", b"%PDF-1.4 plan", content_type="text/html")
    response = client_for("community_admin").post(reverse("assembly:notice_new"), notice_form(world, upload))
    assert response.status_code == 302
    att = NoticeAttachment.objects.get()
    assert att.name == "电梯方案.pdf"
    assert att.file.name.startswith(f"assembly/notices/{att.notice_id}/") and "电梯" not in att.file.name
    assert att.file.name.endswith(".pdf")
    served = Client().get(reverse("assembly:attachment", args=[att.pk]))
    assert (served["Content-Type"], served["Content-Disposition"]) == (
        "application/pdf", "attachment; filename*=utf-8''%E7%94%B5%E6%A2%AF%E6%96%B9%E6%A1%88.pdf")


def test_an_image_attachment_is_reencoded_without_gps_and_shown_inline(world, client_for):
    upload = SimpleUploadedFile("现场.jpg", samples.jpeg_with_gps(), content_type="image/jpeg")
    client_for("community_admin").post(reverse("assembly:notice_new"), notice_form(world, upload))
    att = NoticeAttachment.objects.get()
    served = Client().get(reverse("assembly:attachment", args=[att.pk]))
    assert (served["Content-Type"], served["Content-Disposition"]) == (
        "image/jpeg", "inline; filename*=utf-8''%E7%8E%B0%E5%9C%BA.jpg")
    assert att.name == "现场.jpg" and "现场" not in att.file.name
    with att.file.open("rb") as handle, Image.open(handle) as stored:
        assert (stored.format, dict(stored.getexif())) == ("JPEG", {})


def test_an_attachment_of_a_past_notice_stays_404_for_a_stranger(world, client_for):
    notice = services.notice_post(title="旧公示", body="x", scope="estate", estate=world.estate_a,
                                  posted_on=TODAY - 20 * DAY, ends_on=TODAY - 10 * DAY, actor=world.community_admin,
                                  attachments=[("a.pdf", SimpleUploadedFile("a.pdf", b"%PDF-1.4"))])
    att = notice.attachments.get()
    assert client_for("stranger").get(reverse("assembly:attachment", args=[att.pk])).status_code == 404
    assert client_for("community_admin").get(reverse("assembly:attachment", args=[att.pk])).status_code == 200


def test_a_paper_ballot_with_an_html_scan_is_refused_and_no_ballot_is_written(world, client_for):
    motion = open_motion(world)
    elector = motion.electors.get(persons=world.neighbour)
    scan = SimpleUploadedFile("scan.pdf", HTML, content_type="application/pdf")
    client_for("community_admin").post(reverse("assembly:paper_ballot", args=[motion.pk]),
                                       {"elector": elector.pk, "choice": "for", "sheet": scan})
    assert Ballot.objects.count() == 0
    api = client_for("community_admin").post(f"/api/v1/assembly/motions/{motion.pk}/paper/",
                                             {"elector": elector.pk, "choice": "for",
                                              "sheet": SimpleUploadedFile("scan.pdf", HTML)})
    assert api.status_code == 400
    assert error_messages(api)["sheet"] == ["纸质票扫描件文件类型不允许：只接受 PDF、JPG、PNG、WebP、Excel（.xlsx）、Word（.docx）"]
    assert Ballot.objects.count() == 0


def test_a_ballot_scan_is_a_download_that_is_not_cached(world, client_for):
    motion = open_motion(world)
    elector = motion.electors.get(persons=world.neighbour)
    client_for("community_admin").post(reverse("assembly:paper_ballot", args=[motion.pk]),
                                       {"elector": elector.pk, "choice": "for", "sheet": sheet()})
    ballot = Ballot.objects.get()
    assert ballot.current.sheet.name.endswith(".pdf") and "ballot.pdf" not in ballot.current.sheet.name
    response = client_for("community_admin").get(reverse("assembly:ballot_sheet", args=[ballot.pk]))
    assert (response["Content-Type"], response["Content-Disposition"], response["Cache-Control"]) == (
        "application/pdf", f'attachment; filename="ballot-{ballot.pk}-{ballot.current_id}.pdf"', "private, no-store")
    assert client_for("stranger").get(reverse("assembly:ballot_sheet", args=[ballot.pk])).status_code == 404
    assert client_for("resident_a").get(reverse("assembly:ballot_sheet", args=[ballot.pk])).status_code == 404
