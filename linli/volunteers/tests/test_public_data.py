"""What the public 红黑榜 and wish wall publish of free text: no names, phones or ID numbers (issue 12)."""

import datetime

from django.test import Client
from django.urls import reverse

from linli.volunteers import services
from linli.volunteers import wishes as w
from linli.volunteers.models import Wish

T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def test_the_board_masks_the_persons_own_name_and_a_phone_in_the_reason(vworld):
    services.board_entry_add(actor=vworld.community_admin, community=vworld.c1, kind="black", person=vworld.wang,
                             reason="王芳（13700002222）楼道堆物经三次劝导未清理")
    page = Client().get(reverse("volunteers:board", args=[vworld.c1.code])).content.decode()
    api = Client().get(f"/api/v1/volunteer-board/{vworld.c1.code}/").json()
    assert "王*（137****2222）楼道堆物经三次劝导未清理" in page
    assert api["black"][0]["reason"] == "王*（137****2222）楼道堆物经三次劝导未清理"
    assert "王芳" not in page + str(api) and "13700002222" not in page + str(api)


def public_wish(vworld, title):
    wish = w.wish_post(actor=vworld.resident_a, beneficiary=vworld.resident, title=title, now=T0)
    return w.wish_review(actor=vworld.community_admin, wish=wish, approve=True, now=T0)


def test_the_wish_wall_masks_the_beneficiarys_name_and_phone_and_those_who_may_see_the_wish_see_them(
        vworld, client_for):
    wish = public_wish(vworld, "周莲秀想要一台收音机，电话13812345678")
    Wish.objects.filter(pk=wish.pk).update(thanks="我叫周莲秀，谢谢！")
    published = (Client().get(reverse("volunteers:wish_pool")).content.decode()
                 + Client().get(reverse("volunteers:wish_detail", args=[wish.pk])).content.decode()
                 + str(Client().get("/api/v1/wish-pool/").json()))
    assert "周**想要一台收音机，电话138****5678" in published and "我叫周**，谢谢！" in published
    assert "周莲秀" not in published and "13812345678" not in published
    full = client_for("community_admin").get(reverse("volunteers:wish_detail", args=[wish.pk])).content.decode()
    assert "周莲秀想要一台收音机，电话13812345678" in full
    assert Wish.objects.get().title == "周莲秀想要一台收音机，电话13812345678"
