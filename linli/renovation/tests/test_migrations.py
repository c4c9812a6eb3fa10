"""Projects registered before a project could cover several estates keep everything (renovation 0002): their estate
becomes their lead and only estate, their handover (manager and fee plan) moves to that estate's row with the time
of the handover event, their comments are marked as made from that estate."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from linli.fees.services.plans import fee_plan_create
from linli.renovation.models import Comment, Project, ProjectEstate

BEFORE = [("renovation", "0001_projects_and_emergency_services")]


def migrate(targets=None):
    """Migrate the test database to ``targets`` (the latest of every app if None); return the state's apps."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.heavy
@pytest.mark.timeout(900)
@pytest.mark.django_db(transaction=True)
def test_projects_from_before_clusters_keep_their_estate_handover_and_comments(world):
    plan = fee_plan_create(actor=world.street_admin, estate=world.estate_a, effective_from=datetime.date(2026, 7, 1),
                           decision="街道文件", rate=Decimal("10"), grace_months=2)
    stewardship = world.estate_a.current_stewardship()
    try:
        old = migrate(BEFORE)
        OldProject = old.get_model("renovation", "Project")
        handed = OldProject.objects.create(estate_id=world.estate_a.pk, title="锦霞小区综合整治", stage="handover",
                                           stewardship_id=stewardship.pk, fee_plan_id=plan.pk,
                                           created_by_id=world.community_admin.pk)
        event = old.get_model("renovation", "ProjectEvent").objects.create(
            project=handed, kind="handed_over", actor_id=world.street_admin.pk, data={"grace_months": 2})
        waiting = OldProject.objects.create(estate_id=world.estate_b.pk, title="新工宿舍改造", stage="plan",
                                            created_by_id=world.street_admin.pk)
        comment = old.get_model("renovation", "Comment").objects.create(
            project=waiting, author_id=world.resident_a.pk, author_name="周莲秀", body="先修屋顶")
    finally:
        migrate()

    rows = {row.project_id: row for row in ProjectEstate.objects.all()}
    assert sorted(rows) == sorted([handed.pk, waiting.pk])
    assert (rows[handed.pk].estate_id, rows[handed.pk].stewardship_id, rows[handed.pk].fee_plan_id,
            rows[handed.pk].handed_over_at) == (world.estate_a.pk, stewardship.pk, plan.pk, event.at)
    assert (rows[waiting.pk].estate_id, rows[waiting.pk].stewardship_id, rows[waiting.pk].handed_over_at) == (
        world.estate_b.pk, None, None)
    assert list(Project.objects.get(pk=waiting.pk).estates.all()) == [world.estate_b]
    assert Project.objects.get(pk=handed.pk).estate_id == world.estate_a.pk
    assert Comment.objects.get(pk=comment.pk).estate_id == world.estate_b.pk
