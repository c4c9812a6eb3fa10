"""Small builders for the assembly tests, on top of the named cast."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.assembly import services

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def open_motion(world, *, matter="hire_manager", estate=None, secret=False, now=None, developer_home_ids=(),
                title="选聘物业服务企业"):
    now = now or timezone.now()
    actor = world.street_admin
    motion = services.motion_create(estate=estate or world.estate_a, matter=matter, title=title,
                                    body="是否同意选聘新的物业服务企业", opens_at=now - HOUR,
                                    closes_at=now + DAY, secret=secret, actor=actor)
    return services.motion_open(motion=motion, actor=actor, developer_home_ids=developer_home_ids, now=now)


def sheet(name="ballot.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 scanned ballot", content_type="application/pdf")


def after_close(motion):
    return motion.closes_at + datetime.timedelta(minutes=1)


def decided(world, *, matter="hire_manager", estate=None, title="选聘物业服务企业"):
    """A motion of ``estate`` approved by all its registered owners, counted and closed."""
    estate = estate or world.estate_a
    motion = open_motion(world, matter=matter, estate=estate, title=title)
    for elector in motion.electors.all():
        services.ballot_cast(motion=motion, elector=elector, choice="for", actor=world.street_admin,
                             channel="paper", sheet=sheet())
    return services.motion_close(motion=motion, actor=world.street_admin, now=after_close(motion))
