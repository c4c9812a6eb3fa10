"""The renovation part of `linli demo`: a project over two estates (片区) with its plan published, comments and an answer; an emergency
service ending in three weeks with its selection case; the pages open for the demo's roles."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.people.demo import PASSWORD
from linli.renovation.demo import CLUSTER_ESTATES, EMERGENCY_ESTATE, PROJECT, PROJECT_ESTATE
from linli.renovation.models import EmergencyService, Project


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def signed_in(username):
    client = Client()
    assert client.login(username=username, password=PASSWORD, request=HttpRequest())
    return client


@pytest.mark.heavy
@pytest.mark.timeout(900)
def test_the_demo_has_a_project_in_comments_and_an_emergency_ending_in_three_weeks(demo, db):
    project = Project.objects.get(title=PROJECT)
    assert project.stage == Project.Stage.PLAN
    assert (project.estate.name, sorted(e.name for e in project.estates.all())) == (
        PROJECT_ESTATE, sorted(CLUSTER_ESTATES))  # a cluster (片区) of two estates of 锦霞社区
    assert {e.community.name for e in project.estates.all()} == {"锦霞社区"}
    assert project.comments.count() >= 1 and project.comments.filter(answers__isnull=False).exists()
    assert project.facility_links.count() == 1
    service = EmergencyService.objects.get(estate__name=EMERGENCY_ESTATE)
    assert service.end == timezone.localdate() + datetime.timedelta(days=21)
    assert service.selection_case is not None and service.notice is not None
    assert signed_in("street_admin").get(reverse("renovation:index")).status_code == 200
    assert signed_in("resident").get(reverse("renovation:project_public", args=[project.pk])).status_code == 200
    assert signed_in("street_admin").get(reverse("renovation:emergency_detail", args=[service.pk])).status_code == 200
