"""An index on work-order events by type and time, for the rates (linli/workorders/rates.py): "which orders had a
dispatch or a callback in this period" becomes an index range scan instead of a scan of every event.

Plain SQL (the same statement on PostgreSQL and SQLite) because the event model lives in models.py; when that
model's Meta gets ``models.Index(fields=["type", "at"], name="workorderevent_type_at_idx")``, replace this with
the generated AddIndex of the same name.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workorders", "0003_joint_meetings")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS workorderevent_type_at_idx ON workorders_workorderevent (type, at)",
            "DROP INDEX IF EXISTS workorderevent_type_at_idx",
        ),
    ]
