import pytest


@pytest.fixture
def subject(vworld):
    """周莲秀 (living alone in A-1-101) under care, visited weekly by volunteer_a; next visit due in the past."""
    import datetime

    from django.utils import timezone

    from linli.care import services

    subject = services.subject_enrol(actor=vworld.community_admin, person=vworld.resident, guardian_contact="女儿 139")
    services.plan_create(actor=vworld.community_admin, subject=subject, frequency="weekly",
                         visitors=[vworld.volunteer_a], first_due=timezone.localdate() - datetime.timedelta(days=3))
    return subject
