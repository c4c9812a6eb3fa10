"""The public notice board (公示栏) publishes no personal data written in a notice, but the lines of the
organisations that serve the estate (issue 12)."""

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.assembly import services
from linli.people.models import Organization

TODAY = timezone.localdate()
BODY = "欠费户：张三（13800001111，身份证110101199003071234），联系人：王五；咨询居委会 023-68812345"


def test_a_notice_on_the_public_board_masks_names_phones_and_id_numbers_but_keeps_the_committees_line(
        world, client_for):
    Organization.objects.create(name="锦霞社区居委会", kind="community_committee", division=world.c1,
                                phone="023-68812345")
    notice = services.notice_post(title="张三先生欠费公示", body=BODY, scope="estate", estate=world.estate_a,
                                  posted_on=TODAY, ends_on=TODAY, actor=world.community_admin)
    page = Client().get(reverse("assembly:public_estate", args=[world.estate_a.pk])).content.decode()
    api = Client().get(f"/api/v1/assembly/public/estates/{world.estate_a.pk}/notices/").json()
    assert (api[0]["title"], api[0]["body"]) == (
        "张*先生欠费公示", "欠费户：张*（138****1111，身份证1****************4），联系人：王*；咨询居委会 023-68812345")
    assert "张*先生欠费公示" in page and "咨询居委会 023-68812345" in page
    for text in ("张三", "13800001111", "110101199003071234", "王五"):
        assert text not in page and text not in str(api)
    staff = client_for("community_admin").get(reverse("assembly:notice_detail", args=[notice.pk])).content.decode()
    assert "13800001111" in staff and "张三" in staff
