from django.db import migrations

from linli.workorders.data_loader import load_holidays

# Global defaults (a street can add its own rows): accept within 2 hours and reply within 5 working days;
# urgent: accept within 1 hour and reply within 24 hours.
DEFAULT_LIMITS = [
    dict(category="", urgent=False, accept_hours=2, reply_working_days=5, reply_hours=0),
    dict(category="", urgent=True, accept_hours=1, reply_working_days=0, reply_hours=24),
]


def forwards(apps, schema_editor):
    Holiday = apps.get_model("workorders", "Holiday")
    TimeLimit = apps.get_model("workorders", "TimeLimit")
    load_holidays(Holiday)
    for row in DEFAULT_LIMITS:
        TimeLimit.objects.get_or_create(street=None, category=row["category"], urgent=row["urgent"], defaults=row)


def backwards(apps, schema_editor):
    apps.get_model("workorders", "Holiday").objects.all().delete()
    apps.get_model("workorders", "TimeLimit").objects.filter(street=None).delete()


class Migration(migrations.Migration):
    dependencies = [("workorders", "0001_work_orders")]

    operations = [migrations.RunPython(forwards, backwards)]
