"""Work in hand indexed per street and per community (issue 13, the pages at city scale): a street admin's boards
read the ~40,000 entries of their street instead of the city's 1.25 million.

Built without locking writes on PostgreSQL (CREATE INDEX CONCURRENTLY, hence a non-atomic migration); other
databases build them as usual."""

from django.db import migrations, models

from linli.core.migration_ops import AddIndexConcurrentlyOnPostgres

ACTIVE = models.Q(("status__in", ["received", "dispatched", "accepted", "in_progress", "replied"]))


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("workorders", "0009_merge_events_and_app_split"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="workorder",
            index=models.Index(condition=ACTIVE, fields=["street", "status", "received_at", "id"],
                               include=["community", "estate", "assignee_org", "assignee_user", "created_by",
                                        "channel", "overdue", "needs_triage", "reply_due"],
                               name="workorder_street_active_idx"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="workorder",
            index=models.Index(condition=ACTIVE, fields=["community", "street", "status", "received_at", "id"],
                               include=["estate", "assignee_org", "assignee_user", "created_by",
                                        "channel", "overdue", "needs_triage", "reply_due"],
                               name="workorder_community_active_idx"),
        ),
    ]
